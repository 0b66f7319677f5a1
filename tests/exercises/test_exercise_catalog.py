"""Every exercise declares what `grader exercise list` shows: topics and a measured grading time.

The recorded `grade_time_s` is checked against a real grade of the reference solution, loosely
(a factor of 3 and a couple of seconds either way), so that a busy machine cannot fail it but a
figure that was guessed, or measured before the tests grew tenfold, does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.exercise.load import load_exercise

EXERCISES = Path(__file__).resolve().parents[2] / "exercises"
SLUGS = sorted(p.parent.name for p in EXERCISES.glob("*/exercise.yaml"))


@pytest.mark.parametrize("slug", SLUGS)
def test_exercises_declare_topics_and_grading_time(slug: str) -> None:
    ex = load_exercise(EXERCISES / slug)
    assert ex.tags, f"exercises/{slug}/exercise.yaml: add `tags:` (topics shared with the quizzes)"
    assert ex.grade_time_s is not None, (
        f"exercises/{slug}/exercise.yaml: record `grade_time_s` "
        "(python benchmarks/bench_exercise_times.py " + slug + ")"
    )


@pytest.mark.parametrize("slug", SLUGS)
def test_exercises_recorded_grading_time_matches_a_measurement(prover, slug: str) -> None:
    p = prover(slug)
    recorded = p.exercise.grade_time_s
    if recorded is None:
        pytest.skip("no grade_time_s recorded (the test above fails for it)")
    measured = p.grade(p.solution()).duration_s
    if measured > 3 * recorded + 2:  # the first grade may have paid for starting the zygote
        measured = min(measured, p.grade(p.solution()).duration_s)
    assert measured <= 3 * recorded + 2, f"{slug}: recorded {recorded} s, measured {measured:.2f} s"
    assert recorded <= 3 * measured + 1, f"{slug}: recorded {recorded} s, measured {measured:.2f} s"
