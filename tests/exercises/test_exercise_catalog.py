"""Every exercise declares what `grader exercise list` shows: topics and a measured grading time.

The recorded `grade_time_s` is checked against a real grade of the reference solution, loosely
(a factor of 3 and a second either way), so that a figure that was guessed, or measured
before the tests grew tenfold, fails. A busy machine must not fail it, so the measurement is
divided by how slow the machine is right now: the wall-clock time a fixed amount of CPU work
takes in this process, over that CPU time (1 on an idle core, 5 when five processes share
it), taken just before and just after grading.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from grader.exercise.load import load_exercise

EXERCISES = Path(__file__).resolve().parents[2] / "exercises"
SLUGS = sorted(p.parent.name for p in EXERCISES.glob("*/exercise.yaml"))


def _warm_time(p) -> float:
    """The reference's grading time, the faster of two (the first may start the zygote).

    Only a full-marks grade is a measurement: a grade that broke early is fast and says
    nothing about the figure recorded. Both grades train afresh.
    """
    from grader.exercise import training

    times = []
    for _ in range(2):
        # A judge remembers the trainings of specs it has seen (a class hands in many
        # copies of one fix): measure a spec it has not seen.
        training._MEMO.clear()
        result = p.grade(p.solution())
        assert result.score == result.max_score, [
            (t.name, t.status, t.message[:300]) for t in result.tests if t.score < t.max_score
        ]
        times.append(result.duration_s)
    return min(times)


def _slowdown(cpu_seconds: float = 0.2) -> float:
    """Wall-clock over CPU time of a busy loop: how much of a core this process gets now."""
    wall, cpu = time.perf_counter(), time.process_time()
    while time.process_time() - cpu < cpu_seconds:
        sum(range(10_000))
    return max(1.0, (time.perf_counter() - wall) / (time.process_time() - cpu))


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
    before = _slowdown()
    measured = _warm_time(p)
    slowdown = max(before, _slowdown())
    detail = (
        f"{slug}: recorded {recorded} s, measured {measured:.2f} s (machine {slowdown:.1f}x slow)"
    )
    assert measured / slowdown <= 3 * recorded + 1, detail
    assert recorded <= 3 * measured + 1, detail
