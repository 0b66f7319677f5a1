"""A test that hangs in the judge (a bug in the test) is given up on; grading goes on."""

from __future__ import annotations

from pathlib import Path

from grader.exercise.load import load_exercise
from grader.runner.judge import JUDGE_GRACE_S, Grader
from grader.runner.judge.session import WALL_FACTOR, WALL_SLACK_S

TESTS = '''
import threading


def test_waits_forever(submission):
    """a test that blocks in the judge itself"""
    threading.Event().wait()


def test_after_it(submission):
    """the next test still runs"""
    assert submission.answer() == 42
'''


def test_a_hanging_test_is_abandoned_and_the_next_one_runs(tmp_path: Path) -> None:
    folder = tmp_path / "ex"
    (folder / "starter").mkdir(parents=True)
    (folder / "tests" / "public").mkdir(parents=True)
    (folder / "exercise.yaml").write_text(
        "id: watchdog\ntitle: Watchdog\nentry: code.py\nlimits: {time_s: 0.3, total_time_s: 10}\n"
    )
    (folder / "starter" / "code.py").write_text("")
    (folder / "tests" / "public" / "test_hang.py").write_text(TESTS)
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "code.py").write_text("def answer():\n    return 42\n")
    with Grader(load_exercise(folder), include_hidden=False) as grader:
        result = grader.grade(sub)
    first, second = result.tests
    assert first.status == "timeout" and "a problem with the test itself" in first.message
    # The jail's limit is CPU time backed by the wall clock: 0.3 s * WALL_FACTOR + slack.
    assert (first.duration_s or 0) < 0.3 * WALL_FACTOR + WALL_SLACK_S + JUDGE_GRACE_S + 1
    assert second.status == "passed"
