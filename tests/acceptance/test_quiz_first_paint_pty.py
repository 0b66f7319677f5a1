"""The very first start with a bank (nothing cached) draws the first question from a
quick read and checks the whole bank behind it: shown in a real pty, without timing.

The proof that the first question comes before the full check is a bank whose only
problem is a formula in a later question's explanation (only the full check reads
math): the question is on the screen, then the problem ends the run with exit 2."""

from __future__ import annotations

import re
from pathlib import Path

import pyte
import pytest

from tests.acceptance._pty_screen import PtyScreen

GOOD = r"""id: first-paint
title: First paint
seed: 11
questions:
  - id: slope
    type: single
    prompt: Where is the slope of $\sigma$ largest?
    choices:
      - text: At $x = 0$
        correct: true
      - text: For large $|x|$
      - text: Nowhere, it is constant
    explanation: There $\sigma'(0) = \frac{1}{4}$.
    tags: [plain]
  - id: relu
    type: true_false
    prompt: A ReLU passes no gradient for negative inputs.
    answer: true
    tags: [plain]
  - id: product
    type: numeric
    params:
      a: {choice: [0.02, 0.03, 0.05]}
      b: {choice: [0.04, 0.05]}
      p: a * b
    prompt: Two layers scale the gradient by ${{ a }}$ and ${{ b }}$. By what in all?
    answer: "{{ p }}"
    rel_tolerance: 0.01
    tags: [drawn]
  - id: order
    type: ordering
    prompt: Put the steps of one training step in order.
    items: [forward pass, loss, backward pass, update]
    explanation: The chain rule needs the loss first, $\partial L / \partial w$.
    tags: [plain]
"""
# The one problem: an unknown command in the last question's explanation.
BAD = GOOD.replace(r"$\partial L / \partial w$", r"$\partail L / \partial w$")
BAD_LINE = next(i for i, line in enumerate(BAD.splitlines(), 1) if r"\partail" in line)

LEAVE_SCREEN = "\x1b[?1049l"
END_OF_FRAME = "\x1b[K\x1b[J"  # grader.quiz.terminal.Terminal.draw ends every frame so


def first_frame(raw: str, columns: int = 80, rows: int = 24) -> list[str]:
    """The screen as the program's first full drawing left it."""
    end = raw.index(END_OF_FRAME) + len(END_OF_FRAME)
    screen = pyte.Screen(columns, rows)
    pyte.Stream(screen).feed(raw[:end])
    return [line.rstrip() for line in screen.display]


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_first_question_is_shown_before_a_later_problem_ends_the_run(tmp_path: Path) -> None:
    bank = write(tmp_path, "bad.yaml", BAD)
    data = tmp_path / "data"
    tty = PtyScreen(["quiz", "take", bank, "--student", "bea", "--seed", "3"], data, 80, 24)
    tty.wait_written("Question 1/4")
    tty.send("1\r")  # an answer typed at once is never taken, so none is lost
    code = tty.finish()
    raw = tty.raw
    error = f"{bank}:{BAD_LINE}:"
    assert code == 2, raw
    assert raw.index("Question 1/4") < raw.index(LEAVE_SCREEN) < raw.index(error), raw
    message = raw[raw.index(LEAVE_SCREEN) :].splitlines()[0].removeprefix(LEAVE_SCREEN)
    assert re.fullmatch(
        rf"error: {re.escape(error)}\d+: questions\[3\]\.explanation: unknown LaTeX command "
        r"'\\partail' in math '.*'",
        message,
    ), message
    assert "Traceback" not in raw
    assert not list(data.glob("sessions/*.json"))  # no attempt left to block a next start
    assert not list(data.glob("results/*.json"))


@pytest.mark.parametrize(
    "args",
    [
        ["--seed", "3"],
        ["--seed", "5", "--tag", "drawn"],  # the parametrized one: this student's numbers
        ["--seed", "8", "--mode", "exam", "--limit", "2"],
    ],
    ids=["plain", "variant", "exam-limit"],
)
def test_the_first_screen_of_a_first_run_is_the_one_of_later_runs(
    tmp_path: Path, args: list[str]
) -> None:
    """The quick first read draws exactly what a start with every cache warm draws."""
    cold = PtyScreen(
        ["quiz", "take", write(tmp_path, "bad.yaml", BAD), "--student", "bea", *args],
        tmp_path / "cold", 80, 24,
    )  # fmt: skip
    cold.wait_written("Question 1/")
    assert cold.finish() == 2
    cold_screen = first_frame(cold.raw)

    good, warm_data = write(tmp_path, "good.yaml", GOOD), tmp_path / "warm"
    builder = PtyScreen(["quiz", "take", good, "--student", "ada"], warm_data, 80, 24)
    builder.wait("Question 1/")
    builder.send("\x04")  # leave; the display cache is written behind the first screen
    assert builder.finish() == 0
    assert list(warm_data.glob("cache/banks/*.display.json"))
    warm = PtyScreen(["quiz", "take", good, "--student", "bea", *args], warm_data, 80, 24)
    settled = warm.wait("Question 1/")
    warm.send("\x04")
    assert warm.finish() == 0

    assert any("Question 1/" in line for line in cold_screen), cold_screen
    assert "{{" not in "\n".join(cold_screen)  # a variant is shown with its numbers
    assert cold_screen == first_frame(warm.raw)
    assert cold_screen == settled.split("\n")


def test_an_invalid_bank_is_reported_before_a_tag_it_lacks(tmp_path: Path) -> None:
    """What the quick read lets through is still the first thing said, as when the
    whole bank was checked before anything else (a guard: the old order said so too)."""
    bank = write(tmp_path, "bad.yaml", BAD)
    tty = PtyScreen(["quiz", "take", bank, "--tag", "nosuch"], tmp_path / "data", 80, 24)
    assert tty.finish() == 2
    assert f"error: {bank}:{BAD_LINE}:" in tty.raw, tty.raw
    assert "Question 1/" not in tty.raw and "nosuch" not in tty.raw


UNDRAWABLE = """id: undrawable
title: A variant that cannot be drawn
seed: 2
variants: 20
questions:
  - id: ratio
    type: numeric
    params:
      x: {choice: [0, 1, 2, 4]}
      y: 1 / x
    prompt: What is $1 / {{ x }}$?
    answer: "{{ y }}"
"""


def test_a_student_whose_variant_cannot_be_drawn_keeps_no_attempt(tmp_path: Path) -> None:
    """Variant 0 is fine (the bank loads), this student's is not: exit 2 with the
    problem, and no empty attempt left behind for the next start to trip on."""
    from grader.bank import load_bank
    from grader.bank.variants import bank_for_student
    from grader.errors import ValidationFailed

    bank = write(tmp_path, "undrawable.yaml", UNDRAWABLE)
    loaded = load_bank(bank)

    def fails(student: str) -> bool:
        try:
            bank_for_student(loaded, student)
        except ValidationFailed:
            return True
        return False

    student = next(s for s in (f"s{i}" for i in range(40)) if fails(s))
    data = tmp_path / "data"
    tty = PtyScreen(["quiz", "take", bank, "--student", student], data, 80, 24)
    assert tty.finish() == 2
    assert re.search(r"params\.y: division by zero \(variant \d+", tty.raw), tty.raw
    assert "Traceback" not in tty.raw
    assert not list(data.glob("sessions/*.json"))
