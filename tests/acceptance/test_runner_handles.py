"""Objects that are not data stay in the jail behind handles the judge can drive."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.exercise.load import load_exercise
from grader.report.model import Result
from grader.runner.judge import Grader

EXERCISE_YAML = """
id: handles
title: Handles to student objects
entry: model.py
limits: {time_s: 2, total_time_s: 20}
"""

TESTS = '''
import pytest
import torch

from grader.exercise.api import StudentError, assert_close, points


def test_module_forward_and_parameters(submission):
    """an nn.Module built in the jail is called from the judge"""
    model = submission.make_model(3, 2)
    out = model(torch.ones(4, 3))
    assert out.shape == (4, 2)
    params = list(model.parameters())
    assert [tuple(p.shape) for p in params] == [(2, 3), (2,)]
    assert model.training is True
    model.eval()
    assert model.training is False


def test_generator_and_len(submission):
    """a generator and a sized object are iterated and measured through their handles"""
    assert list(submission.countdown(3)) == [3, 2, 1]
    box = submission.Box([1, 2, 3])
    assert len(box) == 3 and box[1] == 2


def test_handles_can_be_passed_back(submission):
    """a handle sent back to the jail is the same object there"""
    box = submission.Box([5])
    assert submission.total(box) == 5


@points(2)
def test_student_exceptions_can_be_expected(submission):
    """a test may expect the student's code to raise"""
    with pytest.raises(StudentError) as info:
        submission.checked_sqrt(-1.0)
    assert info.value.type_name == "ValueError" and "negative" in info.value.message


def test_assert_close_reports_a_handle_clearly(submission):
    """a non-data return value fails with a readable message, never a crash"""
    assert_close(submission.make_model(1, 1), 0.0)
'''

SUBMISSION = """
import math
import torch
from torch import nn


def make_model(n_in, n_out):
    torch.manual_seed(0)
    return nn.Linear(n_in, n_out)


def countdown(n):
    while n:
        yield n
        n -= 1


class Box:
    def __init__(self, items):
        self.items = list(items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def total(box):
    return sum(box.items)


def checked_sqrt(x):
    if x < 0:
        raise ValueError("negative input")
    return math.sqrt(x)
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Result]:
    root = tmp_path_factory.mktemp("handles")
    folder = root / "handles"
    (folder / "starter").mkdir(parents=True)
    (folder / "tests" / "public").mkdir(parents=True)
    (folder / "exercise.yaml").write_text(EXERCISE_YAML)
    (folder / "starter" / "model.py").write_text("")
    (folder / "tests" / "public" / "test_handles.py").write_text(textwrap.dedent(TESTS))
    sub = root / "sub"
    sub.mkdir()
    (sub / "model.py").write_text(SUBMISSION)
    with Grader(load_exercise(folder), include_hidden=False) as grader:
        yield grader.grade(Path(sub))


def _by_id(result: Result) -> dict[str, tuple[str, str]]:
    return {str(t.id).split("::")[1]: (t.status, t.message) for t in result.tests}


@pytest.mark.parametrize(
    "test",
    [
        "test_module_forward_and_parameters",
        "test_generator_and_len",
        "test_handles_can_be_passed_back",
        "test_student_exceptions_can_be_expected",
    ],
)
def test_handle_operations_work(result: Result, test: str) -> None:
    assert _by_id(result)[test][0] == "passed", _by_id(result)[test]


def test_a_handle_is_not_a_number(result: Result) -> None:
    status, message = _by_id(result)["test_assert_close_reports_a_handle_clearly"]
    assert status == "failed" and "expected a number or tensor, got a <student Linear" in message
    assert result.score == 5.0 and result.max_score == 6.0
