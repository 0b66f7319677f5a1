"""Wrong: the chain rule evaluates every layer's slope at x itself, sigma'(x) ** depth,
instead of at each layer's own input."""

import torch


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    small = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


def sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    s = sigmoid(x)
    return s * (1.0 - s)


def chain_derivative(x: torch.Tensor, depth: int) -> torch.Tensor:
    return sigmoid_derivative(x) ** depth
