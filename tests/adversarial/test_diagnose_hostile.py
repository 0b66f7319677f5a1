"""Hostile submissions to diagnose-stalled-network: none earns what it did not earn honestly.

The judge measures the network itself and passes its own numbers to the student's
``diagnose``; the student's gradient norms and weight changes are compared with the judge's
computation in the judge. So a diagnosis memorised for the lesson's numbers, an answer
whose ``==`` is always true, patched comparison functions in the jail, a jail that quits
in the middle or an answer of a million entries all get the verdict of the honest work
they contain.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.runner.judge import Grader
from tests.adversarial._judged import failing, grade_source, warm_grader

REPO = Path(__file__).resolve().parents[2]
EXERCISE = REPO / "exercises" / "diagnose-stalled-network"
SOLUTION = (EXERCISE / "solution" / "diagnose.py").read_text()
SQUARED = (EXERCISE / "wrong" / "squared_norm.py").read_text()
DIAGNOSIS = {
    "test_diagnose_reads_the_gradients",
    "test_diagnosis_under_adam",
    "test_diagnosis_under_sgd",
    "test_diagnosis_of_other_networks",
}
NORMS = {"test_gradient_norms_of_a_small_net", "test_gradient_norms_of_the_stalled_net"}

HOSTILE: dict[str, tuple[str, tuple[set[str], float]]] = {
    # The lesson's diagnosis whenever ten layers come in: right for the lesson's network
    # under both optimizers, wrong for another ten-layer start.
    "a diagnosis memorised for the lesson's network": (
        SOLUTION
        + """
_honest = diagnose

def diagnose(grad_norms, changes, losses):
    if len(grad_norms) == 10:
        return {"vanishing": [0, 1, 2, 3, 4], "stalled": True}
    return _honest(grad_norms, changes, losses)
""",
        ({"test_diagnosis_of_other_networks"}, 11.0),
    ),
    "an answer whose == is always true": (
        SOLUTION
        + """
class _Yes(dict):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = None

def diagnose(grad_norms, changes, losses):
    return _Yes()
""",
        (DIAGNOSIS, 6.0),
    ),
    "comparisons patched in the jail, with squared norms": (
        SQUARED
        + """
import numpy, torch, torch.testing, math
torch.allclose = lambda *a, **k: True
torch.testing.assert_close = lambda *a, **k: None
numpy.testing.assert_allclose = lambda *a, **k: None
math.isclose = lambda *a, **k: True
try:
    import grader.exercise.api as api
    api.assert_close = lambda *a, **k: None
except Exception:
    pass
""",
        (NORMS, 8.0),
    ),
    "a fake pass printed, then the jail quits while diagnosing": (
        SOLUTION
        + """
import os

def diagnose(grad_norms, changes, losses):
    print("12/12 passed; score 12.0/12.0", flush=True)
    os._exit(0)
""",
        (DIAGNOSIS, 6.0),
    ),
    "a million vanishing layers": (
        SOLUTION
        + """
def diagnose(grad_norms, changes, losses):
    return {"vanishing": list(range(10**6)), "stalled": True}
""",
        (DIAGNOSIS, 6.0),
    ),
    "the judge's numbers changed in place before diagnosing them": (
        SOLUTION
        + """
_honest = diagnose

def diagnose(grad_norms, changes, losses):
    grad_norms[:] = [1.0] * len(grad_norms)  # the jail's own copy: the judge keeps its own
    losses[:] = [0.1] * len(losses)
    return _honest(grad_norms, changes, losses)
""",
        (DIAGNOSIS, 6.0),
    ),
}


@pytest.fixture(scope="module")
def grader() -> Iterator[Grader]:
    yield from warm_grader(EXERCISE)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_diagnosis_submission(grader: Grader, name: str) -> None:
    source, (fails, score) = HOSTILE[name]
    result = grade_source(grader, source)
    assert failing(result) == fails, [(t.id, t.status, t.message) for t in result.tests]
    assert result.score == score
    assert "12/12 passed" not in "".join(t.message or "" for t in result.tests)


def test_the_reference_gets_full_marks_beside_them(grader: Grader) -> None:
    """The control: the same warm judge gives the honest solution every point."""
    result = grade_source(grader, SOLUTION)
    assert failing(result) == set() and result.score == result.max_score == 12.0
