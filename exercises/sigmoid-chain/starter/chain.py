"""A chain of sigmoid neurons: write forward, loss and gradients (see README.md).

Shapes: x and y have shape (N,) (a batch of N scalar inputs and targets); w and b have
shape (L,) (one weight and one bias per layer). Everything is float64. Use numpy only:
no torch, no autograd.
"""

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Element-wise logistic sigmoid, finite for any input (given: it is not graded)."""
    small = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


def forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Every layer's activation, shape (L + 1, N): row 0 is x, row l is a_l."""
    raise NotImplementedError("write forward")


def loss(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> float:
    """Mean over the batch of 0.5 * (a_L - y) ** 2."""
    raise NotImplementedError("write loss")


def gradients(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(dLoss/dw, dLoss/db), each of shape (L,), by the chain rule."""
    raise NotImplementedError("write gradients")
