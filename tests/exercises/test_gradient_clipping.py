"""gradient-clipping is proved: reference full, starter nothing, each wrong solution loses
exactly the tests aimed at its mistake, the alternatives (functional on one flat vector,
numpy in float64) get full marks, and the released copy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import failing_tests

SLUG = "gradient-clipping"
FULL = 16.0
PUBLIC_NORM = "test_norm_clipping_scales_all_gradients_together"  # 1 point
NONFINITE = {"test_nonfinite_raises_when_asked", "test_nonfinite_scales_like_torch"}  # 1 + 1

# name -> (failing tests, score)
WRONG = {
    # Scaling up what is below the threshold: the vanishing example shows it.
    "always_rescales": (
        {
            "test_below_the_threshold_nothing_changes",
            "test_vanishing_gradients_pass_through_unchanged",
        },
        FULL - 2,
    ),
    "ignores_error_flag": ({"test_nonfinite_raises_when_asked"}, FULL - 1),
    # The 2-norm case of test_norm_types is right: 1 of 4 orders, 2 * 1/4 points.
    "ignores_norm_type": ({"test_norm_types"}, FULL - 2 + 0.5),
    # 1e-6 / 5 relative in the public float64 example; a factor 2 on the tiny norms.
    "no_eps": ({"test_eps_in_the_divisor", PUBLIC_NORM}, FULL - 2),
    # Every test that clips several gradients at once above the threshold (2 + 1 + 2 + 1
    # + 2 + 1 points).
    "per_tensor_norm": (
        {
            PUBLIC_NORM,
            "test_global_norm_clipping_matches_torch",
            "test_eps_in_the_divisor",
            "test_norm_types",
            "test_nonfinite_scales_like_torch",
            "test_exploding_gradients_are_tamed",
        },
        FULL - 9,
    ),
    # Every test that reads the returned norm after clipping happened.
    "returns_clipped_norm": (
        NONFINITE
        | {
            PUBLIC_NORM,
            "test_returns_the_norm_before_clipping",
            "test_norm_types",
            "test_empty_and_missing_gradients",
            "test_exploding_gradients_are_tamed",
        },
        FULL - 9,
    ),
    "skips_nonfinite": (NONFINITE, FULL - 2),
    # Right values through torch's own functions, which the statement rules out (2 + 1).
    "wraps_torch_clipping": (
        {"test_global_norm_clipping_matches_torch", "test_value_clipping_matches_torch"},
        FULL - 3,
    ),
    "value_clip_loses_sign": (
        {"test_value_clipping_clamps_each_entry", "test_value_clipping_matches_torch"},
        FULL - 2,
    ),
}
ALTERNATIVES = {"flatten_functional", "numpy_float64"}


def test_exercises_gradient_clipping_reference_scores_full_marks(prover) -> None:
    p = prover(SLUG)
    result = p.grade(p.solution())
    assert result.max_score == FULL == p.exercise.points
    assert result.score == FULL, [(t.id, t.message) for t in result.tests if t.status != "passed"]
    assert len(result.tests) == 13
    exploding = next(t for t in result.tests if t.id.endswith("test_exploding_gradients_are_tamed"))
    assert [a.kind for a in exploding.attachments] == ["svg", "text"]


def test_exercises_gradient_clipping_starter_imports_and_scores_nothing(prover) -> None:
    p = prover(SLUG)
    result = p.grade(p.starter())
    assert result.score == 0
    assert all("NotImplementedError" in t.message for t in result.tests), [
        t.message for t in result.tests
    ]


@pytest.mark.parametrize("name", sorted(WRONG))
def test_exercises_gradient_clipping_wrong_solution_loses_its_tests(prover, name: str) -> None:
    p = prover(SLUG)
    failing, score = WRONG[name]
    result = p.grade(p.wrong()[name])
    assert failing_tests(result) == failing, [
        (t.id, t.message) for t in result.tests if t.status != "passed"
    ]
    assert result.score == pytest.approx(score)


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_exercises_gradient_clipping_alternative_scores_full_marks(prover, name: str) -> None:
    p = prover(SLUG)
    result = p.grade(p.alternatives()[name])
    assert result.score == FULL, [(t.id, t.message) for t in result.tests if t.status != "passed"]


def test_exercises_gradient_clipping_every_wrong_and_alternative_has_an_expectation(
    prover,
) -> None:
    p = prover(SLUG)
    assert set(p.wrong()) == set(WRONG)
    assert set(p.alternatives()) == ALTERNATIVES


def test_exercises_gradient_clipping_checks_from_the_released_copy(tmp_path: Path) -> None:
    """The README's command, in a released copy: the starter runs and fails the public tests."""
    env = {**os.environ, "NO_COLOR": "1"}
    grader = [sys.executable, "-m", "grader", "exercise"]
    subprocess.run([*grader, "release", SLUG, "-o", str(tmp_path)], check=True, env=env)
    copy = tmp_path / SLUG
    proc = subprocess.run(
        [*grader, "check", ".", "starter/clipping.py"],
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
