"""Wrong: softmax as exp(logits) / sum(exp(logits)) with no shift: exp overflows for logits in
the hundreds and the loss and gradient become nan (small logits are fine)."""

import numpy as np

LEAKY_SLOPE = 0.01  # torch's default negative slope


def _sigmoid(z: np.ndarray) -> np.ndarray:
    small = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


def _layers(params: dict, hidden: list) -> int:
    return len(hidden) + 1


def _forward(params: dict, hidden: list, X: np.ndarray) -> list[np.ndarray]:
    """Activations a_0 = X, a_1, ..., a_n (a_n: the linear output)."""
    acts = [X]
    for i in range(1, _layers(params, hidden) + 1):
        z = acts[-1] @ params[f"W{i}"] + params[f"b{i}"]
        if i <= len(hidden):
            z = _activate(hidden[i - 1], z)
        acts.append(z)
    return acts


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    if name == "sigmoid":
        return _sigmoid(z)
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    return np.where(z > 0, z, LEAKY_SLOPE * z)  # leaky_relu


def _slope(name: str, a: np.ndarray) -> np.ndarray:
    """g'(z) written with the activation a = g(z) (a > 0 exactly when z > 0)."""
    if name == "sigmoid":
        return a * (1.0 - a)
    if name == "tanh":
        return 1.0 - a * a
    if name == "relu":
        return (a > 0).astype(np.float64)
    return np.where(a > 0, 1.0, LEAKY_SLOPE)  # leaky_relu


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits)
    return np.log(e / e.sum(axis=1, keepdims=True))


def forward(params: dict, hidden: list, X: np.ndarray) -> np.ndarray:
    return _forward(params, hidden, X)[-1]


def loss(params: dict, hidden: list, X: np.ndarray, Y: np.ndarray, kind: str) -> float:
    out = forward(params, hidden, X)
    if kind == "mse":
        return float(np.mean((out - Y) ** 2))
    return float(-np.mean(_log_softmax(out)[np.arange(len(X)), Y]))


def backward(params: dict, hidden: list, X: np.ndarray, Y: np.ndarray, kind: str) -> dict:
    acts = _forward(params, hidden, X)
    out = acts[-1]
    if kind == "mse":
        delta = 2.0 * (out - Y) / out.size
    else:
        delta = np.exp(_log_softmax(out))
        delta[np.arange(len(X)), Y] -= 1.0
        delta /= len(X)
    grads = {}
    for i in range(_layers(params, hidden), 0, -1):
        grads[f"W{i}"] = acts[i - 1].T @ delta
        grads[f"b{i}"] = delta.sum(axis=0)
        if i > 1:
            delta = delta @ params[f"W{i}"].T
            delta = delta * _slope(hidden[i - 2], acts[i - 1])
    return grads


def numerical_gradient(f, theta: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    theta = np.array(theta, dtype=np.float64)  # a copy: the caller's array is left alone
    grad = np.zeros_like(theta)
    for index in np.ndindex(theta.shape):
        saved = theta[index]
        theta[index] = saved + eps
        up = float(f(theta))
        theta[index] = saved - eps
        down = float(f(theta))
        theta[index] = saved
        grad[index] = (up - down) / (2.0 * eps)
    return grad


def gradient_check(
    params: dict, hidden: list, X: np.ndarray, Y: np.ndarray, kind: str, eps: float = 1e-6
) -> dict:
    out = {}
    for name, value in params.items():

        def f(theta, name=name):
            return loss({**params, name: theta}, hidden, X, Y, kind)

        out[name] = numerical_gradient(f, value, eps)
    return out
