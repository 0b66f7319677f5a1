"""Public tests: students run these with `grader exercise check`."""

import torch

from grader.exercise.api import assert_close, points


@points(1)
def test_sigmoid_at_zero(submission):
    """sigmoid(0) is 0.5"""
    x = torch.tensor(0.0)
    assert_close(submission.sigmoid(x), 0.5, what="sigmoid(0)", like=x)


@points(1)
def test_sigmoid_keeps_shape_and_dtype(submission):
    """sigmoid keeps the shape and dtype of its input"""
    x = torch.linspace(-3, 3, 6, dtype=torch.float64).reshape(2, 3)
    y = submission.sigmoid(x)
    assert isinstance(y, torch.Tensor), f"sigmoid should return a tensor, not {type(y).__name__}"
    assert tuple(y.shape) == (2, 3), f"expected shape (2, 3), got {tuple(y.shape)}"
    assert y.dtype == torch.float64, f"expected dtype float64, got {y.dtype}"


@points(1)
def test_derivative_at_zero(submission):
    """the slope of sigmoid at 0 is 0.25"""
    x = torch.tensor(0.0)
    assert_close(submission.sigmoid_derivative(x), 0.25, what="sigmoid'(0)", like=x)
