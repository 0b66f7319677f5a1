"""The quick first read that `quiz take` paints a new bank's first question from
(grader.bank.loader.skim_bank): for a valid bank it reads exactly what the full load
reads, so the attempt it chooses and the screen it draws are the validated ones."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from grader.bank import Bank, Question, load_bank
from grader.bank.loader import skim_bank
from grader.bank.variants import bank_for_student
from grader.errors import ValidationFailed

ROOT = Path(__file__).resolve().parents[2]
VALID = sorted((ROOT / "tests" / "fixtures" / "banks").glob("*.yaml")) + sorted(
    (ROOT / "quizzes").glob("*.yaml")
)
MALFORMED = sorted((ROOT / "tests" / "fixtures" / "banks" / "malformed").glob("*.yaml"))


def as_read(question: Question) -> tuple[type, dict[str, Any]]:
    """Everything a question holds except its params template (a closure per read)."""
    return type(question), {
        f.name: getattr(question, f.name) for f in fields(question) if f.name != "params"
    }


def same_bank(quick: Bank, full: Bank) -> None:
    assert (quick.id, quick.title, quick.description, quick.seed, quick.variants) == (
        full.id,
        full.title,
        full.description,
        full.seed,
        full.variants,
    )
    assert [as_read(q) for q in quick.questions] == [as_read(q) for q in full.questions]


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_a_valid_bank_reads_the_same_quickly_and_fully(path: Path) -> None:
    full = load_bank(path)
    quick = skim_bank(path)
    assert quick is not None
    same_bank(quick, full)
    for student in ("ada", "grace"):  # the drawn variants too, when there are params
        same_bank(bank_for_student(quick, student)[0], bank_for_student(full, student)[0])


def test_the_shipped_and_test_banks_include_parametrized_ones() -> None:
    assert any(load_bank(p).parametrized for p in VALID)  # else the variant check is idle


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.name)
def test_a_malformed_bank_never_breaks_the_quick_read(path: Path) -> None:
    """It returns None or a bank (the full load then reports); it never raises."""
    with pytest.raises(ValidationFailed):
        load_bank(path)
    assert skim_bank(path) is None or isinstance(skim_bank(path), Bank)


def test_bad_math_is_left_to_the_full_check() -> None:
    path = ROOT / "tests" / "fixtures" / "banks" / "malformed" / "bad-math.yaml"
    assert skim_bank(path) is not None  # the first screen can be drawn from it ...
    with pytest.raises(ValidationFailed):  # ... and the full load still refuses it
        load_bank(path)


def test_a_structural_problem_gives_no_quick_read(tmp_path: Path) -> None:
    bank = tmp_path / "b.yaml"
    bank.write_text("id: b\ntitle: B\nquestions:\n  - id: q\n    type: single\n")
    assert skim_bank(bank) is None
