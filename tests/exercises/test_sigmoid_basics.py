"""sigmoid-basics is proved: reference full, starter nothing, each wrong solution loses
exactly the tests aimed at its mistake, the alternatives (other styles) get full marks, and
the released copy checks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import failing_tests

SLUG = "sigmoid-basics"
FULL = 12.0

# name -> (failing tests, score)
WRONG = {
    # s (1 + s): every derivative is wrong, and so is the chain built on it.
    "wrong_derivative": (
        {
            "test_derivative_at_zero",
            "test_derivative_matches_autograd",
            "test_derivative_is_stable_for_large_inputs",
            "test_chain_derivative",
        },
        FULL - 1 - 2 - 1 - 2,
    ),
    # e^x / (1 + e^x): nan for large positive x (in float32 already at x = 100).
    "unstable": (
        {"test_sigmoid_is_stable_for_large_inputs", "test_derivative_is_stable_for_large_inputs"},
        FULL - 2 - 1,
    ),
    # sigma'(x) ** depth: right only at depth 1 (1 of 6 depths).
    "missing_chain_factor": ({"test_chain_derivative"}, FULL - 2 * 5 / 6),
    # A Python loop over math.exp: flat, float32, overflows; the chain comes back float32
    # for a float64 input too.
    "shape_bug": (
        {
            "test_chain_derivative",
            "test_sigmoid_at_zero",
            "test_sigmoid_keeps_shape_and_dtype",
            "test_derivative_at_zero",
            "test_sigmoid_matches_reference",
            "test_sigmoid_is_stable_for_large_inputs",
            "test_derivative_matches_autograd",
            "test_derivative_is_stable_for_large_inputs",
        },
        0.0,
    ),
}
WRONG["uses_builtin_sigmoid"] = ({"test_sigmoid_matches_reference"}, FULL - 2)
# sigmoid overwrites its input: caught where the judge checks the inputs it sent.
WRONG["in_place"] = ({"test_sigmoid_matches_reference"}, FULL - 2)
ALTERNATIVES = {"softplus_autograd", "tanh_identity"}


def test_exercises_sigmoid_basics_reference_scores_full_marks(prover) -> None:
    p = prover(SLUG)
    result = p.grade(p.solution())
    assert result.max_score == FULL == p.exercise.points
    assert result.score == FULL, [(t.id, t.message) for t in result.tests if t.status != "passed"]


def test_exercises_sigmoid_basics_starter_imports_and_scores_nothing(prover) -> None:
    p = prover(SLUG)
    result = p.grade(p.starter())
    assert result.score == 0 and result.status == "error"
    assert all("NotImplementedError" in t.message for t in result.tests)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_exercises_sigmoid_basics_wrong_solution_loses_its_tests(prover, name: str) -> None:
    p = prover(SLUG)
    failing, score = WRONG[name]
    result = p.grade(p.wrong()[name])
    assert failing_tests(result) == failing
    assert result.score == pytest.approx(score)
    assert result.status == "failed"


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_exercises_sigmoid_basics_alternative_scores_full_marks(prover, name: str) -> None:
    p = prover(SLUG)
    result = p.grade(p.alternatives()[name])
    assert result.score == FULL, [(t.id, t.message) for t in result.tests if t.status != "passed"]


def test_exercises_sigmoid_basics_every_wrong_and_alternative_has_an_expectation(prover) -> None:
    p = prover(SLUG)
    assert set(p.wrong()) == set(WRONG)
    assert set(p.alternatives()) == ALTERNATIVES


def test_exercises_sigmoid_basics_checks_from_the_released_copy(tmp_path: Path) -> None:
    """The README's command, in a released copy: the starter runs and fails the public tests."""
    env = {**os.environ, "NO_COLOR": "1"}
    grader = [sys.executable, "-m", "grader", "exercise"]
    subprocess.run([*grader, "release", SLUG, "-o", str(tmp_path)], check=True, env=env)
    copy = tmp_path / SLUG
    shutil.copyfile(copy / "starter" / "sigmoid.py", copy / "sigmoid.py")
    proc = subprocess.run(
        [*grader, "check", ".", "sigmoid.py"],
        cwd=copy,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "0 of 3 public tests passed." in proc.stdout and "Traceback" not in proc.stderr
