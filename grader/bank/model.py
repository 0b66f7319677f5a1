"""The validated, typed form of a question bank.

Every question type is a subclass of ``Question`` in its own module under
``grader/bank/types/``, registered by one line in ``grader/bank/types/__init__.py``.
A type knows how to read its own YAML keys, how to turn a raw answer (from an answers
file or the terminal) into its canonical response, and how to score that response.
Scoring is pure: no I/O, no printing, no randomness.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    import yaml

    from grader.bank.context import ReadContext
    from grader.bank.params import Template

Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")


@dataclass(frozen=True)
class Where:
    """Where something was authored, for error messages and reports."""

    file: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class ResponseError(ValueError):
    """A response that does not fit the question (unknown choice, wrong shape, ...)."""


@dataclass
class Question:
    id: str
    prompt: str
    points: float
    where: Where
    explanation: str = ""
    hints: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    difficulty: Difficulty | None = None
    title: str = ""
    shuffle: bool = True
    scoring: str = ""  # the type's scoring policy; "" means the type's default
    # Parametrized questions: how to draw any variant, which one this is, its values.
    params: Template | None = field(default=None, repr=False, compare=False)
    variant: int | None = None
    values: dict[str, Any] = field(default_factory=dict)

    type: ClassVar[str] = ""
    # YAML keys this type reads in addition to the common ones.
    keys: ClassVar[tuple[str, ...]] = ()
    required_keys: ClassVar[tuple[str, ...]] = ()
    scoring_policies: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def read(
        cls, ctx: ReadContext, fields: dict[str, yaml.Node], path: str, node: yaml.Node
    ) -> dict[str, Any] | None:
        """This type's own fields from YAML, or None after recording what is wrong."""
        raise NotImplementedError

    def parse_response(self, raw: Any) -> Any:
        """Canonical form of a raw response; raises ResponseError if it does not fit."""
        raise NotImplementedError

    def fraction(self, response: Any) -> float:
        """Credit in [0, 1] for a canonical response (never None: unanswered scores 0)."""
        raise NotImplementedError

    def key(self) -> Any:
        """The canonical correct response (full marks), as an answers file would give it."""
        raise NotImplementedError

    def score(self, response: Any) -> float:
        if response is None:
            return 0.0
        return self.points * min(1.0, max(0.0, self.fraction(response)))

    def display_key(self) -> str:
        """The correct answer in words, for reports and answer keys."""
        return str(self.key())


@dataclass
class Bank:
    id: str
    title: str
    questions: list[Question]
    file: str
    description: str = ""
    seed: int = 0  # with the student id, picks each student's variant of every question
    variants: int = 100  # how many variants of each parametrized question there are

    @property
    def parametrized(self) -> bool:
        return any(q.params is not None for q in self.questions)

    @property
    def max_score(self) -> float:
        return sum(q.points for q in self.questions)

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)

    @property
    def tags(self) -> list[str]:
        seen: dict[str, None] = {}
        for q in self.questions:
            for t in q.tags:
                seen.setdefault(t, None)
        return list(seen)
