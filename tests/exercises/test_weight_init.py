"""weight-init is proved: reference full, starter nothing, each wrong solution loses exactly
the tests aimed at its mistake, the alternatives (numpy, torch.nn.init, Box-Muller by hand)
get full marks, and the released copy checks.

The initialisers are random and unseeded; every check they face fails an honest draw with
probability below 1e-8 (see the hidden test file), so these expectations do not flake.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import failing_tests

SLUG = "weight-init"
FULL = 17.0
HE_STATS = {"test_he_uniform_statistics", "test_he_normal_statistics"}  # 2 points each
HE_PUBLIC = "test_he_normal_has_the_right_spread"  # 1
STUDY = "test_variance_study"  # 3: ReLU part 2, linear part 1

# name -> (failing tests, score)
WRONG = {
    # Only visible on non-square layers: the studies use square ones.
    "he_uses_fan_out": (HE_STATS | {HE_PUBLIC}, FULL - 5),
    # Right for linear layers, so He no longer explodes them and ReLU collapses.
    "lecun_for_relu": (HE_STATS | {HE_PUBLIC, STUDY}, FULL - 8),
    # Every draw is honest on its own; only two calls in a row give it away.
    "reseeds_every_call": ({"test_each_call_draws_fresh_weights"}, FULL - 1),
    "transposed_shape": ({"test_shapes_and_dtype", "test_odd_layer_shapes"}, FULL - 2),
    # Too narrow an interval: caught by the bound and the variance, normals unaffected.
    "uniform_bound_is_std": (
        {"test_xavier_uniform_statistics", "test_he_uniform_statistics"},
        FULL - 4,
    ),
    # Normals far too small: both studies collapse.
    "variance_as_std": (
        {"test_xavier_normal_statistics", "test_he_normal_statistics", HE_PUBLIC, STUDY},
        FULL - 8,
    ),
}
ALTERNATIVES = {"box_muller", "numpy_generator", "torch_nn_init"}


def test_exercises_weight_init_reference_scores_full_marks(prover) -> None:
    p = prover(SLUG)
    result = p.grade(p.solution())
    assert result.max_score == FULL == p.exercise.points
    assert result.score == FULL, [(t.id, t.message) for t in result.tests if t.status != "passed"]
    assert len(result.tests) == 11
    # The study's bar charts reach the report.
    study = next(t for t in result.tests if t.id.endswith(STUDY))
    assert [a.kind for a in study.attachments].count("svg") == 4


def test_exercises_weight_init_starter_imports_and_scores_nothing(prover) -> None:
    p = prover(SLUG)
    result = p.grade(p.starter())
    assert result.score == 0
    assert all("NotImplementedError" in t.message for t in result.tests), [
        t.message for t in result.tests
    ]


@pytest.mark.parametrize("name", sorted(WRONG))
def test_exercises_weight_init_wrong_solution_loses_its_tests(prover, name: str) -> None:
    p = prover(SLUG)
    failing, score = WRONG[name]
    result = p.grade(p.wrong()[name])
    assert failing_tests(result) == failing, [
        (t.id, t.message) for t in result.tests if t.status != "passed"
    ]
    assert result.score == pytest.approx(score)


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_exercises_weight_init_alternative_scores_full_marks(prover, name: str) -> None:
    p = prover(SLUG)
    result = p.grade(p.alternatives()[name])
    assert result.score == FULL, [(t.id, t.message) for t in result.tests if t.status != "passed"]


def test_exercises_weight_init_every_wrong_and_alternative_has_an_expectation(prover) -> None:
    p = prover(SLUG)
    assert set(p.wrong()) == set(WRONG)
    assert set(p.alternatives()) == ALTERNATIVES


def test_exercises_weight_init_checks_from_the_released_copy(tmp_path: Path) -> None:
    """The README's command, in a released copy: the starter runs and fails the public tests."""
    env = {**os.environ, "NO_COLOR": "1"}
    grader = [sys.executable, "-m", "grader", "exercise"]
    subprocess.run([*grader, "release", SLUG, "-o", str(tmp_path)], check=True, env=env)
    copy = tmp_path / SLUG
    proc = subprocess.run(
        [*grader, "check", ".", "starter/weight_init.py"],
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
