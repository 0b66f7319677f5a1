"""Canonical responses and keys in words (choice texts, not keys), and the feedback a
response earns. Pure: used by the terminal UI, the results JSON and the reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.bank.model import Question
from grader.report.markdown_term import plain_inline


def _choice_text(question: Question, key: str) -> str:
    for choice in getattr(question, "choices", []):
        if choice.key == key:
            return plain_inline(choice.text)
    return key


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value == int(value) else repr(value)
    return plain_inline(str(value))


def describe_response(question: Question, response: Any) -> str:
    """A canonical response as a person reads it."""
    if response is None:
        return "not answered"
    qtype = question.type
    if qtype == "single":
        return _choice_text(question, str(response))
    if qtype == "multi":
        return "; ".join(_choice_text(question, k) for k in response) or "nothing ticked"
    if qtype == "true_false":
        return "true" if response else "false"
    if qtype == "matching":
        return "; ".join(f"{plain_inline(k)} → {plain_inline(v)}" for k, v in response.items())
    if qtype == "ordering":
        return " → ".join(plain_inline(t) for t in response)
    if qtype == "cloze":
        return "; ".join(f"[[{i}]] {_value(v)}" for i, v in enumerate(response, 1))
    return _value(response)


def describe_key(question: Question) -> str:
    """The full-marks answer as a person reads it."""
    if question.type in ("single", "multi"):
        return (
            "; ".join(_choice_text(question, k) for k in question.key() if k)
            if isinstance(question.key(), list)
            else _choice_text(question, question.key())
        )
    return plain_inline(question.display_key())


@dataclass(frozen=True)
class ChoiceFeedback:
    choice: str
    feedback: str
    good: bool


def choice_feedback(question: Question, response: Any) -> list[ChoiceFeedback]:
    """Authored feedback for what the student picked (and true/false feedback)."""
    if response is None:
        return []
    if question.type in ("single", "multi"):
        picked = {response} if isinstance(response, str) else set(response)
        return [
            ChoiceFeedback(plain_inline(c.text), plain_inline(c.feedback), c.correct)
            for c in question.choices  # type: ignore[attr-defined]
            if c.key in picked and c.feedback
        ]
    if question.type == "true_false":
        text = question.feedback_true if response else question.feedback_false  # type: ignore[attr-defined]
        good = response is question.answer  # type: ignore[attr-defined]
        return (
            [ChoiceFeedback("true" if response else "false", plain_inline(text), good)]
            if text
            else []
        )
    return []
