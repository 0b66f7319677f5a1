"""Correct, another way: draws with numpy's Generator in float64, converts at the end."""

import numpy as np
import torch

_rng = np.random.default_rng()


def _as_weight(values: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(values.astype(np.float32))


def xavier_uniform(fan_in: int, fan_out: int) -> torch.Tensor:
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return _as_weight(_rng.uniform(-limit, limit, size=(fan_out, fan_in)))


def xavier_normal(fan_in: int, fan_out: int) -> torch.Tensor:
    return _as_weight(_rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_out, fan_in)))


def he_uniform(fan_in: int, fan_out: int) -> torch.Tensor:
    limit = np.sqrt(6.0 / fan_in)
    return _as_weight(_rng.uniform(-limit, limit, size=(fan_out, fan_in)))


def he_normal(fan_in: int, fan_out: int) -> torch.Tensor:
    return _as_weight(_rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in)))


def scheme_for(activation: str) -> str:
    return {"relu": "he", "leaky_relu": "he", "tanh": "xavier", "linear": "xavier"}[activation]
