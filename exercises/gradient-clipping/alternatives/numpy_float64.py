"""Correct, another way: numpy, the scale computed in float64 from per-tensor norms."""

import math

import numpy as np
import torch


def _norm(values: np.ndarray, p: float) -> float:
    a = np.abs(values.astype(np.float64)).ravel()
    if a.size == 0:
        return 0.0
    if math.isinf(p):
        return float(a.max())
    return float(np.sum(a**p) ** (1.0 / p))


def clip_grad_value_(grads, clip_value):
    out = []
    for g in grads:
        if g is None:
            out.append(None)
            continue
        a = g.detach().numpy()
        out.append(torch.from_numpy(np.clip(a, -clip_value, clip_value)).to(g.dtype))
    return out


def clip_grad_norm_(grads, max_norm, norm_type=2.0, error_if_nonfinite=False):
    arrays = {i: g.detach().numpy() for i, g in enumerate(grads) if g is not None}
    if not arrays:
        return list(grads), torch.tensor(0.0)
    norms = np.array([_norm(a, norm_type) for a in arrays.values()])
    total = _norm(norms, norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"total norm {total} of order {norm_type} is not finite")
    # nan stays nan through min(), as it does through torch.clamp.
    scale = max_norm / (total + 1e-6)
    scale = scale if math.isnan(scale) else min(scale, 1.0)
    dtype = next(iter(arrays.values())).dtype
    out = [
        None
        if g is None
        else torch.from_numpy(arrays[i] * np.asarray(scale, dtype=arrays[i].dtype))
        for i, g in enumerate(grads)
    ]
    return out, torch.tensor(total, dtype=torch.float64 if dtype == np.float64 else torch.float32)
