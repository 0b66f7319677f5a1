"""Every exercise declares what `grader exercise list` shows: topics and a measured grading time.

The recorded `grade_time_s` is checked against a real grade of the reference solution, loosely
(a factor of 3 and a second or two either way), so that a figure that was guessed, or measured
before the tests grew tenfold, fails. A busy machine must not fail it, so the measurement is
divided by how much slower than recorded the calibration exercise (sigmoid-basics) grades in
the same run: ratios against a baseline measured at the same moment, as the benchmarks do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.exercise.load import load_exercise

EXERCISES = Path(__file__).resolve().parents[2] / "exercises"
SLUGS = sorted(p.parent.name for p in EXERCISES.glob("*/exercise.yaml"))
CALIBRATION = "sigmoid-basics"


def _warm_time(p) -> float:
    """The reference's grading time, the faster of two (the first may start the zygote)."""
    return min(p.grade(p.solution()).duration_s for _ in range(2))


@pytest.fixture(scope="module")
def slowdown(prover) -> float:
    """How much slower than its recorded time the calibration exercise grades right now."""
    p = prover(CALIBRATION)
    recorded = p.exercise.grade_time_s
    assert recorded is not None
    return max(1.0, _warm_time(p) / recorded)


@pytest.mark.parametrize("slug", SLUGS)
def test_exercises_declare_topics_and_grading_time(slug: str) -> None:
    ex = load_exercise(EXERCISES / slug)
    assert ex.tags, f"exercises/{slug}/exercise.yaml: add `tags:` (topics shared with the quizzes)"
    assert ex.grade_time_s is not None, (
        f"exercises/{slug}/exercise.yaml: record `grade_time_s` "
        "(python benchmarks/bench_exercise_times.py " + slug + ")"
    )


@pytest.mark.parametrize("slug", SLUGS)
def test_exercises_recorded_grading_time_matches_a_measurement(
    prover, slowdown: float, slug: str
) -> None:
    p = prover(slug)
    recorded = p.exercise.grade_time_s
    if recorded is None:
        pytest.skip("no grade_time_s recorded (the test above fails for it)")
    measured = _warm_time(p)
    detail = (
        f"{slug}: recorded {recorded} s, measured {measured:.2f} s (machine {slowdown:.1f}x slow)"
    )
    assert measured / slowdown <= 3 * recorded + 1, detail
    assert recorded <= 3 * measured + 1, detail
