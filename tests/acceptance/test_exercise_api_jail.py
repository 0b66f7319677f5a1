"""The test API's checks through a real jail: in-place changes, forbidden built-ins, and
0-d values that keep their shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.exercise.load import load_exercise
from grader.report.model import Result
from grader.runner.judge import Grader

EXERCISE_YAML = """
id: api-checks
title: API checks
entry: f.py
limits: {time_s: 5, total_time_s: 30}
"""

TESTS = """
import numpy as np
import torch
from grader.exercise.api import assert_close, call_keeping_inputs, uses_of

def test_double_keeps_its_input(submission):
    x = torch.tensor([1.0, 2.0])
    y = call_keeping_inputs(submission.double, x)
    assert_close(y, torch.tensor([2.0, 4.0]), like=x)

def test_no_builtin_sigmoid(source):
    found = uses_of(source, ["torch.sigmoid", ".sigmoid"])
    assert not found, "write sigmoid yourself; found " + ", ".join(found)

def test_zero_d_results_keep_their_shape(submission):
    value = submission.half(np.float32(3.0))
    assert type(value) is np.float32, type(value)
    arr = submission.half(np.array(3.0))
    assert isinstance(arr, np.ndarray) and arr.shape == (), arr
"""

HONEST = """
import numpy as np
import torch
def double(x):
    return x * 2
def half(v):
    return v / 2 if isinstance(v, np.generic) else np.asarray(v / 2)
"""

IN_PLACE = """
import numpy as np
import torch
def double(x):
    x.mul_(2)
    return x
def half(v):
    return v / 2 if isinstance(v, np.generic) else np.asarray(v / 2)
def helper(x):
    return torch.sigmoid(x)
"""


@pytest.fixture(scope="module")
def judge(tmp_path_factory: pytest.TempPathFactory) -> Grader:
    root = tmp_path_factory.mktemp("ex") / "api-checks"
    (root / "tests" / "public").mkdir(parents=True)
    (root / "tests" / "hidden").mkdir()
    (root / "solution").mkdir()
    (root / "exercise.yaml").write_text(EXERCISE_YAML)
    (root / "tests" / "hidden" / "test_api.py").write_text(TESTS)
    (root / "tests" / "public" / "test_nothing.py").write_text("def test_ok():\n    pass\n")
    (root / "solution" / "f.py").write_text(HONEST)
    (root / "starter").mkdir()
    (root / "starter" / "f.py").write_text("def double(x):\n    raise NotImplementedError\n")
    return Grader(load_exercise(root))


def _grade(judge: Grader, tmp_path: Path, source: str) -> Result:
    (tmp_path / "f.py").write_text(source)
    return judge.grade(tmp_path)


def test_honest_code_passes_every_check(judge: Grader, tmp_path: Path) -> None:
    result = _grade(judge, tmp_path, HONEST)
    assert result.score == result.max_score, [(t.name, t.message) for t in result.tests]


def test_in_place_changes_and_builtins_are_caught(judge: Grader, tmp_path: Path) -> None:
    result = _grade(judge, tmp_path, IN_PLACE)
    by_name = {str(t.id).split("::")[1]: t for t in result.tests}
    assert by_name["test_double_keeps_its_input"].status == "failed"
    assert "changed its argument 1 in place" in by_name["test_double_keeps_its_input"].message
    assert by_name["test_no_builtin_sigmoid"].status == "failed"
    assert "f.py line 10: torch.sigmoid" in by_name["test_no_builtin_sigmoid"].message
    assert by_name["test_zero_d_results_keep_their_shape"].status == "passed"
