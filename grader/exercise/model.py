"""The validated form of an exercise folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.exercise.limits import Limits
from grader.report.model import Visibility

VISIBILITIES: tuple[Visibility, ...] = ("visible", "hidden", "after_due_date", "after_published")

# The topics an exercise may be tagged with: the quiz bank's tag vocabulary, so that an
# exercise and the questions on the same topic share a tag (a test keeps the two equal).
TAG_VOCABULARY: tuple[str, ...] = (
    "activations",
    "architecture",
    "chain-rule",
    "diagnosis",
    "experiment",
    "fundamentals",
    "initialization",
    "normalization",
    "optimization",
    "remedies",
)


@dataclass
class TestOverride:
    """Per-test settings from exercise.yaml (they win over the decorators in the test file)."""

    points: float | None = None
    visibility: Visibility | None = None
    timeout_s: float | None = None
    name: str | None = None
    line: int | None = None  # where in exercise.yaml, for "no such test" errors

    __test__ = False


@dataclass
class Exercise:
    root: Path
    id: str
    title: str
    entry: str  # the file the student edits and submits, e.g. "sigmoid.py"
    points: float | None = None  # declared total; checked against the tests' points
    limits: Limits = field(default_factory=Limits)
    tests: dict[str, TestOverride] = field(default_factory=dict)
    hidden_visibility: Visibility = "hidden"
    description: str = ""
    tags: list[str] = field(default_factory=list)  # topics, from TAG_VOCABULARY
    # Seconds a warm judge took to grade the reference solution, as measured by the author
    # (benchmarks/bench_exercise_times.py); None when nobody measured it.
    grade_time_s: float | None = None

    @property
    def yaml_path(self) -> Path:
        return self.root / "exercise.yaml"

    @property
    def starter(self) -> Path:
        return self.root / "starter"

    @property
    def solution(self) -> Path:
        return self.root / "solution"

    @property
    def public_tests(self) -> Path:
        return self.root / "tests" / "public"

    @property
    def hidden_tests(self) -> Path:
        return self.root / "tests" / "hidden"
