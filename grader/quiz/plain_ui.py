"""The line-based driver for piped input and CI: one typed answer per line.

Choices are named by the number shown (or the letter in the same position: 1 = A);
an empty line skips, ``?`` shows a hint (practice mode), end of input stops cleanly
with everything answered so far saved.
"""

from __future__ import annotations

import re
import string
import time
from typing import Any, Literal, TextIO

from grader.bank.model import ResponseError
from grader.quiz.flow import Outcome, ReviewRow, Screen, Verdict
from grader.quiz.widgets import Option
from grader.report.style import Painter, terminal_width
from grader.report.terminal_templates import render


class _EOF(Exception):
    pass


def pick(token: str, options: list[Option]) -> Any:
    """The option a typed token names: its number, its letter, or its text."""
    token = token.strip()
    if token.isdigit() and 1 <= int(token) <= len(options):
        return options[int(token) - 1].key
    if len(token) == 1 and token.upper() in string.ascii_uppercase[: len(options)]:
        return options[string.ascii_uppercase.index(token.upper())].key
    for option in options:
        if token.casefold() == option.text.casefold():
            return option.key
    raise ResponseError(f"'{token}' is not one of the numbers shown (1-{len(options)})")


def tokens(line: str) -> list[str]:
    line = line.strip()
    if re.fullmatch(r"[A-Za-z]{2,}", line) and line.isupper():
        return list(line)  # "CAB"
    return [t for t in re.split(r"[\s,;]+", line) if t]


class PlainDriver:
    def __init__(self, stdin: TextIO, stdout: TextIO, paint: Painter) -> None:
        self.stdin = stdin
        self.out = stdout
        self.paint = paint
        self.revisit_skipped = False  # a script's answers come in one pass

    def columns(self) -> int:
        return terminal_width(cap=100)

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _read(self, label: str = "") -> str:
        self.out.write(render("plain_ask.txt.j2", paint=self.paint, columns=80, label=label) + " ")
        self.out.flush()
        line = self.stdin.readline()
        if not line:
            self.out.write("\n")
            raise _EOF
        if not self.stdin.isatty():  # echo piped answers so the transcript reads well
            self.out.write(line if line.endswith("\n") else line + "\n")
        return line.rstrip("\r\n")

    def ask(self, screen: Screen) -> Outcome:
        view = screen.widget.view()
        self.say(
            render(
                "plain_question.txt.j2",
                paint=self.paint,
                columns=self.columns(),
                head=screen.head,
                prompt_lines=screen.prompt_lines,
                widget=view,
                numeric=screen.question.type == "numeric",
                hints_left=screen.practice and bool(screen.question.hints),
            )
        )
        while True:
            if screen.deadline is not None and time.time() >= screen.deadline:
                return Outcome("timeout")
            try:
                raw = self._collect(screen, view)
            except _EOF:
                return Outcome("eof")
            except ResponseError as exc:
                self.say(self.paint(f"✗ {exc}", "red"))
                continue
            if raw == "?":
                self._hint(screen)
                continue
            if raw is None:
                return Outcome("skip")
            try:
                return Outcome("answer", screen.validate(raw))
            except ResponseError as exc:
                self.say(self.paint(f"✗ {exc}", "red"))

    def _hint(self, screen: Screen) -> None:
        hint = screen.next_hint() if screen.practice else None
        if hint is None:
            self.say(
                render(
                    "message.txt.j2",
                    paint=self.paint,
                    columns=self.columns(),
                    name="hint_none",
                    shown=bool(screen.hints),
                )
            )
            return
        screen.hints.append(hint)
        from grader.report.markdown_term import render_markdown

        self.say(self.paint(f"Hint {hint['number']}/{hint['total']}", "yellow bold"))
        self.say("\n".join(render_markdown(hint["text"], self.columns(), self.paint, indent="  ")))

    def _collect(self, screen: Screen, view: dict[str, Any]) -> Any:
        """The raw response typed for this widget; None to skip, "?" for a hint."""
        widget = screen.widget
        kind = view["kind"]
        if kind == "matching":
            out: dict[str, Any] = {}
            options = widget.rights  # type: ignore[attr-defined]
            for left in view["lefts"]:
                line = self._read(left["text"])
                if line.strip() in ("", "?"):
                    return None if not line.strip() else "?"
                out[widget.lefts[len(out)]] = pick(line, options)  # type: ignore[attr-defined]
            return out
        if kind == "cloze":
            values: list[Any] = []
            for blank in view["blanks"]:
                line = self._read(blank["label"]).strip()
                if line == "?":
                    return "?"
                values.append(line or None)
            return values if any(v is not None for v in values) else None
        line = self._read().strip()
        if line in ("", "?"):
            return None if not line else "?"
        if kind == "choices":
            options = widget.options  # type: ignore[attr-defined]
            if view["multi"]:
                return [pick(t, options) for t in tokens(line)]
            if screen.question.type == "true_false":
                try:
                    return screen.question.parse_response(line)
                except ResponseError:
                    pass
            return pick(line, options)
        if kind == "ordering":
            return [pick(t, widget.items) for t in tokens(line)]  # type: ignore[attr-defined]
        return line

    def feedback(self, screen: Screen, verdict: Verdict) -> Literal["retry", "next"]:
        self.say(
            render(
                "plain_feedback.txt.j2", paint=self.paint, columns=self.columns(), **vars(verdict)
            )
        )
        return "next"

    def review(
        self, head: dict[str, Any], rows: list[ReviewRow], deadline: float | None
    ) -> int | Literal["timeout"] | None:
        self.say(
            render(
                "plain_review.txt.j2",
                paint=self.paint,
                columns=self.columns(),
                rows=[vars(r) for r in rows],
            )
        )
        return None
