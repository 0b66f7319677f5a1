"""sigmoid-chain is proved: reference full, starter below, each wrong solution loses exactly
the tests aimed at its mistake, the alternatives (other styles) get full marks, and the
released copy checks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import failing_tests

SLUG = "sigmoid-chain"
FULL = 16.0
GRADIENT_TESTS = {
    "test_gradients_two_layers",  # 2 points
    "test_gradients_match_autograd",  # 3, partial credit per chain
    "test_gradients_of_a_deep_chain",  # 2
}

# name -> (failing tests, score). Partial credit: 1 of the 8 chains in
# test_gradients_match_autograd comes out right where the mistake cannot show (one layer, or
# one sample), worth 3 * 1/8.
WRONG = {
    # sigma' forgotten below the output: 4^L too large, so the bound test catches it too;
    # the saturated chain's gradients are wrong as well.
    "missing_slope_factor": (
        GRADIENT_TESTS
        | {"test_gradients_respect_the_quarter_power_bound", "test_saturated_chain_stays_finite"},
        FULL - 2 - 3 * 7 / 8 - 2 - 2 - 1,
    ),
    # sigma(a)(1 - sigma(a)) is still <= 1/4: wrong, yet within the bound.
    "slope_of_activation": (
        GRADIENT_TESTS | {"test_saturated_chain_stays_finite"},
        FULL - 2 - 3 - 2 - 1,
    ),
    # N times too large: breaks the bound; right only for one-sample batches.
    "sum_not_mean": (
        GRADIENT_TESTS
        | {"test_gradients_respect_the_quarter_power_bound", "test_saturated_chain_stays_finite"},
        FULL - 2 - 3 * 7 / 8 - 2 - 2 - 1,
    ),
    # Only the saturated chain overflows.
    "unstable_sigmoid": ({"test_saturated_chain_stays_finite"}, FULL - 1),
    # The wrong weight carries the error down; right when L = 1.
    "weight_of_wrong_layer": (
        GRADIENT_TESTS | {"test_gradients_respect_the_quarter_power_bound"},
        FULL - 2 - 3 * 7 / 8 - 2 - 2,
    ),
}
ALTERNATIVES = {"closed_form_products", "forward_mode"}


def test_exercises_sigmoid_chain_reference_scores_full_marks(prover) -> None:
    p = prover(SLUG)
    result = p.grade(p.solution())
    assert result.max_score == FULL == p.exercise.points
    assert result.score == FULL, [(t.id, t.message) for t in result.tests if t.status != "passed"]
    assert len(result.tests) == 10


def test_exercises_sigmoid_chain_starter_imports_and_scores_nothing(prover) -> None:
    p = prover(SLUG)
    result = p.grade(p.starter())
    assert result.score == 0
    # It imports (no import error): every test reaches the student's NotImplementedError.
    assert all("NotImplementedError" in t.message for t in result.tests), [
        t.message for t in result.tests
    ]


@pytest.mark.parametrize("name", sorted(WRONG))
def test_exercises_sigmoid_chain_wrong_solution_loses_its_tests(prover, name: str) -> None:
    p = prover(SLUG)
    failing, score = WRONG[name]
    result = p.grade(p.wrong()[name])
    assert failing_tests(result) == failing
    assert result.score == pytest.approx(score)


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_exercises_sigmoid_chain_alternative_scores_full_marks(prover, name: str) -> None:
    p = prover(SLUG)
    result = p.grade(p.alternatives()[name])
    assert result.score == FULL, [(t.id, t.message) for t in result.tests if t.status != "passed"]


def test_exercises_sigmoid_chain_every_wrong_and_alternative_has_an_expectation(prover) -> None:
    p = prover(SLUG)
    assert set(p.wrong()) == set(WRONG)
    assert set(p.alternatives()) == ALTERNATIVES


def test_exercises_sigmoid_chain_checks_from_the_released_copy(tmp_path: Path) -> None:
    """The README's commands, in a released copy: the starter runs and fails the public tests."""
    env = {**os.environ, "NO_COLOR": "1"}
    grader = [sys.executable, "-m", "grader", "exercise"]
    subprocess.run([*grader, "release", SLUG, "-o", str(tmp_path)], check=True, env=env)
    copy = tmp_path / SLUG
    shutil.copyfile(copy / "starter" / "chain.py", copy / "chain.py")
    proc = subprocess.run(
        [*grader, "check", ".", "chain.py"],
        cwd=copy,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "NotImplementedError" in proc.stdout and "Traceback" not in proc.stderr
    assert not (copy / "solution").exists() and not (copy / "tests" / "hidden").exists()
