"""What the LMS formats share: answer weights Moodle accepts, tolerances as one number,
and the list of things a format drops, said once per question."""

from __future__ import annotations

from grader.bank.model import Question
from grader.bank.types._numbers import NumberAnswer
from grader.bank.types._text import TextAnswer
from grader.bank.types.multi import MultiQuestion
from grader.export._context import ExportContext

# Moodle's grade list (question_bank::fraction_options_full, positive half): p/q for
# q <= 6, p/10, 1/q for q <= 10, and 1/20. Every imported answer fraction must be within
# 0.00001 of one of these or of its negative (match_grade_options(..., 'error')).
MOODLE_FRACTIONS: tuple[float, ...] = (
    1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3,
    0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0,
)  # fmt: skip


# Losses several formats share, by kind (see ExportContext.lose).
REGEX_KIND = "pattern answers cut to their example"
PLAIN_KIND = "matching answers as plain text"
ORDERING_KIND = "ordering exported as matching"
ORDERING_LOSS = "ordering exported as matching: each item is matched to its position"


def moodle_fraction(value: float) -> float:
    """The allowed fraction nearest to ``value`` (sign kept), never above it in size."""
    size = abs(value)
    fits = [f for f in MOODLE_FRACTIONS if f <= size + 1e-5]
    best = min(fits, key=lambda f: size - f)
    return best if value >= 0 else -best


def percent(fraction: float) -> str:
    """A Moodle fraction as the percentage its XML and GIFT carry: 33.33333, 100, -50."""
    text = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def multi_weights(ctx: ExportContext, q: MultiQuestion) -> tuple[float, float]:
    """(weight of each right choice, weight of each wrong one) for Moodle multichoice.

    Moodle adds up the weights of the ticked choices and floors at 0: with +1/k for a
    right choice and -1/k for a wrong one this is exactly our `partial` policy.
    """
    k = sum(c.correct for c in q.choices)
    right = moodle_fraction(1.0 / k)
    if abs(right - 1.0 / k) > 1e-5:
        ctx.lose(
            q,
            f"{k} right choices: each is worth {percent(right)}% (Moodle's nearest grade)",
            kind="choice weights rounded",
            scores=True,
        )
    policy = q.scoring or "partial"
    if policy != "partial":
        ctx.lose(
            q,
            f"'{policy}' scoring becomes partial credit (right picks minus wrong picks)",
            kind="scoring policy changed",
            scores=True,
        )
    return right, -right


def tolerance(answer: NumberAnswer) -> float:
    """One absolute tolerance equal to ours: we accept |x - a| <= max(abs, rel * |a|)."""
    return max(answer.tolerance, answer.rel_tolerance * abs(answer.answer))


def common_losses(ctx: ExportContext, q: Question, *, hints: bool, tags: bool) -> None:
    if q.type in ("matching", "ordering") and q.scoring == "all_or_nothing":
        ctx.lose(
            q,
            "'all_or_nothing' scoring becomes a share per right pair",
            kind="scoring policy changed",
            scores=True,
        )
    if q.hints and not hints:
        ctx.lose(
            q, f"{len(q.hints)} hint(s) dropped (the format has no hints)", kind="hints dropped"
        )
    if q.tags and not tags:
        ctx.lose(q, f"tags dropped ({', '.join(q.tags)})", kind="tags dropped")
    if q.difficulty and not tags:
        ctx.lose(q, f"difficulty '{q.difficulty}' dropped", kind="difficulty dropped")


def lms_tags(q: Question) -> list[str]:
    """Tags for formats that have them; the difficulty travels as one more tag."""
    return q.tags + ([f"difficulty-{q.difficulty}"] if q.difficulty else [])


def regex_loss(answer: TextAnswer, what: str) -> str:
    patterns = " | ".join(f"/{p}/" for p in answer.accept)
    return f"{what}: the pattern {patterns} cannot be exported; only {answer.example!r} is accepted"
