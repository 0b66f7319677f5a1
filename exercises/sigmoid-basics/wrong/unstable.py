"""Wrong: the textbook formula rearranged as e^x / (1 + e^x), which gives inf/inf = nan
for large positive x."""

import torch


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    e = torch.exp(x)
    return e / (1.0 + e)


def sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    s = sigmoid(x)
    return s * (1.0 - s)


def chain_derivative(x: torch.Tensor, depth: int) -> torch.Tensor:
    grad = torch.ones_like(x)
    a = x
    for _ in range(depth):
        grad = grad * sigmoid_derivative(a)
        a = sigmoid(a)
    return grad
