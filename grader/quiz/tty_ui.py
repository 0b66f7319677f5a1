"""The interactive driver: one full-screen redraw per key, in a real terminal."""

from __future__ import annotations

import time
from typing import Any, Literal

from grader.bank.model import ResponseError
from grader.quiz.flow import Outcome, ReviewRow, Screen, Stop, Verdict, render_prompt
from grader.quiz.session import remaining_text
from grader.quiz.terminal import Terminal
from grader.report.style import Painter, terminal_width
from grader.report.terminal_templates import render


class TtyDriver:
    def __init__(self, term: Terminal, paint: Painter, notice: str = "") -> None:
        self.term = term
        self.paint = paint
        self.notice = notice  # shown once, on the first screen (e.g. "Resuming ...")

    def columns(self) -> int:
        return terminal_width(cap=100) - 1

    def _tick(self, deadline: float | None) -> float | None:
        return None if deadline is None else 1.0

    def _fit(self, screen: Screen) -> None:
        """Re-wrap the prompt if the terminal was resized since it was rendered."""
        columns = self.columns()
        if screen.columns != columns:
            screen.prompt_lines = render_prompt(screen.question, columns, self.paint)
            screen.columns = columns

    def ask(self, screen: Screen) -> Outcome:
        notice, self.notice = self.notice, ""
        while True:
            self._fit(screen)
            if screen.deadline is not None:
                screen.head["remaining"] = remaining_text(screen.deadline)
                screen.head["urgent"] = screen.deadline - time.time() < 60
                if time.time() >= screen.deadline:
                    return Outcome("timeout")
            self.term.draw(
                render(
                    "question.txt.j2",
                    paint=self.paint,
                    columns=self.columns(),
                    head=screen.head,
                    prompt_lines=screen.prompt_lines,
                    widget=screen.widget.view(),
                    error=screen.widget.error,
                    hints=screen.hints,
                    notice=notice,
                    practice=screen.practice,
                    has_hints=bool(screen.question.hints),
                )
            )
            key = self.term.read_key(self._tick(screen.deadline))
            if key is None:
                continue
            notice = ""
            action = screen.widget.handle(key)
            if action == "submit":
                try:
                    return Outcome("answer", screen.validate(screen.widget.raw()))
                except ResponseError as exc:
                    screen.widget.error = str(exc)
            elif action == "hint":
                if not screen.practice:
                    notice = "Hints are not available in exam mode."
                    continue
                hint = screen.next_hint()
                if hint is None:
                    notice = render(
                        "message.txt.j2",
                        paint=self.paint,
                        columns=self.columns(),
                        name="hint_none",
                        shown=bool(screen.hints),
                    )
                else:
                    screen.hints.append(hint)
            elif action == "skip":
                return Outcome("skip")
            elif action == "quit":
                return Outcome("quit")

    def feedback(self, screen: Screen, verdict: Verdict) -> Literal["retry", "next"]:
        revealed = not verdict.can_retry
        while True:
            self._fit(screen)
            keys = "enter next"
            if not revealed:
                keys = "r retry · enter show the answer"
            if screen.question.hints and len(screen.hints) < len(screen.question.hints):
                keys += " · ? hint"
            self.term.draw(
                render(
                    "feedback.txt.j2",
                    paint=self.paint,
                    columns=self.columns(),
                    head=screen.head,
                    prompt_lines=screen.prompt_lines,
                    revealed=revealed,
                    hints=screen.hints,
                    keys=keys,
                    **vars(verdict),
                )
            )
            key = self.term.read_key()
            if key == "r" and not revealed:
                return "retry"
            if key in ("?", "tab"):
                hint = screen.next_hint()
                if hint is not None:
                    screen.hints.append(hint)
            elif key in ("enter", "space", "n", "right"):
                if revealed:
                    return "next"
                revealed = True
            elif key in ("q", "ctrl-d"):
                return "next"

    def review(
        self, head: dict[str, Any], rows: list[ReviewRow], deadline: float | None
    ) -> int | Literal["timeout"] | None:
        cursor = len(rows)  # start on "Submit"
        while True:
            if deadline is not None:
                if time.time() >= deadline:
                    return "timeout"
                head["remaining"] = remaining_text(deadline)
                head["urgent"] = deadline - time.time() < 60
            self.term.draw(
                render(
                    "review.txt.j2",
                    paint=self.paint,
                    columns=self.columns(),
                    head=head,
                    rows=[{**vars(r), "cursor": i == cursor} for i, r in enumerate(rows)],
                    submit_cursor=cursor == len(rows),
                    unanswered=sum(not r.answered for r in rows),
                    notice="",
                    keys="↑↓ move · enter open/submit · 1-9 open question · q save & quit",
                )
            )
            key = self.term.read_key(self._tick(deadline))
            if key is None:
                continue
            if key in ("up", "k"):
                cursor = (cursor - 1) % (len(rows) + 1)
            elif key in ("down", "j"):
                cursor = (cursor + 1) % (len(rows) + 1)
            elif len(key) == 1 and key.isdigit() and 1 <= int(key) <= len(rows):
                return int(key) - 1
            elif key == "enter":
                return None if cursor == len(rows) else cursor
            elif key in ("q", "ctrl-d"):
                raise Stop("quit")

    def say(self, text: str) -> None:
        self.term.write(text.replace("\n", "\r\n") + "\r\n")
