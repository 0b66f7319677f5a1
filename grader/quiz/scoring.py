"""Responses -> Result: the pure heart of `quiz take` and `quiz grade`.

No I/O and no randomness here: the score of a set of canonical responses is a
function of the questions alone (shuffling happens only on screen).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from grader.bank.model import Bank, Question
from grader.quiz.describe import describe_key, describe_response
from grader.report.model import Result, TestResult

# A hair of slack so that 0.1 + 0.2 style sums still reach "full marks".
EPS = 1e-9


@dataclass(frozen=True)
class Graded:
    question: Question
    response: Any
    score: float

    @property
    def full(self) -> bool:
        return self.score >= self.question.points - EPS

    @property
    def answered(self) -> bool:
        return self.response is not None


def grade_question(question: Question, response: Any) -> Graded:
    return Graded(question, response, question.score(response))


def to_json_value(value: Any) -> Any:
    """Canonical responses as JSON (tuples become lists; everything else already is)."""
    if isinstance(value, tuple):
        return [to_json_value(v) for v in value]
    if isinstance(value, list):
        return [to_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    return value


def question_name(question: Question) -> str:
    return question.title or question.id


def build_result(
    bank: Bank,
    questions: Iterable[Question],
    responses: Mapping[str, Any],
    *,
    student: str | None,
    duration_s: float,
    pass_mark: float | None = None,
    extra_per_question: Mapping[str, dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> Result:
    """One TestResult per question (in the order given), score and status overall.

    ``pass_mark`` is a fraction of the maximum in [0, 1]; None means full marks.
    """
    tests: list[TestResult] = []
    total = max_total = 0.0
    unanswered: list[str] = []
    for position, question in enumerate(questions, 1):
        graded = grade_question(question, responses.get(question.id))
        total += graded.score
        max_total += question.points
        info: dict[str, Any] = {
            "type": question.type,
            "position": position,
            "expected_text": describe_key(question),
        }
        if graded.answered:
            info["response_text"] = describe_response(question, graded.response)
        if question.explanation:
            info["explanation"] = question.explanation
        if question.variant is not None:  # parametrized: which numbers this student had
            info["variant"] = question.variant
            info["params"] = to_json_value(question.values)
        if not graded.answered:
            unanswered.append(question.id)
            message = "not answered"
        elif graded.full:
            message = "correct"
        elif graded.score > EPS:
            message = f"partly correct; expected {info['expected_text']}"
        else:
            message = f"incorrect; expected {info['expected_text']}"
        info.update((extra_per_question or {}).get(question.id, {}))
        tests.append(
            TestResult(
                name=question_name(question),
                id=question.id,
                score=round(graded.score, 6),
                max_score=question.points,
                status="passed" if graded.full else "failed",
                message=message,
                tags=list(question.tags),
                response=to_json_value(graded.response),
                expected=to_json_value(question.key()),
                extra=info,
            )
        )
    needed = max_total * (1.0 if pass_mark is None else pass_mark)
    passed = total >= needed - EPS
    info = {"unanswered": unanswered, **(extra or {})}
    drawn = {t.extra["variant"] for t in tests if "variant" in t.extra}
    if drawn:
        info["variant"] = min(drawn)  # one number for the whole bank (see bank.variants)
    if pass_mark is not None:
        info["pass_mark"] = pass_mark
    return Result(
        kind="quiz",
        id=bank.id,
        student=student,
        score=total,
        max_score=max_total,
        status="passed" if passed else "failed",
        duration_s=duration_s,
        tests=tests,
        title=bank.title,
        extra=info,
    )
