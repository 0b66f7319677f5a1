"""Markdown with `$...$` / `$$...$$` math: one parser for every consumer.

The loader uses it to check that math parses; the HTML exporter and the terminal
renderer use the same parser so that what is checked is what is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin


@cache
def markdown_parser() -> MarkdownIt:
    """CommonMark + tables + `$` math, with raw HTML switched off (bank text is untrusted)."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.enable("strikethrough")
    # allow_digits=False keeps "costs $5 or $6" from turning into math.
    md.use(dollarmath_plugin, allow_digits=False, double_inline=True)
    return md


@dataclass(frozen=True)
class MathSpan:
    latex: str
    display: bool
    line: int  # 0-based line within the Markdown text


def math_spans(text: str) -> list[MathSpan]:
    if "$" not in text:
        return []  # most text has no math: skip the Markdown parse
    spans: list[MathSpan] = []

    def walk(tokens: list[Token], line: int) -> None:
        for tok in tokens:
            here = tok.map[0] if tok.map else line
            if tok.type in ("math_inline", "math_inline_double", "math_block", "math_block_label"):
                display = tok.type != "math_inline"
                spans.append(MathSpan(tok.content.strip(), display, here))
            if tok.children:
                walk(tok.children, here)

    walk(markdown_parser().parse(text), 0)
    return spans


@cache
def _known_commands() -> frozenset[str]:
    import latex2mathml.commands as commands
    import latex2mathml.symbols_parser as symbols

    names: set[str] = set()
    for value in vars(commands).values():
        items = value if isinstance(value, (dict, set, frozenset, tuple, list)) else [value]
        names.update(x for x in items if isinstance(x, str) and x.startswith("\\"))
    names.update(k for k in symbols.SYMBOLS if isinstance(k, str) and k.startswith("\\"))
    return frozenset(names)


_COMMAND = re.compile(r"\\([A-Za-z]+)")
# Math with no commands, groups or scripts cannot fail to convert: skip the converter.
_TRIVIAL = re.compile(r"^[\w\s.,;:+\-*/=()<>|!'\[\]]+$")


@cache
def latex_problem(latex: str) -> str | None:
    """Why ``latex`` would not render, or None if it is fine."""
    if not latex:
        return "empty math"
    if _TRIVIAL.match(latex):
        return None
    depth = 0
    for i, ch in enumerate(latex):
        if ch == "{" and (i == 0 or latex[i - 1] != "\\"):
            depth += 1
        elif ch == "}" and (i == 0 or latex[i - 1] != "\\"):
            depth -= 1
            if depth < 0:
                return f"unbalanced braces in math '{latex}' (a '}}' without '{{')"
    if depth:
        return f"unbalanced braces in math '{latex}' ({depth} '{{' not closed)"
    known = _known_commands()
    for match in _COMMAND.finditer(latex):
        if "\\" + match.group(1) not in known:
            return f"unknown LaTeX command '\\{match.group(1)}' in math '{latex}'"
    try:
        latex_to_mathml(latex, display=False)
    except Exception as exc:  # latex2mathml raises many private exception types
        reason = type(exc).__name__.removesuffix("Error")
        words = re.sub(r"(?<!^)(?=[A-Z])", " ", reason).lower()
        return f"math does not parse ({words}): '{latex}'"
    return None


def latex_to_mathml(latex: str, *, display: bool) -> str:
    from latex2mathml.converter import convert

    return str(convert(latex, display="block" if display else "inline"))
