"""Score per tag of a quiz Result (a question with several tags counts towards each)."""

from __future__ import annotations

from dataclasses import dataclass

from grader.report.model import Result

UNTAGGED = "(untagged)"


@dataclass(frozen=True)
class TagScore:
    tag: str
    score: float
    max_score: float
    questions: int

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def tag_scores(result: Result) -> list[TagScore]:
    sums: dict[str, list[float]] = {}
    for test in result.tests:
        for tag in test.tags or [UNTAGGED]:
            entry = sums.setdefault(tag, [0.0, 0.0, 0.0])
            entry[0] += test.score
            entry[1] += test.max_score
            entry[2] += 1
    return [TagScore(t, s, m, int(n)) for t, (s, m, n) in sums.items()]
