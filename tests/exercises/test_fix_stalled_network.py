"""Proof of fix-stalled-network: the judge builds, trains and measures every spec itself.

The reference (ReLU + He) and three other fixes (Leaky ReLU + He, sigmoid + batch norm,
residual ReLU blocks) get full marks; the stalled starter does not; each wrong spec loses
exactly the tests aimed at its mistake. A last test trains every correct fix on more seeds
than the grade uses, so the budget is not tuned to one lucky initialisation.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXERCISES, failing_tests

from grader.exercise import arch, training

SLUG = "fix-stalled-network"
TRAINING_TESTS = {
    "test_trains_on_the_lesson_moons",
    "test_accuracy_on_fresh_points",
    "test_gradient_reaches_the_first_layer",
    "test_learns_with_another_seed",
}
ACCURACY_TESTS = TRAINING_TESTS - {"test_gradient_reaches_the_first_layer"}

# wrong solution -> (the tests it fails, its score out of 12)
WRONG = {
    # Too few layers: the depth rule fails, and the judge refuses to train it at all.
    "too_shallow": ({"test_keeps_nine_hidden_layers"} | TRAINING_TESTS, 1.0),
    # Large weights saturate the sigmoids: the gradient still vanishes and it still stalls.
    "large_initial_weights": (TRAINING_TESTS, 2.0),
    # Not in the vocabulary's rules (the output must be the logit): nothing is accepted.
    "sigmoid_after_output": (
        {"test_spec_is_in_the_vocabulary", "test_keeps_nine_hidden_layers"} | TRAINING_TESTS,
        0.0,
    ),
    # The gradient is healthy, but plain SGD at lr 0.01 does not learn within the budget.
    "learning_rate_too_small": (ACCURACY_TESTS, 4.0),
}
ALTERNATIVES = {"leaky_relu_he", "sigmoid_batchnorm", "residual_relu"}


def test_exercises_fix_reference_gets_full_marks(prover) -> None:
    p = prover(SLUG)
    result = p.grade(p.solution())
    assert failing_tests(result) == set(), [t.message for t in result.tests]
    assert result.score == result.max_score == 12.0


def test_exercises_fix_starter_is_the_stalled_network(prover) -> None:
    p = prover(SLUG)
    result = p.grade(p.starter())
    assert failing_tests(result) == TRAINING_TESTS
    assert result.score == 2.0


def test_exercises_fix_wrong_and_alternatives_are_all_covered(prover) -> None:
    p = prover(SLUG)
    assert set(p.wrong()) == set(WRONG)
    assert set(p.alternatives()) == ALTERNATIVES


@pytest.mark.parametrize("name", sorted(WRONG))
def test_exercises_fix_wrong_loses_exactly_its_tests(prover, name: str) -> None:
    p = prover(SLUG)
    fails, score = WRONG[name]
    result = p.grade(p.wrong()[name])
    assert failing_tests(result) == fails, [(t.id, t.message) for t in result.tests]
    assert result.score == score


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_exercises_fix_alternative_gets_full_marks(prover, name: str) -> None:
    p = prover(SLUG)
    result = p.grade(p.alternatives()[name])
    assert failing_tests(result) == set(), [t.message for t in result.tests]
    assert result.score == 12.0


def _spec_of(path: Path) -> arch.Spec:
    loaded = importlib.util.spec_from_file_location(f"fix_{path.stem}", path)
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return arch.validate(module.build(), min_hidden=9)


def test_exercises_fix_every_correct_fix_passes_on_more_seeds() -> None:
    """Seeds 0-2 (the grade uses 0 and 1): each fix >= 0.95, the starter below on each."""
    root = EXERCISES / SLUG
    fixes = [root / "solution" / "network.py", *sorted((root / "alternatives").glob("*.py"))]
    x, y = training.two_moons(n=1000, seed=7)
    for path in fixes:
        spec = _spec_of(path)
        for seed in (0, 1, 2):
            acc = training.accuracy(
                training.train(spec, *training.moons_split()[:2], seed=seed), x, y
            )
            assert acc >= 0.95, f"{path.stem} seed {seed}: {acc:.3f}"
    stalled = _spec_of(root / "starter" / "network.py")
    for seed in (0, 1, 2):
        acc = training.accuracy(
            training.train(stalled, *training.moons_split()[:2], seed=seed), x, y
        )
        assert acc < 0.95, f"starter seed {seed}: {acc:.3f}"


def test_exercises_fix_training_is_deterministic() -> None:
    spec = _spec_of(EXERCISES / SLUG / "alternatives" / "sigmoid_batchnorm.py")
    x, y = training.moons_split()[:2]
    first, second = training.train(spec, x, y, seed=3), training.train(spec, x, y, seed=3)
    assert first.losses == second.losses
    assert first.initial_grad_norms == second.initial_grad_norms


def test_exercises_fix_released_copy_checks_the_starter(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "grader",
            "exercise",
            "release",
            str(EXERCISES / SLUG),
            "-o",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    copy = tmp_path / SLUG
    assert not (copy / "solution").exists() and not (copy / "tests" / "hidden").exists()
    assert not (copy / "wrong").exists() and not (copy / "alternatives").exists()
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(copy / "starter" / "network.py", work / "network.py")
    done = subprocess.run(
        [sys.executable, "-m", "grader", "exercise", "check", str(copy), str(work / "network.py")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "accuracy on the 50 held-out points" in done.stdout
