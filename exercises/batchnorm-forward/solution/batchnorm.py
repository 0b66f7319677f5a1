"""Reference solution for batchnorm-forward (never released to students)."""

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
    # Statistics are per channel (dim 1), over the batch and, for (N, C, L), the length.
    dims = [0] if x.dim() == 2 else [0, 2]
    shape = [1, -1] if x.dim() == 2 else [1, -1, 1]
    if training:
        count = x.numel() // x.shape[1]
        if count < 2:
            raise ValueError("training needs more than one value per channel")
        mean = x.mean(dim=dims)
        # Two passes (subtract the mean first): E[x^2] - E[x]^2 cancels catastrophically.
        var = (x - mean.reshape(shape)).pow(2).mean(dim=dims)
        new_mean = (1 - momentum) * running_mean + momentum * mean
        # The running variance estimates the population: unbiased, n / (n - 1).
        new_var = (1 - momentum) * running_var + momentum * var * count / (count - 1)
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = running_mean.clone(), running_var.clone()
    x_hat = (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape), new_mean, new_var
