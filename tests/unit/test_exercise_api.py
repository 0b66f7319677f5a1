"""The checks every exercise gets from the test API: kinds, dtypes, honest differences,
inputs named in messages, in-place changes and forbidden built-ins."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from grader.exercise.api import assert_close, call_keeping_inputs, uses_of


def test_a_float64_result_for_a_float32_input_fails() -> None:
    x = torch.tensor([0.0, 1.0], dtype=torch.float32)
    expected = torch.sigmoid(x.to(torch.float64))  # computed in float64 by the judge
    with pytest.raises(AssertionError, match="expected dtype float32, got float64"):
        assert_close(torch.sigmoid(x).to(torch.float64), expected, like=x)
    assert_close(torch.sigmoid(x), expected, like=x)


def test_the_result_must_be_of_the_kind_of_the_input() -> None:
    x = torch.tensor(0.0)
    with pytest.raises(AssertionError, match=r"expected a tensor .* got a Python number"):
        assert_close(0.5, 0.5, like=x)
    with pytest.raises(AssertionError, match="expected a tensor"):
        assert_close(np.float32(0.5), torch.tensor(0.5), like=x)
    with pytest.raises(AssertionError, match="dtype float32"):
        assert_close(torch.tensor(0.5, dtype=torch.float64), 0.5, like=x)
    assert_close(torch.tensor(0.5), 0.5, like=x)


def test_an_array_for_a_tensor_is_compared_by_value_without_like() -> None:
    assert_close(np.array([1.0, 2.0]), torch.tensor([1.0, 2.0], dtype=torch.float64))


def test_an_infinite_difference_is_reported_as_infinite() -> None:
    with pytest.raises(AssertionError) as info:
        assert_close(torch.tensor([1.0, math.inf]), torch.tensor([1.0, 2.0]))
    assert "largest difference inf" in str(info.value)
    with pytest.raises(AssertionError) as info:
        assert_close(np.array([-math.inf]), np.array([math.inf]))
    assert "largest difference inf" in str(info.value)


def test_a_message_names_the_input_not_only_an_index() -> None:
    x = torch.tensor([0.0, 12.5, -3.0])
    with pytest.raises(AssertionError) as info:
        assert_close(torch.tensor([0.5, 0.9, 0.1]), torch.sigmoid(x), inputs=x)
    assert "at index (1,) (input 12.5)" in str(info.value)
    with pytest.raises(AssertionError, match="for input 4"):
        assert_close(torch.tensor(0.1), torch.tensor(0.9), inputs=torch.tensor(4.0))


def test_call_keeping_inputs_passes_plain_functions_through() -> None:
    # Outside a jail (the reference, a test's own check) there is nothing to compare.
    assert call_keeping_inputs(lambda t: t * 2, torch.ones(2)).tolist() == [2.0, 2.0]


SOURCE = {
    "sigmoid.py": (
        "import torch as T\nimport torch.nn.functional as F\nfrom torch import sigmoid as s\n"
        "def a(x):\n    return T.sigmoid(x)\n"
        "def b(x):\n    return F.sigmoid(x)\n"
        "def c(x):\n    return s(x)\n"
        "def d(x):\n    return x.sigmoid()\n"
        "def e(x):\n    return getattr(x, 'sigmoid')()\n"
        "def f(x):\n    return 1 / (1 + T.exp(-x))\n"
    ),
    "broken.py": "def (:\n",
}


def test_uses_of_follows_aliases_methods_and_getattr() -> None:
    names = ["torch.sigmoid", "torch.nn.functional.sigmoid", ".sigmoid"]
    found = uses_of(SOURCE, names)
    assert found == [
        "sigmoid.py line 5: torch.sigmoid",
        "sigmoid.py line 7: torch.nn.functional.sigmoid",
        "sigmoid.py line 9: torch.sigmoid",
        "sigmoid.py line 11: .sigmoid",
        "sigmoid.py line 13: getattr(..., 'sigmoid')",
    ]
    assert uses_of({"ok.py": "import torch\ndef f(x):\n    return torch.exp(x)\n"}, names) == []
