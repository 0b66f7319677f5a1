"""Wrong: a sign slip in the derivative (s * (1 + s) instead of s * (1 - s))."""

import torch


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    small = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


def sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    s = sigmoid(x)
    return s * (1.0 + s)


def chain_derivative(x: torch.Tensor, depth: int) -> torch.Tensor:
    grad = torch.ones_like(x)
    a = x
    for _ in range(depth):
        grad = grad * sigmoid_derivative(a)
        a = sigmoid(a)
    return grad
