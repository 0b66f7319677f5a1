"""Backpropagation written out by hand in numpy, layer by layer."""

import math

import numpy as np


def gradient_norms(weights, biases, x, y):
    ws = [np.asarray(w, dtype=np.float64) for w in weights]
    bs = [np.asarray(b, dtype=np.float64) for b in biases]
    h = [np.asarray(x, dtype=np.float64)]
    for w, b in zip(ws, bs, strict=False):
        h.append(1.0 / (1.0 + np.exp(-(h[-1] @ w.T + b))))
    p = h[-1][:, 0]
    t = np.asarray(y, dtype=np.float64)
    n = len(t)
    # d(mean BCE)/dz at the output sigmoid is (p - y) / n.
    delta = ((p - t) / n)[:, None]
    norms = []
    for i in range(len(ws) - 1, -1, -1):
        norms.append(float(np.linalg.norm(delta.T @ h[i])))
        if i:
            delta = (delta @ ws[i]) * h[i] * (1.0 - h[i])
    return norms[::-1]


def relative_change(before, after):
    out = []
    for b, a in zip(before, after, strict=False):
        b, a = np.asarray(b), np.asarray(a)
        out.append(float(np.sqrt(((a - b) ** 2).sum()) / np.sqrt((b**2).sum())))
    return out


def diagnose(grad_norms, changes, losses):
    ratios = np.asarray(grad_norms[:-1]) / grad_norms[-1]
    return {
        "vanishing": [int(i) for i in np.flatnonzero(ratios < 1e-3)],
        "stalled": bool(math.isclose(losses[-1], math.log(2), abs_tol=0.01)),
    }
