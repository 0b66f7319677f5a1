"""Wrong: loops over the values with math.exp, which flattens the shape, loses the dtype
and overflows for large negative inputs."""

import math

import torch


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    return torch.tensor([1.0 / (1.0 + math.exp(-v)) for v in x.flatten().tolist()])


def sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    s = sigmoid(x)
    return s * (1.0 - s)


def chain_derivative(x: torch.Tensor, depth: int) -> torch.Tensor:
    grad = torch.ones(x.numel())
    a = x
    for _ in range(depth):
        grad = grad * sigmoid_derivative(a)
        a = sigmoid(a)
    return grad
