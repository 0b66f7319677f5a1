"""Correct, another way: sigma(x) = exp(-softplus(-x)) through torch.logaddexp (log-sum-exp,
stable for any x), the derivative in log space, and the chain left to autograd."""

import torch


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    zero = torch.zeros_like(x)
    return torch.exp(-torch.logaddexp(zero, -x))


def sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    # log sigma'(x) = log sigma(x) + log sigma(-x) = -softplus(-x) - softplus(x)
    zero = torch.zeros_like(x)
    return torch.exp(-torch.logaddexp(zero, -x) - torch.logaddexp(zero, x))


def chain_derivative(x: torch.Tensor, depth: int) -> torch.Tensor:
    with torch.enable_grad():
        leaf = x.detach().clone().requires_grad_(True)
        out = leaf
        for _ in range(depth):
            out = sigmoid(out)
        (grad,) = torch.autograd.grad(out.sum(), leaf)
    return grad.detach()
