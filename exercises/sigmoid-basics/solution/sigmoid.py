"""Reference solution for sigmoid-basics (never released to students)."""

import torch


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    # exp(-|x|) is at most 1, so neither branch can overflow; each branch is the
    # algebraically equal form of 1 / (1 + exp(-x)) for its sign of x.
    small = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


def sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    s = sigmoid(x)
    return s * (1.0 - s)


def chain_derivative(x: torch.Tensor, depth: int) -> torch.Tensor:
    # Walk forward through the layers, multiplying the slope at each layer's own input.
    grad = torch.ones_like(x)
    a = x
    for _ in range(depth):
        grad = grad * sigmoid_derivative(a)
        a = sigmoid(a)
    return grad
