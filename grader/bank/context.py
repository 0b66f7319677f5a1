"""What a question type needs while reading its YAML: the checker and Markdown checks."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from grader._yaml import Checker
from grader.errors import Problem
from grader.markup import latex_problem, math_spans

_ESCAPED = re.compile("[\x08\x0c\t\r\x0b\x07]")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass
class ReadContext:
    checker: Checker
    # False for a quick first read (grader.bank.loader.skim_bank): the text as the full
    # load reads it, its math left unchecked (parsing it is most of a load's time).
    check_math: bool = True

    def markdown(self, node: yaml.Node, path: str, *, nonempty: bool = True) -> str | None:
        """Markdown text whose `$...$` math must parse; errors point at the math's line."""
        text = self.checker.string(node, path, nonempty=nonempty)
        if text is None:
            return None
        bad = _ESCAPED.search(text) if getattr(node, "style", None) == '"' else None
        if bad and "$" in text:
            # `"$\frac{1}{4}$"` reads as form feed + "rac{1}{4}", which still parses as math,
            # so the LaTeX check alone would let the mangled formula through.
            self.checker.error(
                node,
                path,
                f"a backslash escape became the control character {bad.group()!r}"
                ' — in a double-quoted YAML string "\\f", "\\t", "\\b" are escapes;'
                " write \\\\frac or use single quotes or a | block",
            )
            return None
        if not self.check_math:
            return text
        first = node.start_mark.line + (1 if getattr(node, "style", None) in ("|", ">") else 0)
        for span in math_spans(text):
            problem = latex_problem(span.latex)
            if problem:
                line, column = self._locate(
                    first + span.line + 1, node.end_mark.line + 1, span.latex
                )
                self.checker.problems.append(
                    Problem(self.checker.file, line, column, path, problem)
                )
        return text

    def _locate(self, line: int, last: int, latex: str) -> tuple[int, int | None]:
        """(line, column), 1-based, of the formula in the file. Markdown gives the line of
        its paragraph: look from there to the value's last line for the formula as written
        (a double-quoted string's escapes change it: then the paragraph's line, no column)."""
        lines = self.checker.lines
        for number in range(line, min(last, len(lines)) + 1):
            found = lines[number - 1].find(latex) if latex else -1
            if found >= 0:
                return number, found + 1
        return line, None

    def identifier(self, node: yaml.Node, path: str) -> str | None:
        value = self.checker.string(node, path)
        if value is not None and not ID_PATTERN.match(value):
            self.checker.error(
                node, path, f"'{value}' is not a valid id (letters, digits, '-', '_', '.')"
            )
            return None
        return value

    def positive(self, node: yaml.Node, path: str) -> float | None:
        value = self.checker.number(node, path)
        if value is not None and value <= 0:
            self.checker.error(node, path, f"must be greater than 0, found {value:g}")
            return None
        return value
