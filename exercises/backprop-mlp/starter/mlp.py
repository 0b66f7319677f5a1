"""Backpropagation through a small MLP, by hand, plus a finite-difference gradient check.

See README.md for the maths. Everything is numpy float64; no torch, no autograd.

A network is described by
- params: {"W1": (D, H1), "b1": (H1,), ..., "Wn": (H_{n-1}, K), "bn": (K,)};
- hidden: the activation of each hidden layer, "sigmoid", "tanh", "relu" or "leaky_relu"
  (negative slope 0.01), with len(hidden) == n - 1;
  the last layer is linear (its output is the logits, or the prediction for "mse").
- kind: "mse" (Y: float array (N, K)) or "cross_entropy" (Y: integer labels (N,)).

Keep `import numpy as np` below: the grader calls your numerical_gradient with numpy
functions taken from this module's `np`.
"""

import numpy as np


def forward(params: dict, hidden: list, X: np.ndarray) -> np.ndarray:
    """The network's output for the batch X (N, D): an array of shape (N, K)."""
    raise NotImplementedError("write forward")


def loss(params: dict, hidden: list, X: np.ndarray, Y: np.ndarray, kind: str) -> float:
    """The batch loss: mean squared error ("mse") or softmax cross-entropy ("cross_entropy")."""
    raise NotImplementedError("write loss")


def backward(params: dict, hidden: list, X: np.ndarray, Y: np.ndarray, kind: str) -> dict:
    """dLoss/dparam for every entry of params: a dict with the same keys and shapes."""
    raise NotImplementedError("write backward")


def numerical_gradient(f, theta: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences of the scalar function f at theta (any shape)."""
    raise NotImplementedError("write numerical_gradient")


def gradient_check(
    params: dict, hidden: list, X: np.ndarray, Y: np.ndarray, kind: str, eps: float = 1e-6
) -> dict:
    """numerical_gradient of the loss with respect to each parameter, as a dict like params."""
    raise NotImplementedError("write gradient_check")
