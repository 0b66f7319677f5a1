"""The course of one attempt, independent of how keys or lines arrive.

``Flow`` asks a ``Driver`` (the raw-mode terminal UI or the line-based one) for
answers, records them in the Session, saves after every answer, and decides what
comes next (feedback and retry in practice mode; review and submit in exam mode).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from grader.bank.model import Bank, Question, ResponseError
from grader.quiz.describe import choice_feedback, describe_key, describe_response
from grader.quiz.session import Session, head_of
from grader.quiz.widgets import Widget, make_widget
from grader.report.markdown_term import render_markdown
from grader.report.style import Painter

OutcomeKind = Literal["answer", "skip", "quit", "eof", "timeout"]


@dataclass
class Outcome:
    kind: OutcomeKind
    response: Any = None


class Stop(Exception):
    """The student left (quit key, Ctrl-D, end of piped input): progress is saved."""

    def __init__(self, reason: Literal["quit", "eof"]) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Screen:
    """What a driver needs to show and validate one question."""

    question: Question
    widget: Widget
    head: dict[str, Any]
    prompt_lines: list[str]
    validate: Callable[[Any], Any]  # raw -> canonical, raises ResponseError
    next_hint: Callable[[], dict[str, Any] | None]
    hints: list[dict[str, Any]] = field(default_factory=list)
    deadline: float | None = None
    practice: bool = True
    columns: int = 0  # the width prompt_lines were wrapped to
    notice: str = ""  # a line to show with the question (e.g. "you skipped this one")


@dataclass
class Verdict:
    """Practice-mode feedback for one answer."""

    verdict: Literal["correct", "partial", "wrong"]
    score: float
    points: float
    your_answer: str
    answer: str
    explanation: str
    choice_feedback: list[dict[str, Any]]
    can_retry: bool
    retried: bool = False  # a retry: the first answer is the one that counts


@dataclass
class ReviewRow:
    number: int
    title: str
    answered: bool
    answer: str
    partial: bool = False  # answered, but some blanks left empty


def half_answered(q: Question, response: Any) -> bool:
    """A cloze answer with some blanks filled and some empty."""
    return q.type == "cloze" and isinstance(response, list) and None in response


class Driver(Protocol):
    paint: Painter
    revisit_skipped: bool  # offer skipped questions again (a person at a terminal)

    def columns(self) -> int: ...
    def ask(self, screen: Screen) -> Outcome: ...
    def feedback(self, screen: Screen, verdict: Verdict) -> Literal["retry", "next"]: ...
    def review(
        self, head: dict[str, Any], rows: list[ReviewRow], deadline: float | None
    ) -> int | Literal["timeout"] | None: ...
    def say(self, text: str) -> None: ...


def render_prompt(question: Question, columns: int, paint: Painter) -> list[str]:
    prompt = question.prompt
    if question.type == "cloze":  # make the blanks stand out
        prompt = re.sub(r"\[\[(\d+)\]\]", r"**[[\1]]**", prompt)
    return render_markdown(prompt, columns, paint)


class Flow:
    def __init__(
        self,
        bank: Bank,
        session: Session,
        driver: Driver,
        save: Callable[[Session], object],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bank = bank
        self.session = session
        self.driver = driver
        self.save = save
        self.clock = clock
        self.by_id = {q.id: q for q in bank.questions}

    # -- views -------------------------------------------------------------------------
    def head(self, index: int) -> dict[str, Any]:
        q = self.by_id[self.session.order[index]]
        return head_of(self.bank.title, self.session, index, q.points, self.clock())

    def screen(self, index: int, previous: Any = None) -> Screen:
        qid = self.session.order[index]
        q = self.by_id[qid]
        attempt = self.session.attempt(qid)
        columns = self.driver.columns()
        lines = render_prompt(q, columns, self.driver.paint)
        screen = Screen(
            question=q,
            widget=make_widget(q, self.session.layout.get(qid, []), previous),
            head=self.head(index),
            prompt_lines=lines,
            validate=q.parse_response,
            next_hint=lambda: self._next_hint(q),
            deadline=self.session.deadline,
            practice=self.session.mode == "practice",
            columns=columns,
        )
        screen.hints = [self._hint(q, i) for i in range(min(attempt.hints_shown, len(q.hints)))]
        return screen

    def _hint(self, q: Question, i: int) -> dict[str, Any]:
        return {"number": i + 1, "total": len(q.hints), "text": q.hints[i]}

    def _next_hint(self, q: Question) -> dict[str, Any] | None:
        attempt = self.session.attempt(q.id)
        if attempt.hints_shown >= len(q.hints):
            return None
        hint = self._hint(q, attempt.hints_shown)
        attempt.hints_shown += 1
        self.save(self.session)
        return hint

    def verdict(self, q: Question, response: Any, *, can_retry: bool) -> Verdict:
        score = q.score(response)
        full = score >= q.points - 1e-9
        return Verdict(
            verdict="correct" if full else ("partial" if score > 1e-9 else "wrong"),
            score=score,
            points=q.points,
            your_answer=describe_response(q, response),
            answer=describe_key(q),
            explanation=q.explanation,
            choice_feedback=[vars(f) for f in choice_feedback(q, response)],
            can_retry=can_retry and not full,
        )

    # -- recording ---------------------------------------------------------------------
    def record(self, qid: str, response: Any, *, replace: bool, seconds: float) -> None:
        attempt = self.session.attempt(qid)
        attempt.tries.append(response)
        attempt.seconds += seconds
        if replace or not attempt.answered:
            attempt.response = response
            attempt.answered = True
        self.save(self.session)

    def timed_out(self) -> bool:
        return self.session.deadline is not None and self.clock() >= self.session.deadline

    # -- the course ----------------------------------------------------------------------
    def run(self) -> bool:
        """Run to the end; True if the attempt is complete (else Stop was raised),
        False if time ran out."""
        s = self.session
        while True:
            while s.current < len(s.order) and not s.reviewing:
                if self.timed_out():
                    return False
                qid = s.order[s.current]
                if s.mode == "practice" and qid in s.attempts and s.attempts[qid].answered:
                    # Answered (or answered, then stopped on its feedback screen): go on.
                    s.current += 1
                    continue
                outcome = self.ask(s.current, exam=s.mode == "exam")
                if outcome == "timeout":
                    return False
                s.current += 1
                self.save(s)
            skipped = [q for q in s.order if not s.attempt(q).answered]
            if s.mode == "exam" or s.second_round or not skipped:
                break
            if not self.driver.revisit_skipped:
                break
            # Practice: once through, then the skipped ones again before the summary.
            s.second_round, s.current = True, 0
            self.save(s)
        if s.mode == "exam":
            s.reviewing = True
            self.save(s)
            return self.review()
        return True

    def ask(self, index: int, *, exam: bool) -> str:
        qid = self.session.order[index]
        q = self.by_id[qid]
        previous = self.session.attempts[qid].response if qid in self.session.attempts else None
        tries = 0
        while True:
            screen = self.screen(index, previous if exam else None)
            if self.session.second_round and not tries:
                screen.notice = "You skipped this question: answer it now, or skip it again."
            started = self.clock()
            outcome = self.driver.ask(screen)
            if outcome.kind in ("quit", "eof"):
                raise Stop("quit" if outcome.kind == "quit" else "eof")
            if outcome.kind == "timeout":
                return "timeout"
            if outcome.kind == "skip":
                return "skip"
            self.record(qid, outcome.response, replace=exam, seconds=self.clock() - started)
            tries += 1
            if exam:
                return "answer"
            verdict = self.verdict(q, outcome.response, can_retry=True)
            verdict.retried = tries > 1
            screen.head = self.head(index)
            if self.driver.feedback(screen, verdict) != "retry":
                return "answer"

    def review(self) -> bool:
        s = self.session
        while True:
            if self.timed_out():
                return False
            rows = [
                ReviewRow(
                    number=i + 1,
                    title=_snippet(self.by_id[qid]),
                    answered=s.attempt(qid).answered,
                    answer=describe_response(self.by_id[qid], s.attempt(qid).response),
                    partial=half_answered(self.by_id[qid], s.attempt(qid).response),
                )
                for i, qid in enumerate(s.order)
            ]
            head = self.head(0)
            choice = self.driver.review(head, rows, s.deadline)
            if choice == "timeout":
                return False
            if choice is None:
                return True
            if self.ask(choice, exam=True) == "timeout":
                return False


def _snippet(q: Question) -> str:
    from grader.report.markdown_term import plain_inline

    first = q.title or q.prompt.strip().split("\n")[0]
    return plain_inline(first)


__all__ = ["Driver", "Flow", "Outcome", "ResponseError", "ReviewRow", "Screen", "Stop", "Verdict"]
