"""The terminal widgets as key-driven state machines, and key parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.bank import load_bank
from grader.bank.model import Question
from grader.quiz.session import draw_layout, select_questions
from grader.quiz.terminal import parse_keys
from grader.quiz.widgets import Widget, make_widget

BANK = load_bank(Path(__file__).resolve().parents[1] / "fixtures/banks/all-types.yaml")


def q(qid: str) -> Question:
    question = BANK.question(qid)
    assert question is not None
    return question


def press(widget: Widget, *keys: str) -> list[str | None]:
    return [widget.handle(k) for k in keys]


def test_parse_keys_handles_arrows_and_bursts() -> None:
    assert parse_keys("\x1b[A\x1b[Bj 3\r") == ["up", "down", "j", "space", "3", "enter"]
    assert parse_keys("\x1bOA\x7f\t") == ["up", "backspace", "tab"]
    assert parse_keys("\x1b[1;5A") == []  # unknown sequences are skipped, not typed


def test_single_choice_arrows_and_numbers() -> None:
    question = q("sigmoid-max")
    layout = draw_layout(question, 7)
    w = make_widget(question, layout)
    assert press(w, "down", "down", "up", "enter")[-1] == "submit"
    assert w.raw() == layout[1]
    press(w, "3")
    assert w.raw() == layout[2]
    assert w.handle("j") is None and w.raw() == layout[0]  # wraps around


def test_multi_needs_a_tick_and_toggles() -> None:
    question = q("kaylee")
    layout = draw_layout(question, 1)
    w = make_widget(question, layout)
    assert w.handle("enter") is None and "nothing selected" in w.error
    press(w, "space", "down", "space", "down", "space", "2")  # 2 toggles the second off
    assert w.raw() == [layout[0], layout[2]]
    assert w.handle("s") == "skip" and w.handle("q") == "quit" and w.handle("?") == "hint"


def test_matching_assigns_in_turn_and_wants_every_item() -> None:
    question = q("derivs")
    layout = draw_layout(question, 2)
    w = make_widget(question, layout)
    assert press(w, "1", "enter")[-1] is None and "unmatched" in w.error
    assert press(w, "2", "enter")[-1] == "submit"
    assert w.raw() == {"sigmoid": layout[0], "tanh": layout[1]}


def test_ordering_grab_and_move() -> None:
    question = q("backprop-order")
    w = make_widget(question, draw_layout(question, 0))
    first = w.raw()[0]
    press(w, "space", "down", "down", "space")
    assert w.raw()[2] == first
    assert w.handle("enter") == "submit"


def test_text_input_edits_and_empty_skips() -> None:
    w = make_widget(q("name-fn"), [])
    assert w.handle("enter") == "skip"
    press(w, "r", "e", "x", "backspace", "l", "u")
    assert w.raw() == "relu"
    assert w.handle("enter") == "submit"


def test_cloze_moves_between_blanks() -> None:
    w = make_widget(q("fill"), [])
    press(w, "1", "e", "-", "1", "0", "enter", "r", "e", "l", "u")
    assert w.raw() == ["1e-10", "relu"]
    assert w.handle("enter") == "submit"


def test_previous_answers_are_shown_again() -> None:
    question = q("kaylee")
    layout = draw_layout(question, 4)
    w = make_widget(question, layout, previous=["relu", "batchnorm"])
    assert sorted(w.raw()) == ["batchnorm", "relu"]


def test_question_order_and_layout_are_stable_per_seed() -> None:
    first = select_questions(BANK.questions, seed=11)
    assert first == select_questions(BANK.questions, seed=11)
    assert sorted(first) == sorted(x.id for x in BANK.questions)
    orders = {tuple(select_questions(BANK.questions, seed=s)) for s in range(6)}
    assert len(orders) > 1
    assert draw_layout(q("kaylee"), 5) == draw_layout(q("kaylee"), 5)
    for seed in range(20):  # an ordering question is never shown already solved
        assert draw_layout(q("backprop-order"), seed) != q("backprop-order").key()


@pytest.mark.parametrize("tag", ["remedies", "derivatives"])
def test_tag_filter_and_limit(tag: str) -> None:
    chosen = select_questions(BANK.questions, seed=1, tags=[tag])
    assert chosen and all(tag in q(x).tags for x in chosen)
    assert len(select_questions(BANK.questions, seed=1, limit=3)) == 3


SHIPPED = Path(__file__).resolve().parents[2] / "quizzes" / "vanishing-gradients.yaml"
ALL = list(BANK.questions) + (list(load_bank(SHIPPED).questions) if SHIPPED.is_file() else [])


@pytest.mark.parametrize("question", ALL, ids=lambda x: x.id)
def test_the_cached_first_view_equals_the_live_widget(question: Question) -> None:
    """The fast first paint (from the display cache) draws exactly what the full UI
    draws next, for every question and several shuffles."""
    from grader.quiz.display import first_view, info_of

    info = info_of(question)
    for seed in range(3):
        layout = draw_layout(question, seed)
        assert draw_layout(info, seed, info.options) == layout
        assert first_view(info, layout) == make_widget(question, layout).view()
