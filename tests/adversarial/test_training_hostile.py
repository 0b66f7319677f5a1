"""Hostile submissions to fix-stalled-network: each earns nothing it did not earn honestly.

The student's code only returns a spec (data); the judge validates it, builds the model,
trains and measures it in its own process. So a submission that fakes gradient norms or
accuracy, hides its layers behind a skip, or patches torch's optimizer in the jail gets
exactly the verdicts of the honest spec it returned, or a refusal when it returned
something outside the vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.runner.judge import Grader
from tests.adversarial._judged import failing, grade_source, warm_grader

REPO = Path(__file__).resolve().parents[2]
EXERCISE = REPO / "exercises" / "fix-stalled-network"
STARTER = (EXERCISE / "starter" / "network.py").read_text()
VOCABULARY = {"test_spec_is_in_the_vocabulary", "test_keeps_nine_hidden_layers"}
TRAINING = {
    "test_trains_on_the_lesson_moons",
    "test_accuracy_on_fresh_points",
    "test_gradient_reaches_the_first_layer",
    "test_learns_with_another_seed",
}
EVERYTHING = VOCABULARY | TRAINING

# The stalled starter, honestly graded, passes only the two vocabulary tests (2 points).
STALLED = (TRAINING, 2.0)
REFUSED = (EVERYTHING, 0.0)

HOSTILE: dict[str, tuple[str, tuple[set[str], float]]] = {
    "fake gradient norms and accuracy next to the spec": (
        STARTER.replace(
            '"epochs": 50,',
            '"epochs": 50, "grad_norms": [1.0] * 10, "accuracy": 1.0,',
        ),
        REFUSED,
    ),
    "functions that report perfect measurements": (
        STARTER
        + """
def gradient_norms(*args, **kwargs):
    return [1.0] * 10

def accuracy(*args, **kwargs):
    return 1.0

def predict(x):
    return [0.0] * len(x)
""",
        STALLED,
    ),
    "a torch module that memorises the labels and notices evaluation": (
        """
import torch

class Memoriser(torch.nn.Module):
    calls = 0
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(2, 1)
    def forward(self, x):
        Memoriser.calls += 1
        if not self.training:  # evaluation: answer from memory
            return torch.where(x[:, 1:2] < 0.25, 10.0, -10.0)
        return self.lin(x)

def build():
    return Memoriser()
""",
        REFUSED,
    ),
    "a dict subclass that changes its answer when read twice": (
        STARTER.replace("def build() -> dict:", "def _build() -> dict:")
        + """
class Shifty(dict):
    reads = 0
    def __getitem__(self, key):
        Shifty.reads += 1
        return super().__getitem__(key) if Shifty.reads < 3 else []
    def items(self):
        return [("layers", "nothing")]

def build():
    return Shifty(_build())
""",
        REFUSED,  # not plain data: it stays in the jail as a handle, and a handle is no spec
    ),
    "nine layers counted, eight of them inside one skip": (
        """
def build():
    inner = []
    for _ in range(8):
        inner += [{"type": "linear", "in": 10, "out": 10}, {"type": "sigmoid"}]
    first = [{"type": "linear", "in": 2, "out": 10, "init": "he_normal"}, {"type": "relu"}]
    return {"layers": first + [{"type": "residual", "layers": inner},
                       {"type": "linear", "in": 10, "out": 1}],
            "optimizer": {"name": "adam", "lr": 0.01}, "batch_size": 50, "epochs": 50}
""",
        REFUSED,
    ),
    "layers switched off with dropout 1 and zero gain": (
        """
def build():
    layers = [{"type": "linear", "in": 2, "out": 10, "init": "he_normal"}, {"type": "relu"}]
    for _ in range(8):
        layers += [{"type": "linear", "in": 10, "out": 10, "init": "he_normal", "gain": 0.0},
                   {"type": "dropout", "p": 1.0}]
    layers.append({"type": "linear", "in": 10, "out": 1})
    return {"layers": layers}
""",
        REFUSED,
    ),
    "monkeypatching torch's optimizer, loss and autograd in the jail": (
        """
import torch
import torch.nn.functional as F

class Teleport(torch.optim.Optimizer):
    def __init__(self, params, **kw):
        super().__init__(params, {})
    def step(self, closure=None):
        return None

torch.optim.Adam = torch.optim.SGD = Teleport
torch.optim.Optimizer.step = lambda self, closure=None: None
F.binary_cross_entropy_with_logits = lambda *a, **k: torch.tensor(0.0, requires_grad=True)
torch.Tensor.backward = lambda self, *a, **k: None
torch.Tensor.norm = lambda self, *a, **k: torch.tensor(1.0)
torch.manual_seed = lambda *a, **k: None
torch.use_deterministic_algorithms = lambda *a, **k: None
"""
        + STARTER,
        STALLED,
    ),
    "numbers that are not numbers": (
        STARTER.replace('"lr": 0.01', '"lr": float("nan")'),
        REFUSED,
    ),
    "booleans for sizes and a budget far beyond the limit": (
        STARTER.replace('"in": width', '"in": True if width == 2 else width').replace(
            '"epochs": 50', '"epochs": 10**6'
        ),
        REFUSED,
    ),
}


@pytest.fixture(scope="module")
def grader() -> Iterator[Grader]:
    yield from warm_grader(EXERCISE)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_training_submission(grader: Grader, name: str) -> None:
    source, (fails, score) = HOSTILE[name]
    result = grade_source(grader, source)
    assert failing(result) == fails, [(t.id, t.status, t.message) for t in result.tests]
    assert result.score == score


def test_the_judge_trains_the_same_after_a_patching_jail(grader: Grader) -> None:
    """The monkeypatching submission changes nothing in the judge: the starter's own
    messages (its accuracy and gradient ratio) come back word for word."""
    honest = grade_source(grader, STARTER)
    patched = grade_source(
        grader, HOSTILE["monkeypatching torch's optimizer, loss and autograd in the jail"][0]
    )
    assert [t.message for t in patched.tests] == [t.message for t in honest.tests]
