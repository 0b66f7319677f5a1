"""Proof of diagnose-stalled-network: the diagnosis is judged on the judge's own gradient
norms, under Adam (where early weights still move a lot) and under SGD."""

from __future__ import annotations

import pytest
from conftest import failing_tests

SLUG = "diagnose-stalled-network"
DIAGNOSIS = {
    "test_diagnose_reads_the_gradients",
    "test_diagnosis_under_adam",
    "test_diagnosis_under_sgd",
    "test_diagnosis_of_other_networks",
}
WRONG = {
    # Adam moves the early weights 22-88 %: judged by weight change, nothing "vanishes".
    "vanishing_by_weight_change": (DIAGNOSIS, 6.0),
    "squared_norm": (
        {"test_gradient_norms_of_a_small_net", "test_gradient_norms_of_the_stalled_net"},
        8.0,
    ),
    # The loss did fall (0.747 -> 0.693), so "not stalled" - but it sits at ln 2.
    "stalled_only_if_loss_rises": (DIAGNOSIS, 6.0),
    "change_relative_to_final_weights": (
        {"test_relative_change_of_doubled_weights", "test_relative_change_on_random_weights"},
        10.0,
    ),
}
ALTERNATIVES = {"numpy_by_hand", "autograd_functional"}


def test_exercises_diagnose_reference_and_starter(prover) -> None:
    p = prover(SLUG)
    result = p.grade(p.solution())
    assert failing_tests(result) == set(), [t.message for t in result.tests]
    assert result.score == result.max_score == 12.0
    starter = p.grade(p.starter())
    assert len(failing_tests(starter)) == 8 and starter.score == 0.0


def test_exercises_diagnose_every_file_is_covered(prover) -> None:
    p = prover(SLUG)
    assert set(p.wrong()) == set(WRONG) and set(p.alternatives()) == ALTERNATIVES


@pytest.mark.parametrize("name", sorted(WRONG))
def test_exercises_diagnose_wrong_loses_exactly_its_tests(prover, name: str) -> None:
    p = prover(SLUG)
    fails, score = WRONG[name]
    result = p.grade(p.wrong()[name])
    assert failing_tests(result) == fails, [(t.id, t.message) for t in result.tests]
    assert result.score == score


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_exercises_diagnose_alternative_gets_full_marks(prover, name: str) -> None:
    p = prover(SLUG)
    result = p.grade(p.alternatives()[name])
    assert failing_tests(result) == set(), [t.message for t in result.tests]


def test_exercises_diagnose_released_copy_checks_the_starter(tmp_path) -> None:
    import subprocess
    import sys

    from conftest import EXERCISES

    run = [sys.executable, "-m", "grader", "exercise"]
    subprocess.run([*run, "release", str(EXERCISES / SLUG), "-o", str(tmp_path)], check=True)
    copy = tmp_path / SLUG
    assert not (copy / "solution").exists() and not (copy / "alternatives").exists()
    done = subprocess.run(
        [*run, "check", str(copy), str(copy / "starter" / "diagnose.py")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "gradient_norms" in done.stdout
