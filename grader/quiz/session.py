"""The state of one quiz attempt: everything needed to resume it, nothing else.

A Session is plain data (JSON-able) so that it can be saved after every answer and
read back after Ctrl-C, a crash or a killed terminal. Responses are stored in their
canonical form (choice keys, not the letters shown on screen), so shuffling never
changes what was answered nor what it scores.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:  # the start-up path must not import the bank loader
    from grader.bank.model import Question

Mode = Literal["practice", "exam"]
MODES: tuple[Mode, ...] = ("practice", "exam")
FORMAT_VERSION = 1


@dataclass
class Attempt:
    """What the student did with one question."""

    response: Any = None  # canonical response of the answer that counts (the first)
    answered: bool = False
    tries: list[Any] = field(default_factory=list)  # every canonical response, in order
    hints_shown: int = 0
    seconds: float = 0.0  # time spent on the question, summed over visits


@dataclass
class Session:
    bank_id: str
    bank_file: str
    bank_sha256: str
    student: str
    seed: int
    mode: Mode
    order: list[str]  # question ids in the order they are asked
    # question id -> display order of its options (choice keys, matching rights,
    # ordering items): the shuffle is drawn once and saved, so resuming shows the same.
    layout: dict[str, list[str]]
    attempts: dict[str, Attempt] = field(default_factory=dict)
    current: int = 0
    started_at: float = 0.0
    deadline: float | None = None  # wall-clock end of an exam with a time limit
    time_limit_s: float | None = None
    reviewing: bool = False  # exam: every question seen, now on the review screen
    second_round: bool = False  # practice: going back over the skipped questions
    version: int = FORMAT_VERSION

    def attempt(self, qid: str) -> Attempt:
        return self.attempts.setdefault(qid, Attempt())

    @property
    def answered_count(self) -> int:
        return sum(1 for qid in self.order if self.attempts.get(qid, Attempt()).answered)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Session:
        data = dict(data)
        attempts = {k: Attempt(**v) for k, v in data.pop("attempts", {}).items()}
        return cls(**data, attempts=attempts)


class Selectable(Protocol):
    """What choosing and shuffling need of a question (a Question or a QuestionInfo)."""

    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def shuffle(self) -> bool: ...


def options_of(question: Question) -> list[str]:
    """The things a question shows in a list, in authored order (what gets shuffled)."""
    choices = getattr(question, "choices", None)
    if choices is not None:
        return [c.key for c in choices]
    if question.type == "matching":
        return list(question.rights)  # type: ignore[attr-defined]
    if question.type == "ordering":
        return list(question.items)  # type: ignore[attr-defined]
    return []


def select_questions(
    questions: Sequence[Selectable],
    *,
    seed: int,
    tags: list[str] | None = None,
    limit: int | None = None,
) -> list[str]:
    """The question ids of an attempt: filtered by tag, shuffled by seed, cut to ``limit``."""
    pool = [q.id for q in questions if not tags or set(tags) & set(q.tags)]
    rng = random.Random(f"questions:{seed}")
    rng.shuffle(pool)
    return pool[:limit] if limit else pool


def draw_layout(question: Selectable, seed: int, options: list[str] | None = None) -> list[str]:
    """The display order of a question's options: stable for a (seed, question) pair.

    Ordering questions are always shuffled (the authored order is the answer);
    others follow the question's ``shuffle`` flag.
    """
    if options is None:
        options = options_of(question)  # type: ignore[arg-type]
    if question.type == "ordering" or question.shuffle:
        rng = random.Random(f"options:{seed}:{question.id}")
        shuffled = list(options)
        for _ in range(5):  # an ordering shown already solved would be a give-away
            rng.shuffle(shuffled)
            if question.type != "ordering" or shuffled != options:
                break
        return shuffled
    return list(options)


def remaining_text(deadline: float | None, now: float | None = None) -> str:
    if deadline is None:
        return ""
    left = max(0, int(deadline - (now if now is not None else time.time())))
    hours, rest = divmod(left, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def head_of(title: str, session: Session, index: int, points: float, now: float) -> dict[str, Any]:
    """What the header of a question screen shows."""
    answered = session.answered_count
    return {
        "title": title,
        "mode": session.mode,
        "index": index + 1,
        "total": len(session.order),
        "points": points,
        "answered": answered,
        "progress": answered / len(session.order) if session.order else 0.0,
        "remaining": remaining_text(session.deadline, now),
        "urgent": session.deadline is not None and session.deadline - now < 60,
    }


def parse_duration(text: str) -> float:
    """'20m', '90s', '1h30m', '1h', '45' (minutes) -> seconds."""
    import re

    raw = text.strip().lower().replace(" ", "")
    if re.fullmatch(r"\d+(\.\d+)?", raw):
        return float(raw) * 60
    parts = re.findall(r"(\d+(?:\.\d+)?)([hms])", raw)
    if not parts or "".join(n + u for n, u in parts) != raw:
        raise ValueError(f"'{text}' is not a duration (examples: 20m, 90s, 1h30m)")
    return sum(float(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in parts)
