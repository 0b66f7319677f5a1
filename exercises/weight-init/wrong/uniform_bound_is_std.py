"""Wrong: uses the normal's standard deviation as the uniform's bound. U(-a, a)
has variance a^2 / 3, so a must be sqrt(3) times the standard deviation."""

import math

import torch


def _uniform(fan_in: int, fan_out: int, bound: float) -> torch.Tensor:
    # rand is in [0, 1); stretch it to [-bound, bound).
    return (torch.rand(fan_out, fan_in) * 2.0 - 1.0) * bound


def xavier_uniform(fan_in: int, fan_out: int) -> torch.Tensor:
    return _uniform(fan_in, fan_out, math.sqrt(2.0 / (fan_in + fan_out)))


def xavier_normal(fan_in: int, fan_out: int) -> torch.Tensor:
    return torch.randn(fan_out, fan_in) * math.sqrt(2.0 / (fan_in + fan_out))


def he_uniform(fan_in: int, fan_out: int) -> torch.Tensor:
    return _uniform(fan_in, fan_out, math.sqrt(2.0 / fan_in))


def he_normal(fan_in: int, fan_out: int) -> torch.Tensor:
    return torch.randn(fan_out, fan_in) * math.sqrt(2.0 / fan_in)


def scheme_for(activation: str) -> str:
    # ReLU-like units zero half their inputs, so they need twice the variance (He).
    return "he" if activation in ("relu", "leaky_relu") else "xavier"
