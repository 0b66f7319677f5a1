"""Diagnose the stalled network (see README.md)."""

import torch


def gradient_norms(
    weights: list[torch.Tensor], biases: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor
) -> list[float]:
    """Frobenius norm of the gradient of the mean BCE loss with respect to each weight matrix."""
    raise NotImplementedError("write gradient_norms")


def relative_change(before: list[torch.Tensor], after: list[torch.Tensor]) -> list[float]:
    """||after[i] - before[i]|| / ||before[i]|| for every layer i."""
    raise NotImplementedError("write relative_change")


def diagnose(grad_norms: list[float], changes: list[float], losses: list[float]) -> dict:
    """{"vanishing": [indices of vanishing layers], "stalled": bool} (see README.md)."""
    return {"vanishing": [], "stalled": False}
