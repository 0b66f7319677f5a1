"""torch.autograd.grad on a functional forward pass, no modules."""

import math

import torch


def gradient_norms(weights, biases, x, y):
    ws = [w.clone().requires_grad_(True) for w in weights]
    h = x
    for w, b in zip(ws, biases, strict=False):
        h = torch.sigmoid(torch.addmm(b, h, w.t()))
    p = h.squeeze(1).clamp(1e-12, 1 - 1e-12)
    loss = -(y * p.log() + (1 - y) * (1 - p).log()).mean()
    return [torch.linalg.matrix_norm(g).item() for g in torch.autograd.grad(loss, ws)]


def relative_change(before, after):
    return [
        torch.linalg.vector_norm(a - b).item() / torch.linalg.vector_norm(b).item()
        for b, a in zip(before, after, strict=False)
    ]


def diagnose(grad_norms, changes, losses):
    threshold = grad_norms[-1] / 1000
    return {
        "vanishing": [i for i in range(len(grad_norms) - 1) if grad_norms[i] < threshold],
        "stalled": math.log(2) - 0.01 < losses[-1] < math.log(2) + 0.01,
    }
