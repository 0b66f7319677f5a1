"""Correct, another way: sigma(x) = (1 + tanh(x / 2)) / 2, which no input can overflow, and
sigma'(x) = (1 - tanh(x / 2)^2) / 4; the chain as a recursion over the depth."""

import torch


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    return 0.5 * (1.0 + torch.tanh(0.5 * x))


def sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    t = torch.tanh(0.5 * x)
    return 0.25 * (1.0 - t * t)


def chain_derivative(x: torch.Tensor, depth: int) -> torch.Tensor:
    # d/dx s^depth(x) = s'(x) * (d/du s^(depth-1))(u) at u = s(x)
    if depth == 0:
        return torch.ones_like(x)
    return sigmoid_derivative(x) * chain_derivative(sigmoid(x), depth - 1)
