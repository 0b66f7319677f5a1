"""The state of one quiz attempt: everything needed to resume it, nothing else.

A Session is plain data (JSON-able) so that it can be saved after every answer and
read back after Ctrl-C, a crash or a killed terminal. Responses are stored in their
canonical form (choice keys, not the letters shown on screen), so shuffling never
changes what was answered nor what it scores.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from grader.bank.model import Bank, Question

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
    bank: Bank, *, seed: int, tags: list[str] | None = None, limit: int | None = None
) -> list[Question]:
    """The questions of an attempt: filtered by tag, shuffled by seed, cut to ``limit``."""
    pool = [q for q in bank.questions if not tags or set(tags) & set(q.tags)]
    rng = random.Random(f"questions:{seed}")
    rng.shuffle(pool)
    return pool[:limit] if limit else pool


def draw_layout(question: Question, seed: int) -> list[str]:
    """The display order of a question's options: stable for a (seed, question) pair.

    Ordering questions are always shuffled (the authored order is the answer);
    others follow the question's ``shuffle`` flag.
    """
    options = options_of(question)
    if question.type == "ordering" or question.shuffle:
        rng = random.Random(f"options:{seed}:{question.id}")
        shuffled = list(options)
        for _ in range(5):  # an ordering shown already solved would be a give-away
            rng.shuffle(shuffled)
            if question.type != "ordering" or shuffled != options:
                break
        return shuffled
    return options
