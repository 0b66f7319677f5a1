"""Wrong: seeds the generator inside every call "for reproducibility", so every
layer of a network gets the very same weights."""

import math

import torch


def _uniform(fan_in: int, fan_out: int, bound: float) -> torch.Tensor:
    torch.manual_seed(0)
    # rand is in [0, 1); stretch it to [-bound, bound).
    return (torch.rand(fan_out, fan_in) * 2.0 - 1.0) * bound


def xavier_uniform(fan_in: int, fan_out: int) -> torch.Tensor:
    return _uniform(fan_in, fan_out, math.sqrt(6.0 / (fan_in + fan_out)))


def xavier_normal(fan_in: int, fan_out: int) -> torch.Tensor:
    torch.manual_seed(0)
    return torch.randn(fan_out, fan_in) * math.sqrt(2.0 / (fan_in + fan_out))


def he_uniform(fan_in: int, fan_out: int) -> torch.Tensor:
    return _uniform(fan_in, fan_out, math.sqrt(6.0 / fan_in))


def he_normal(fan_in: int, fan_out: int) -> torch.Tensor:
    torch.manual_seed(0)
    return torch.randn(fan_out, fan_in) * math.sqrt(2.0 / fan_in)


def scheme_for(activation: str) -> str:
    # ReLU-like units zero half their inputs, so they need twice the variance (He).
    return "he" if activation in ("relu", "leaky_relu") else "xavier"
