"""Mistake: calling torch's own clipping (through parameters holding the gradients), which
the statement rules out: the values are right, the exercise is not done."""

import torch
from torch.nn.utils import clip_grad_norm_ as _torch_norm
from torch.nn.utils import clip_grad_value_ as _torch_value


def _holders(grads):
    params = []
    for g in grads:
        p = torch.zeros(1, requires_grad=True)
        if g is not None:
            p = torch.zeros_like(g).requires_grad_(True)
            p.grad = g
        params.append(p)
    return params


def clip_grad_value_(grads, clip_value):
    params = _holders(grads)
    _torch_value([p for p, g in zip(params, grads, strict=True) if g is not None], clip_value)
    return [None if g is None else p.grad for p, g in zip(params, grads, strict=True)]


def clip_grad_norm_(grads, max_norm, norm_type=2.0, error_if_nonfinite=False):
    params = _holders(grads)
    present = [p for p, g in zip(params, grads, strict=True) if g is not None]
    total = _torch_norm(present, max_norm, norm_type, error_if_nonfinite=error_if_nonfinite)
    return [None if g is None else p.grad for p, g in zip(params, grads, strict=True)], total
