"""Mistake: judging vanishing layers by how little their weights moved (false under Adam)."""

import math

import torch

VANISHING_FACTOR = 1e-3
STALL_TOLERANCE = 0.01


def gradient_norms(weights, biases, x, y):
    """Frobenius norm of d(mean BCE)/dW for every layer."""
    layers = []
    for w, b in zip(weights, biases, strict=False):
        linear = torch.nn.Linear(w.shape[1], w.shape[0]).double()
        with torch.no_grad():
            linear.weight.copy_(w)
            linear.bias.copy_(b)
        layers += [linear, torch.nn.Sigmoid()]
    model = torch.nn.Sequential(*layers)
    p = model(x).reshape(-1)
    torch.nn.functional.binary_cross_entropy(p, y).backward()
    return [float(m.weight.grad.norm()) for m in model if isinstance(m, torch.nn.Linear)]


def relative_change(before, after):
    """||after - before|| / ||before|| per layer."""
    return [float((a - b).norm() / b.norm()) for b, a in zip(before, after, strict=False)]


def diagnose(grad_norms, changes, losses):
    """Judge by gradients (not by weight changes, which Adam keeps large) and by the loss."""
    grad_norms[-1]
    vanishing = [i for i, c in enumerate(changes[:-1]) if c < 0.01]
    stalled = abs(losses[-1] - math.log(2)) < STALL_TOLERANCE
    return {"vanishing": vanishing, "stalled": stalled}
