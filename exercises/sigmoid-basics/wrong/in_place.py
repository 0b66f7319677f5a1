"""Stable and correct, but sigmoid overwrites its input tensor in place to save memory."""

import torch


def sigmoid(x):
    z = torch.exp(-torch.abs(x))
    out = torch.where(x >= 0, 1 / (1 + z), z / (1 + z))
    x.copy_(out)  # the caller's tensor now holds sigmoid(x) too
    return x


def sigmoid_derivative(x):
    z = torch.exp(-torch.abs(x))
    s = torch.where(x >= 0, 1 / (1 + z), z / (1 + z))
    return s * (1 - s)


def chain_derivative(x, depth):
    grad, a = torch.ones_like(x), x.clone()
    for _ in range(depth):
        grad = grad * sigmoid_derivative(a)
        a = sigmoid(a.clone())
    return grad
