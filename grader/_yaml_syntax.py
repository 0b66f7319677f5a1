"""PyYAML's (libyaml's) syntax errors said in an author's terms, with a fix.

"did not find expected key" is true but names the parser's state, not the author's
mistake. Looking at the line the parser stopped on tells the usual mistakes apart: a tab,
an unquoted ': ' inside a value, keys that do not line up, a list item where a key should
be, text after a closing quote, a quote or bracket never closed.
"""

from __future__ import annotations

import yaml


def _indent_col(line: str) -> int:
    """1-based column of the first character that is not a space."""
    return len(line) - len(line.lstrip(" ")) + 1


def explain(exc: yaml.MarkedYAMLError, text: str) -> str:
    """What is wrong, in words an author knows, and how to fix it (no position: the
    caller reports the line and column of ``exc.problem_mark``)."""
    problem = exc.problem or ""
    lines = text.split("\n")
    mark, ctx = exc.problem_mark, exc.context_mark
    row = lines[mark.line] if mark and mark.line < len(lines) else ""
    col = mark.column + 1 if mark else 0
    here = row[col - 1] if 0 < col <= len(row) else ""
    at = f"line {ctx.line + 1}, column {ctx.column + 1}" if ctx else "above"
    before = row[: col - 1]

    if here == "\t" or "\t" in row[: _indent_col(row.replace("\t", " ")) - 1]:
        return "a tab character: YAML indents with spaces only; replace the tab with spaces"
    if "cannot start any token" in problem:
        return (
            f"a plain value cannot start with '{here}'; put the whole value in quotes "
            "('...' or \"...\")"
        )
    if "mapping values are not allowed" in problem:
        key, _, _ = before.strip().lstrip("- ").partition(":")
        if ": " in before:
            return (
                f"an unquoted ': ' inside the value of '{key}'; put the whole value in quotes "
                '("...") or write it as a | block'
            )
        above = next((x for x in reversed(lines[: mark.line if mark else 0]) if x.strip()), "")
        if ":" not in above:
            return (
                f"the line above ('{above.strip()}') has no ':', so '{key}:' here cannot "
                "start a key; add the missing ':' after the key above"
            )
        return (
            f"'{key}:' is indented deeper than the key above it, so it reads as part of that "
            "key's value; keys of one mapping must start in the same column"
        )
    if problem == "did not find expected key":
        if col > _indent_col(row):
            if before.rstrip().endswith(("'", '"')):
                return (
                    "text after a closing quote; quote the whole value (inside '...' write '' "
                    'for a quote, inside "..." write \\") or use a | block'
                )
            value = before.strip().lstrip("- ").partition(": ")[2].lstrip()
            if value[:1] in ("[", "{"):
                return (
                    f"a value that starts with '{value[0]}' is read as a list or mapping, and "
                    "text follows it; put the whole value in quotes"
                )
            return "unexpected text; quote the whole value or use a | block"
        if here == "-":
            return (
                f"a list item ('- ') where a key of the mapping at {at} was expected; "
                "a list goes under its key ('choices:'), indented more than the key, and "
                "'-' needs a space after it"
            )
        keys = f"column {ctx.column + 1}" if ctx else "another column"
        return (
            f"the indentation does not line up: this line starts at column {col}, but the "
            f"keys of the mapping at {at} start at {keys}; indent it like the key it belongs with"
        )
    if problem == "did not find expected '-' indicator":
        if row.lstrip().startswith("-") and not row.lstrip().startswith("- "):
            return "a list item needs a space after its '-' ('- id: a', not '-id: a')"
        return (
            f"the indentation does not line up: this line starts at column {col}, inside the "
            f"list at {at}; start it with '- ' at column {ctx.column + 1 if ctx else col} to "
            "make it an item, or indent it like the key that owns the list"
        )
    if "could not find expected ':'" in problem:
        return (
            f"line {ctx.line + 1 if ctx else mark.line if mark else '?'} has no ':' after its "
            "key (or a value goes on over more lines at the wrong indentation); write "
            "'key: value'"
        )
    if "end of stream" in problem and exc.context and "quoted scalar" in exc.context:
        return f"the quote opened at {at} is never closed"
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        bracket = "[" if "]" in problem else "{"
        return (
            f"the '{bracket}' opened at {at} is not closed, or a ',' is missing between its "
            "items; to start a plain value with a bracket, quote the value"
        )
    if "undefined alias" in problem:
        return (
            "a value starting with '*' refers to an anchor ('&name') that is not defined; "
            "to mean a literal '*', quote the value"
        )
    if "unknown escape character" in problem:
        return (
            'an unknown backslash escape in a "..." string; there a backslash starts an escape '
            "(\\n, \\t): write \\\\ for a backslash, or use single quotes or a | block for LaTeX"
        )
    return f"{problem} ({exc.context})" if exc.context else problem or "invalid YAML"
