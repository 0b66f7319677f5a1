"""The interactive driver: one full-screen redraw per key, in a real terminal.

Every screen is fitted to the terminal by priority (grader.quiz.layout); PgUp/PgDn
scroll the part that was cut (a long stem, an explanation), whatever the widget.
"""

from __future__ import annotations

import shutil
import time
from typing import Any, Literal, TextIO

from grader.bank.model import ResponseError
from grader.quiz.flow import Outcome, ReviewRow, Screen, Stop, Verdict, render_prompt
from grader.quiz.layout import compose, section
from grader.quiz.session import remaining_text
from grader.quiz.terminal import Terminal
from grader.report.style import Painter, strip_ansi, terminal_width
from grader.report.terminal_templates import render


def page_summary(stdin: TextIO, stdout: TextIO, paint: Painter, report: str, saved: str) -> None:
    """The end-of-quiz report on a terminal: all at once if it fits, else in a pager
    with the score kept at the top; the score stays on the screen afterwards."""
    lines = report.rstrip("\n").split("\n")
    _, rows = shutil.get_terminal_size((80, 24))
    if len(lines) + 2 <= rows:
        stdout.write("\n" + "\n".join(lines) + "\n" + saved + "\n")
        return
    score = next((i for i, line in enumerate(lines) if "Score " in strip_ansi(line)), 0)
    top = [*lines[: score + 1], saved]
    with Terminal(stdin, stdout) as term:
        TtyDriver(term, paint).page(top, lines[score + 1 :])
    stdout.write("\n" + "\n".join(top) + "\n")
    stdout.flush()


class TtyDriver:
    def __init__(self, term: Terminal, paint: Painter, notice: str = "") -> None:
        self.term = term
        self.paint = paint
        self.notice = notice  # shown once, on the first screen (e.g. "Resuming ...")
        self.revisit_skipped = True
        self.scroll: dict[str, int] = {}  # part name -> first line shown (this screen)
        self._page: tuple[str | None, int] = (None, 1)  # what PgUp/PgDn move, by how much

    def show(self, text: str) -> None:
        columns, rows = self.term.size()
        screen = compose(text, columns - 1, rows, self.scroll, self.paint)
        self._page = (screen.scroll_target, screen.page)
        self.term.draw(screen.lines)

    def scrolled(self, key: str) -> bool:
        """Handle PgUp/PgDn; True if ``key`` was one (the screen is then redrawn)."""
        if key not in ("pageup", "pagedown"):
            return False
        target, page = self._page
        if target is not None:
            step = page if key == "pagedown" else -page
            self.scroll[target] = max(0, self.scroll.get(target, 0) + step)
        return True

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
        notice = "\n".join(n for n in (notice, screen.notice) if n)
        self.scroll = {}
        while True:
            self._fit(screen)
            if screen.deadline is not None:
                screen.head["remaining"] = remaining_text(screen.deadline)
                screen.head["urgent"] = screen.deadline - time.time() < 60
                if time.time() >= screen.deadline:
                    return Outcome("timeout")
            self.show(
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
            if key is None or self.scrolled(key):
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
        self.scroll = {}
        while True:
            self._fit(screen)
            keys = "enter next"
            if not revealed:
                keys = "r retry · enter show the answer"
            if screen.question.hints and len(screen.hints) < len(screen.question.hints):
                keys += " · ? hint"
            self.show(
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
            if key is None or self.scrolled(key):
                continue
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
        missing = [i for i, r in enumerate(rows) if not r.answered or r.partial]
        cursor = missing[0] if missing else len(rows)  # the first gap, else "Submit"
        warned = False  # Submit with gaps asks once more before it submits
        self.scroll = {}
        while True:
            if deadline is not None:
                if time.time() >= deadline:
                    return "timeout"
                head["remaining"] = remaining_text(deadline)
                head["urgent"] = deadline - time.time() < 60
            self.show(
                render(
                    "review.txt.j2",
                    paint=self.paint,
                    columns=self.columns(),
                    head=head,
                    rows=[{**vars(r), "cursor": i == cursor} for i, r in enumerate(rows)],
                    submit_cursor=cursor == len(rows),
                    unanswered=sum(not r.answered for r in rows),
                    partial=sum(r.answered and r.partial for r in rows),
                    notice=render(
                        "message.txt.j2",
                        paint=self.paint,
                        columns=self.columns(),
                        name="submit_gaps",
                        unanswered=sum(not r.answered for r in rows),
                        partial=sum(r.answered and r.partial for r in rows),
                    ).strip()
                    if warned
                    else "",
                    keys="↑↓ move · enter open/submit · 1-9 open question · q save & quit",
                )
            )
            key = self.term.read_key(self._tick(deadline))
            if key is None or self.scrolled(key):
                continue
            if key in ("up", "k"):
                cursor = (cursor - 1) % (len(rows) + 1)
                warned = False
            elif key in ("down", "j"):
                cursor = (cursor + 1) % (len(rows) + 1)
                warned = False
            elif len(key) == 1 and key.isdigit() and 1 <= int(key) <= len(rows):
                return int(key) - 1
            elif key == "enter":
                if cursor < len(rows):
                    return cursor
                if missing and not warned:
                    warned = True
                    continue
                return None
            elif key in ("q", "ctrl-d"):
                raise Stop("quit")

    def page(self, top: list[str], body: list[str]) -> None:
        """A pager inside the UI: ``top`` stays, ``body`` scrolls, until q (or enter)."""
        self.scroll = {}
        keys = self.paint("↑↓ PgUp/PgDn scroll · q close", "dim")
        text = "\n".join(
            [
                section("top", 0),
                *top,
                section("body", 2, True),
                "",
                *body,
                section("keys", 1),
                "",
                keys,
            ]
        )
        while True:
            self.show(text)
            key = self.term.read_key()
            if key is None or self.scrolled(key):
                continue
            target, page = self._page
            step = {"up": -1, "k": -1, "down": 1, "j": 1, "space": page}.get(key)
            if step is not None and target is not None:
                self.scroll[target] = max(0, self.scroll.get(target, 0) + step)
            elif key in ("q", "esc", "enter", "ctrl-d"):
                return

    def say(self, text: str) -> None:
        self.term.write(text.replace("\n", "\r\n") + "\r\n")
