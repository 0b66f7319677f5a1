"""batchnorm-forward is proved: reference full, starter nothing, each wrong solution loses
exactly the tests aimed at its mistake, the alternatives (numpy float64, Welford one-pass)
get full marks, and the released copy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import failing_tests

SLUG = "batchnorm-forward"
FULL = 14.0
RUNNING = {  # 1, 2 and 1 points: every test that checks a running variance or mean
    "test_running_statistics_after_one_step",
    "test_running_statistics_over_several_steps",
    "test_three_dimensional_input",
}
EVAL = {
    "test_eval_mode_uses_the_running_statistics",
    "test_eval_after_training_matches_batchnorm1d",
}

# name -> (failing tests, score)
WRONG = {
    "biased_running_var": (RUNNING, FULL - 4),
    "momentum_backwards": (RUNNING, FULL - 4),
    "eval_uses_batch_stats": (EVAL, FULL - 3),
    "ignores_length_dim": ({"test_three_dimensional_input"}, FULL - 1),
    # Only float32 with a large mean shows the cancellation.
    "mean_of_squares_variance": ({"test_large_offset_in_float32"}, FULL - 1),
    # N - 1 is 33 % off at N = 4 and 0.1 % at N = 512, where the tiny-variance and
    # large-offset tests' looser tolerances let it through.
    "unbiased_in_normalisation": (
        {
            "test_training_output_is_standardised",
            "test_training_output_matches_batchnorm1d",
            "test_float32_keeps_its_dtype",
            "test_three_dimensional_input",
        },
        FULL - 5,
    ),
    # 5e-6 relative on unit variances: caught by every float64 output check (float32's
    # 1e-5 lets it through), and a factor of 3 on the tiny-variance channel.
    "eps_outside_sqrt": (
        EVAL
        | {
            "test_training_output_is_standardised",
            "test_training_output_matches_batchnorm1d",
            "test_three_dimensional_input",
            "test_tiny_and_zero_variance_channels",
        },
        FULL - 8,
    ),
}
ALTERNATIVES = {"numpy_float64", "welford_streaming"}


def test_exercises_batchnorm_forward_reference_scores_full_marks(prover) -> None:
    p = prover(SLUG)
    result = p.grade(p.solution())
    assert result.max_score == FULL == p.exercise.points
    assert result.score == FULL, [(t.id, t.message) for t in result.tests if t.status != "passed"]
    assert len(result.tests) == 11


def test_exercises_batchnorm_forward_starter_imports_and_scores_nothing(prover) -> None:
    p = prover(SLUG)
    result = p.grade(p.starter())
    assert result.score == 0
    assert all("NotImplementedError" in t.message for t in result.tests), [
        t.message for t in result.tests
    ]


@pytest.mark.parametrize("name", sorted(WRONG))
def test_exercises_batchnorm_forward_wrong_solution_loses_its_tests(prover, name: str) -> None:
    p = prover(SLUG)
    failing, score = WRONG[name]
    result = p.grade(p.wrong()[name])
    assert failing_tests(result) == failing, [
        (t.id, t.message) for t in result.tests if t.status != "passed"
    ]
    assert result.score == pytest.approx(score)


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_exercises_batchnorm_forward_alternative_scores_full_marks(prover, name: str) -> None:
    p = prover(SLUG)
    result = p.grade(p.alternatives()[name])
    assert result.score == FULL, [(t.id, t.message) for t in result.tests if t.status != "passed"]


def test_exercises_batchnorm_forward_every_wrong_and_alternative_has_an_expectation(
    prover,
) -> None:
    p = prover(SLUG)
    assert set(p.wrong()) == set(WRONG)
    assert set(p.alternatives()) == ALTERNATIVES


def test_exercises_batchnorm_forward_checks_from_the_released_copy(tmp_path: Path) -> None:
    """The README's command, in a released copy: the starter runs and fails the public tests."""
    env = {**os.environ, "NO_COLOR": "1"}
    grader = [sys.executable, "-m", "grader", "exercise"]
    subprocess.run([*grader, "release", SLUG, "-o", str(tmp_path)], check=True, env=env)
    copy = tmp_path / SLUG
    proc = subprocess.run(
        [*grader, "check", ".", "starter/batchnorm.py"],
        cwd=copy,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    said = f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert proc.returncode == 1, said
    assert "NotImplementedError" in proc.stdout and "Traceback" not in proc.stderr, said
    assert "0 of 3 public tests passed" in proc.stdout, said
    assert not (copy / "solution").exists() and not (copy / "tests" / "hidden").exists()
