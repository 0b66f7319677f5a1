"""Weight initialisation: implement the five functions below (see README.md).

Every initialiser returns a float32 tensor of shape (fan_out, fan_in), the layout of
torch.nn.Linear's weight, drawn afresh on every call.
"""

import torch


def xavier_uniform(fan_in: int, fan_out: int) -> torch.Tensor:
    """Glorot/Xavier uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out))."""
    raise NotImplementedError("write xavier_uniform")


def xavier_normal(fan_in: int, fan_out: int) -> torch.Tensor:
    """Glorot/Xavier normal: N(0, 2 / (fan_in + fan_out))."""
    raise NotImplementedError("write xavier_normal")


def he_uniform(fan_in: int, fan_out: int) -> torch.Tensor:
    """He/Kaiming uniform (fan_in mode, ReLU): U(-a, a) with a = sqrt(6 / fan_in)."""
    raise NotImplementedError("write he_uniform")


def he_normal(fan_in: int, fan_out: int) -> torch.Tensor:
    """He/Kaiming normal (fan_in mode, ReLU): N(0, 2 / fan_in)."""
    raise NotImplementedError("write he_normal")


def scheme_for(activation: str) -> str:
    """'he' or 'xavier': the scheme that keeps the signal's variance for this activation
    ('relu', 'leaky_relu', 'tanh' or 'linear')."""
    raise NotImplementedError("write scheme_for")
