"""Correct, another way: Welford's one-pass running mean and variance, sample by sample,
with the unbiased estimate taken from the same sums."""

import torch


def _welford(rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, int]:
    """rows: (M, C). Returns the mean, the sum of squared deviations and M."""
    mean = torch.zeros(rows.shape[1], dtype=torch.float64)
    m2 = torch.zeros(rows.shape[1], dtype=torch.float64)
    for k, row in enumerate(rows.double(), start=1):
        delta = row - mean
        mean = mean + delta / k
        m2 = m2 + delta * (row - mean)
    return mean, m2, rows.shape[0]


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
    channels = x.shape[1]
    rows = x.movedim(1, -1).reshape(-1, channels)
    if training:
        if rows.shape[0] <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got {x.shape}")
        mean, m2, count = _welford(rows)
        var = m2 / count
        running_mean = torch.lerp(running_mean, mean.to(x.dtype), momentum)
        running_var = torch.lerp(running_var, (m2 / (count - 1)).to(x.dtype), momentum)
    else:
        mean, var = running_mean.double(), running_var.double()
    scale = gamma.double() / torch.sqrt(var + eps)
    shift = beta.double() - mean * scale
    y = rows.double() * scale + shift
    y = y.reshape(*x.movedim(1, -1).shape).movedim(-1, 1)
    return y.to(x.dtype), running_mean.clone(), running_var.clone()
