"""The training exercises' vocabulary: located one-line errors, depth counting, building,
deterministic training; and the authoring guide's example runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from grader.exercise import arch, training

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "authoring-exercises.md"


def relu_stack(hidden: int = 9) -> dict[str, Any]:
    layers: list[dict[str, Any]] = []
    width = 2
    for _ in range(hidden):
        layers += [{"type": "linear", "in": width, "out": 8, "init": "he_normal"}, {"type": "relu"}]
        width = 8
    layers.append({"type": "linear", "in": width, "out": 1})
    return {"layers": layers, "batch_size": 50, "epochs": 2}


def test_a_valid_spec_counts_its_hidden_layers() -> None:
    spec = arch.validate(relu_stack(9), min_hidden=9)
    assert spec.hidden_layers == 9
    assert spec.steps(200) == 8


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda s: s["layers"][2].update({"in": 5}),
            'layers[2]: linear "in" is 5 but the width here is 8',
        ),
        (
            lambda s: s["layers"][1].update({"type": "swish"}),
            "layers[1]: unknown layer type 'swish'",
        ),
        (lambda s: s["layers"][0].update({"init": "zeros"}), "layers[0]: unknown init 'zeros'"),
        (
            lambda s: s["layers"][0].update({"gain": 0.0}),
            'layers[0]: "gain" is 0; it must be between',
        ),
        (
            lambda s: s["layers"][0].update({"out": True}),
            'layers[0]: "out" must be a whole number, not True',
        ),
        (
            lambda s: s["layers"].append({"type": "sigmoid"}),
            "layers[19]: the network must end with a linear",
        ),
        (lambda s: s.update(epochs=1000), 'spec: "epochs" is 1000; it must be between 1 and 200'),
        (lambda s: s.update(epochs=200, batch_size=8), "is 5000 optimizer steps on 200 points"),
        (lambda s: s.update(optimizer={"name": "adam", "momentum": 0.9}), '"momentum" is for sgd'),
        (
            lambda s: s.update(optimizer={"name": "adam", "lr": float("nan")}),
            '"lr" must be a number, not nan',
        ),
        (lambda s: s.update(grad_norms=[1.0]), 'spec: unknown key "grad_norms"'),
    ],
)
def test_bad_specs_get_one_located_line(edit: Any, message: str) -> None:
    raw = relu_stack(9)
    edit(raw)
    with pytest.raises(arch.SpecError) as info:
        arch.validate(raw)
    text = str(info.value)
    assert "\n" not in text
    assert message in text, text


def test_a_residual_block_cannot_hide_a_long_stack() -> None:
    inner: list[dict[str, Any]] = []
    for _ in range(3):
        inner += [{"type": "linear", "in": 8, "out": 8}, {"type": "relu"}]
    raw = {
        "layers": [
            {"type": "linear", "in": 2, "out": 8},
            {"type": "residual", "layers": inner},
            {"type": "linear", "in": 8, "out": 1},
        ]
    }
    with pytest.raises(arch.SpecError, match=r"layers\[1\]: a residual block may hold at most 2"):
        arch.validate(raw)
    raw["layers"][1]["layers"] = inner[:4]
    spec = arch.validate(raw)
    assert spec.hidden_layers == 3
    assert spec.linear_paths == [
        "layers[0]",
        "layers[1].layers[0]",
        "layers[1].layers[2]",
        "layers[2]",
    ]


def test_training_is_deterministic_and_restores_torch() -> None:
    import torch

    threads = torch.get_num_threads()
    torch.manual_seed(123)
    expected_next = torch.rand(1)
    torch.manual_seed(123)
    spec = arch.validate(relu_stack(3))
    x, y, _, _ = training.moons_split()
    first = training.train(spec, x, y, seed=4)
    assert torch.rand(1) == expected_next  # the caller's RNG stream is untouched
    assert torch.get_num_threads() == threads
    assert not torch.are_deterministic_algorithms_enabled()
    second = training.train(spec, x, y, seed=4)
    assert first.losses == second.losses and first.initial_grad_norms == second.initial_grad_norms
    assert len(first.initial_grad_norms) == 4


def test_two_moons_is_the_lessons_data() -> None:
    x, y = training.two_moons()
    assert x.shape == (250, 2) and y.shape == (250,)
    assert sorted(set(y.tolist())) == [0.0, 1.0] and y.sum() == 125
    x_train, _, x_held, _ = training.moons_split()
    assert len(x_train) == 200 and len(x_held) == 50


def test_the_guides_training_example_runs() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    found = re.findall(r"^```python\n# training helpers example\n(.*?)^```", text, re.S | re.M)
    assert len(found) == 1
    exec(compile(found[0], str(GUIDE), "exec"), {})
