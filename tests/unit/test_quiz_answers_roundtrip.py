"""The answers file `quiz take --save-answers` writes reads back, through the same reader
`quiz grade` uses, to the same responses and the same score — for every question type."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.bank import load_bank
from grader.bank.model import Bank, Question
from grader.bank.types._numbers import NumberAnswer
from grader.bank.types.cloze import ClozeQuestion
from grader.bank.types.matching import MatchingQuestion
from grader.bank.types.ordering import OrderingQuestion
from grader.bank.types.single import SingleQuestion
from grader.quiz.answers import dump_answers, read_answers
from grader.quiz.scoring import build_result

ROOT = Path(__file__).resolve().parents[2]
BANKS = [ROOT / "tests/fixtures/banks/all-types.yaml", ROOT / "quizzes/vanishing-gradients.yaml"]
ALL_TYPES = load_bank(BANKS[0])

# Text a student may type: any printable character, spaces and YAML's special words.
TEXT = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.sampled_from(["yes", "no", "null", "~", "true", "0x1F", "1e3", "- a", "a: b", "#x", "'"]),
)
NUMBER = st.floats(allow_nan=False, allow_infinity=False)


def raw_response(question: Question) -> st.SearchStrategy[Any]:
    """Raw responses of the shapes a student can give this question (right, wrong, partial)."""
    kind = question.type
    if kind in ("single", "multi"):
        keys = [c.key for c in question.choices]  # type: ignore[attr-defined]
        if kind == "single":
            return st.sampled_from(keys)
        return st.lists(st.sampled_from(keys), unique=True, max_size=len(keys))
    if kind == "true_false":
        return st.booleans()
    if kind == "numeric":
        return NUMBER
    if kind == "text":
        return TEXT
    if isinstance(question, MatchingQuestion):
        lefts = [left for left, _ in question.pairs]
        return st.dictionaries(st.sampled_from(lefts), st.sampled_from(question.rights))
    if isinstance(question, OrderingQuestion):
        return st.permutations(question.items)
    if isinstance(question, ClozeQuestion):
        blanks = [
            st.one_of(st.none(), NUMBER)
            if isinstance(b, NumberAnswer)
            else st.one_of(st.none(), TEXT)
            for b in question.blanks
        ]
        return st.tuples(*blanks).map(list)
    raise AssertionError(f"no strategy for {kind}")


def attempt(bank: Bank) -> st.SearchStrategy[dict[str, Any]]:
    """Canonical responses to some of the bank's questions, as a finished attempt holds."""
    per_question = {
        q.id: st.one_of(st.none(), raw_response(q).map(q.parse_response)) for q in bank.questions
    }
    return st.fixed_dictionaries(per_question).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


def score(bank: Bank, responses: dict[str, Any]) -> float:
    return build_result(bank, bank.questions, responses, student=None, duration_s=0.0).score


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return bool(a == b)


def test_the_fixture_bank_has_every_question_type() -> None:
    from grader.bank.types import QUESTION_TYPES

    assert {q.type for q in ALL_TYPES.questions} == set(QUESTION_TYPES)


@settings(max_examples=150, deadline=None)
@given(responses=attempt(ALL_TYPES))
def test_saved_answers_read_back_to_the_same_responses_and_score(
    responses: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    order = [q.id for q in ALL_TYPES.questions]
    path = tmp_path_factory.mktemp("answers") / "answers.yaml"
    path.write_text(dump_answers("all-types", order, responses), encoding="utf-8")
    back = read_answers(path, ALL_TYPES)
    assert set(back) == set(responses)
    for qid, value in responses.items():
        assert same(back[qid], value), (qid, value, back[qid])
    assert score(ALL_TYPES, back) == score(ALL_TYPES, responses)


@pytest.mark.parametrize("bank_file", BANKS, ids=lambda p: p.stem)
def test_the_key_itself_round_trips_to_full_marks(bank_file: Path, tmp_path: Path) -> None:
    bank = load_bank(bank_file)
    key = {q.id: q.parse_response(q.key()) for q in bank.questions}
    path = tmp_path / "key.yaml"
    path.write_text(dump_answers(bank.id, [q.id for q in bank.questions], key), encoding="utf-8")
    back = read_answers(path, bank)
    assert score(bank, back) == bank.max_score > 0


def test_choices_are_written_by_id_or_letter_and_unanswered_as_null(tmp_path: Path) -> None:
    single = next(q for q in ALL_TYPES.questions if isinstance(q, SingleQuestion))
    text = dump_answers("all-types", ["kaylee", single.id], {"kaylee": ["relu", "batchnorm"]})
    assert "kaylee: [relu, batchnorm]" in text
    assert f"{single.id}: null" in text
    assert text.startswith("# Answers, to be graded with: grader quiz grade all-types")
