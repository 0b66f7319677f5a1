"""Correct, another way: normals made by hand from uniforms (Box-Muller), scales from the
variance each scheme wants, uniform bounds as sqrt(3) standard deviations."""

import math

import torch


def _normal(shape: tuple[int, int]) -> torch.Tensor:
    u1 = 1.0 - torch.rand(shape, dtype=torch.float64)  # in (0, 1]: log stays finite
    u2 = torch.rand(shape, dtype=torch.float64)
    return torch.sqrt(-2.0 * torch.log(u1)) * torch.cos(2.0 * math.pi * u2)


def _draw(fan_in: int, fan_out: int, variance: float, uniform: bool) -> torch.Tensor:
    std = math.sqrt(variance)
    if uniform:
        w = torch.empty(fan_out, fan_in, dtype=torch.float64).uniform_(-1.0, 1.0)
        w = w * (math.sqrt(3.0) * std)  # U(-a, a) has variance a^2 / 3
    else:
        w = _normal((fan_out, fan_in)) * std
    return w.to(torch.float32)


def xavier_uniform(fan_in: int, fan_out: int) -> torch.Tensor:
    return _draw(fan_in, fan_out, 2.0 / (fan_in + fan_out), uniform=True)


def xavier_normal(fan_in: int, fan_out: int) -> torch.Tensor:
    return _draw(fan_in, fan_out, 2.0 / (fan_in + fan_out), uniform=False)


def he_uniform(fan_in: int, fan_out: int) -> torch.Tensor:
    return _draw(fan_in, fan_out, 2.0 / fan_in, uniform=True)


def he_normal(fan_in: int, fan_out: int) -> torch.Tensor:
    return _draw(fan_in, fan_out, 2.0 / fan_in, uniform=False)


def scheme_for(activation: str) -> str:
    ranked = {"he": ("relu", "leaky_relu"), "xavier": ("tanh", "linear")}
    return next(name for name, acts in ranked.items() if activation in acts)
