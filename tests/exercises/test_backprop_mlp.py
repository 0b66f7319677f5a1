"""backprop-mlp is proved: reference full, starter below, each wrong solution loses exactly
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

SLUG = "backprop-mlp"
FULL = 15.0
FD_TESTS = {"test_numerical_gradient_of_a_norm", "test_numerical_gradient_on_chosen_functions"}

# name -> (failing tests, score). test_backward_matches_autograd (3 points),
# test_gradient_check_matches_autograd (2) and test_numerical_gradient_on_chosen_functions (2)
# give partial credit per network (8) or function (4).
WRONG = {
    # O(eps) error: right only on np.prod, which is linear in each entry (1 of 4 functions);
    # at eps = 1e-6 it stays inside gradient_check's tolerance on all networks but one.
    "forward_difference": (
        FD_TESTS | {"test_gradient_check_matches_autograd"},
        FULL - 1 - 2 * 3 / 4 - 2 * 1 / 8,
    ),
    # The ReLU's slope for the Leaky ReLU: wrong on the 2 networks with a leaky layer.
    "leaky_slope_dropped": ({"test_backward_matches_autograd"}, FULL - 3 * 2 / 8),
    # Half the mse gradient: the 4 mse networks of 8 are wrong; cross-entropy is right.
    "mse_missing_factor_two": (
        {"test_backward_small_network", "test_backward_matches_autograd"},
        FULL - 2 - 3 * 4 / 8,
    ),
    # nan only when logits are large.
    "naive_softmax": ({"test_cross_entropy_with_large_logits"}, FULL - 1),
    # Every later entry is differentiated at a shifted point: all four functions wrong, and
    # 2 of the 8 networks' checks.
    "perturbation_not_restored": (
        FD_TESTS | {"test_gradient_check_matches_autograd"},
        FULL - 1 - 2 - 2 * 2 / 8,
    ),
    # delta @ W raises on every network with a hidden layer; the linear one (1 of 8) passes.
    "transposed_backprop": (
        {
            "test_backward_small_network",
            "test_backward_matches_autograd",
            "test_cross_entropy_with_large_logits",
        },
        FULL - 2 - 3 * 7 / 8 - 1,
    ),
}
ALTERNATIVES = {"layer_objects", "recursive_chain"}


def test_exercises_backprop_mlp_reference_scores_full_marks(prover) -> None:
    p = prover(SLUG)
    result = p.grade(p.solution())
    assert result.max_score == FULL == p.exercise.points
    assert result.score == FULL, [(t.id, t.message) for t in result.tests if t.status != "passed"]
    assert len(result.tests) == 10


def test_exercises_backprop_mlp_starter_imports_and_scores_nothing(prover) -> None:
    p = prover(SLUG)
    result = p.grade(p.starter())
    assert result.score == 0
    assert all("NotImplementedError" in t.message for t in result.tests), [
        t.message for t in result.tests
    ]


@pytest.mark.parametrize("name", sorted(WRONG))
def test_exercises_backprop_mlp_wrong_solution_loses_its_tests(prover, name: str) -> None:
    p = prover(SLUG)
    failing, score = WRONG[name]
    result = p.grade(p.wrong()[name])
    assert failing_tests(result) == failing
    assert result.score == pytest.approx(score)


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_exercises_backprop_mlp_alternative_scores_full_marks(prover, name: str) -> None:
    p = prover(SLUG)
    result = p.grade(p.alternatives()[name])
    assert result.score == FULL, [(t.id, t.message) for t in result.tests if t.status != "passed"]


def test_exercises_backprop_mlp_every_wrong_and_alternative_has_an_expectation(prover) -> None:
    p = prover(SLUG)
    assert set(p.wrong()) == set(WRONG)
    assert set(p.alternatives()) == ALTERNATIVES


def test_exercises_backprop_mlp_checks_from_the_released_copy(tmp_path: Path) -> None:
    """The README's commands, in a released copy: the starter runs and fails the public tests."""
    env = {**os.environ, "NO_COLOR": "1"}
    grader = [sys.executable, "-m", "grader", "exercise"]
    subprocess.run([*grader, "release", SLUG, "-o", str(tmp_path)], check=True, env=env)
    copy = tmp_path / SLUG
    shutil.copyfile(copy / "starter" / "mlp.py", copy / "mlp.py")
    proc = subprocess.run(
        [*grader, "check", ".", "mlp.py"],
        cwd=copy,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "0 of 4 public tests passed." in proc.stdout and "Traceback" not in proc.stderr
    assert not (copy / "solution").exists() and not (copy / "tests" / "hidden").exists()
