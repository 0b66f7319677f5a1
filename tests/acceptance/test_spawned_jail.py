"""The portable jail (a spawned interpreter, as on Windows), forced with GRADER_JAIL=spawn."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.exercise.load import load_exercise
from grader.runner.judge import Grader

EXERCISE = Path(__file__).resolve().parents[2] / "exercises" / "sigmoid-basics"

# Loops only on a 0-d input (the first public test); everything else is right.
LOOPS_ONCE = """
import torch

def sigmoid(x):
    while x.dim() == 0:
        pass
    z = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, 1 / (1 + z), z / (1 + z))

def sigmoid_derivative(x):
    s = sigmoid(x.reshape(-1)).reshape(x.shape)
    return s * (1 - s)

def chain_derivative(x, depth):
    g, a = torch.ones_like(x), x
    for _ in range(depth):
        g, a = g * sigmoid_derivative(a), sigmoid(a)
    return g
"""


@pytest.fixture
def spawn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADER_JAIL", "spawn")


def test_a_wrong_solution_scores_the_same_in_a_spawned_jail(spawn: None, tmp_path: Path) -> None:
    shutil.copyfile(EXERCISE / "wrong" / "unstable.py", tmp_path / "sigmoid.py")
    with Grader(load_exercise(EXERCISE)) as grader:
        result = grader.grade(tmp_path)
    assert result.score == 9.0 and result.isolation == "rlimits"
    assert result.extra["sandbox"].get("spawned") is True


def test_a_timeout_kills_the_spawned_jail_and_the_rest_is_graded(
    spawn: None, tmp_path: Path
) -> None:
    (tmp_path / "sigmoid.py").write_text(LOOPS_ONCE)
    with Grader(load_exercise(EXERCISE), include_hidden=False) as grader:
        result = grader.grade(tmp_path)
    statuses = [t.status for t in result.tests]
    assert statuses == ["timeout", "passed", "passed"], [t.message for t in result.tests]
    assert "sigmoid() used more than its 2 s of CPU time" in result.tests[0].message
    assert "sigmoid.py line 5, in sigmoid()" in result.tests[0].message


def test_an_ended_spawned_jail_never_closes_a_number_someone_else_now_holds(
    tmp_path: Path,
) -> None:
    """A jail's pipes are closed once. Were they closed again when the ended jail is
    collected, the numbers might by then be a neighbour's socket or status pipe (in a
    batch, a thread grading beside it), and that neighbour's grade would break."""
    import gc
    import os

    from grader.runner.judge.spawn import SpawnSession
    from grader.runner.limits import JailSpec

    (tmp_path / "scratch").mkdir()
    (tmp_path / "root").mkdir()
    shutil.copyfile(EXERCISE / "solution" / "sigmoid.py", tmp_path / "scratch" / "sigmoid.py")
    spec = JailSpec(
        scratch=str(tmp_path / "scratch"),
        root=str(tmp_path / "root"),
        entry="sigmoid.py",
        max_level="rlimits",
    )
    session = SpawnSession(spec)
    session.start()
    session.close()
    session.close()  # twice, as an error path may: still once for the numbers
    session.capture.join(5)
    held = [os.pipe() for _ in range(16)]  # takes the numbers the jail gave back
    del session
    gc.collect()
    try:
        for r, w in held:
            os.fstat(r)  # EBADF: the ended jail closed a bystander's pipe
            os.fstat(w)
    finally:
        for r, w in held:
            os.close(r)
            os.close(w)
