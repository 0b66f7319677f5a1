"""Correct, another way: numpy in float64 on channels-last data, cast back at the end."""

import numpy as np
import torch


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    dtype = x.dtype
    a = x.detach().numpy().astype(np.float64)
    # Channels last, everything else flattened into rows: (N, C) or (N * L, C).
    rows = (
        a.reshape(-1, a.shape[1]) if a.ndim == 2 else a.transpose(0, 2, 1).reshape(-1, a.shape[1])
    )
    rm = running_mean.detach().numpy().astype(np.float64)
    rv = running_var.detach().numpy().astype(np.float64)
    if training:
        if rows.shape[0] < 2:
            raise ValueError("need at least two values per channel to train")
        mu, sigma2 = rows.mean(axis=0), rows.var(axis=0)  # np.var divides by N
        new_rm = (1 - momentum) * rm + momentum * mu
        new_rv = (1 - momentum) * rv + momentum * rows.var(axis=0, ddof=1)
    else:
        mu, sigma2, new_rm, new_rv = rm, rv, rm, rv
    g = gamma.detach().numpy().astype(np.float64)
    b = beta.detach().numpy().astype(np.float64)
    out = (rows - mu) / np.sqrt(sigma2 + eps) * g + b
    if a.ndim == 3:
        out = out.reshape(a.shape[0], a.shape[2], a.shape[1]).transpose(0, 2, 1)

    def back(v):
        return torch.from_numpy(np.ascontiguousarray(v)).to(dtype)

    return back(out), back(new_rm), back(new_rv)
