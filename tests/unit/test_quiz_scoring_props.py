"""Property tests: over every question of the fixture bank and the shipped bank, the
score stays within [0, points], the key earns full marks, and shuffling never
changes a score (responses are canonical choice keys, not on-screen positions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.bank import load_bank
from grader.bank.model import Question, ResponseError
from grader.quiz.session import draw_layout, options_of
from grader.quiz.widgets import make_widget

ROOT = Path(__file__).resolve().parents[2]
BANKS = [ROOT / "tests/fixtures/banks/all-types.yaml", ROOT / "quizzes/vanishing-gradients.yaml"]
QUESTIONS = [
    pytest.param(q, id=f"{path.stem}:{q.id}")
    for path in BANKS
    if path.is_file()
    for q in load_bank(path).questions
]


def responses(q: Question) -> st.SearchStrategy[Any]:
    """Raw responses of the right shape: the key's parts, the options, junk text."""
    options = options_of(q)
    words = st.text(max_size=12)
    numbers = st.floats(allow_nan=False, allow_infinity=False, width=64)
    if q.type == "single":
        return st.sampled_from(options)
    if q.type == "multi":
        return st.lists(st.sampled_from(options), max_size=len(options) + 1)
    if q.type == "true_false":
        return st.booleans()
    if q.type == "numeric":
        return st.one_of(numbers, st.just(q.key()))
    if q.type == "text":
        return st.one_of(words, st.just(q.key()))
    if q.type == "matching":
        lefts = [left for left, _ in q.pairs]  # type: ignore[attr-defined]
        return st.fixed_dictionaries(
            {}, optional={left: st.sampled_from(options) for left in lefts}
        )
    if q.type == "ordering":
        return st.permutations(options)
    if q.type == "cloze":
        blanks = len(q.key())
        return st.lists(st.one_of(st.none(), numbers, words), min_size=blanks, max_size=blanks)
    raise AssertionError(q.type)


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_key_earns_full_marks(question: Question) -> None:
    assert question.score(question.parse_response(question.key())) == question.points


@pytest.mark.parametrize("question", QUESTIONS)
def test_unanswered_scores_zero(question: Question) -> None:
    assert question.score(None) == 0.0


@pytest.mark.parametrize("question", QUESTIONS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_score_is_within_bounds(question: Question, data: st.DataObject) -> None:
    raw = data.draw(responses(question))
    try:
        response = question.parse_response(raw)
    except ResponseError:
        return  # rejected with a reason: never scored
    assert 0.0 <= question.score(response) <= question.points


@pytest.mark.parametrize("question", QUESTIONS)
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), other=st.integers(0, 10**6), data=st.data())
def test_shuffling_never_changes_the_score(
    question: Question, seed: int, other: int, data: st.DataObject
) -> None:
    """Answer through the on-screen widget under two different shuffles: picking the
    same canonical options at different screen positions scores the same."""
    raw = data.draw(responses(question))
    try:
        response = question.parse_response(raw)
    except ResponseError:
        return
    scores = []
    for s in (seed, other):
        widget = make_widget(question, draw_layout(question, s), previous=response)
        on_screen = question.parse_response(widget.raw()) if widget.kind != "input" else response
        if widget.kind == "cloze":
            on_screen = response
        scores.append(question.score(on_screen))
    assert scores[0] == scores[1] == question.score(response)


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_key_through_any_layout_is_full_marks(question: Question) -> None:
    key = question.parse_response(question.key())
    for seed in range(5):
        widget = make_widget(question, draw_layout(question, seed), previous=key)
        if widget.kind in ("choices", "matching") or (
            widget.kind == "ordering" and question.type == "ordering"
        ):
            assert question.score(question.parse_response(widget.raw())) == question.points
