"""Which variant a student gets, and a bank with every parametrized question drawn.

A student's variant is a pure function of the bank's ``seed`` and the student id, so the
same student sees the same numbers in `quiz take`, gets graded against them by `quiz grade`,
and finds them in `quiz export --student`. One variant number holds for the whole bank;
each question draws its params from (bank seed, question id, variant).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from grader.bank.model import Bank, Question
from grader.bank.params import make_variant


def variant_for(bank: Bank, student: str | None) -> int:
    """Stable for (student, bank seed); anonymous attempts get variant 0."""
    if not student or not bank.parametrized:
        return 0
    digest = hashlib.sha256(f"{bank.seed}\0{student}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % bank.variants


def question_variant(question: Question, bank: Bank, variant: int) -> Question:
    if question.params is None:
        return question
    return make_variant(question.params, bank.seed, variant, question.id)


def bank_variant(bank: Bank, variant: int) -> Bank:
    """The bank with each parametrized question drawn as ``variant`` (others unchanged)."""
    if not bank.parametrized:
        return bank
    if not 0 <= variant < bank.variants:
        from grader.errors import BadInput

        raise BadInput(
            f"variant {variant} does not exist (bank '{bank.id}' has 0..{bank.variants - 1})"
        )
    return replace(bank, questions=[question_variant(q, bank, variant) for q in bank.questions])


def bank_for_student(bank: Bank, student: str | None) -> tuple[Bank, int | None]:
    """The student's variant of the bank and its number (None for a bank without params)."""
    if not bank.parametrized:
        return bank, None
    variant = variant_for(bank, student)
    return bank_variant(bank, variant), variant
