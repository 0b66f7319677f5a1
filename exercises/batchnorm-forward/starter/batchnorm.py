"""Batch normalization, forward pass: implement batchnorm_forward (see README.md)."""

import torch


def batchnorm_forward(
    x: torch.Tensor,
    gamma: torch.Tensor,
    beta: torch.Tensor,
    running_mean: torch.Tensor,
    running_var: torch.Tensor,
    training: bool,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Normalise x of shape (N, C) or (N, C, L) per channel, as torch.nn.BatchNorm1d does.

    Returns (y, new_running_mean, new_running_var). In training mode y uses the batch's
    statistics and the running ones move towards them by `momentum`; in eval mode y uses
    the running statistics, which are returned unchanged.
    """
    raise NotImplementedError("write batchnorm_forward")
