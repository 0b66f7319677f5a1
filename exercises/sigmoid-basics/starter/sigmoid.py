"""Sigmoid basics: implement the three functions below (see README.md)."""

import torch


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """Element-wise logistic sigmoid, finite for any input."""
    raise NotImplementedError("write sigmoid")


def sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    """Element-wise slope of the sigmoid at x."""
    raise NotImplementedError("write sigmoid_derivative")


def chain_derivative(x: torch.Tensor, depth: int) -> torch.Tensor:
    """d/dx of sigmoid applied `depth` times to x."""
    raise NotImplementedError("write chain_derivative")
