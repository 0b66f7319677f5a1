"""Correct, another way: torch.nn.init's in-place initialisers on an empty nn.Linear weight."""

import torch
from torch import nn


def _empty(fan_in: int, fan_out: int) -> torch.Tensor:
    return torch.empty(fan_out, fan_in)


def xavier_uniform(fan_in: int, fan_out: int) -> torch.Tensor:
    return nn.init.xavier_uniform_(_empty(fan_in, fan_out))


def xavier_normal(fan_in: int, fan_out: int) -> torch.Tensor:
    return nn.init.xavier_normal_(_empty(fan_in, fan_out))


def he_uniform(fan_in: int, fan_out: int) -> torch.Tensor:
    # For a (out, in) weight, mode="fan_in" reads fan_in from dimension 1.
    return nn.init.kaiming_uniform_(_empty(fan_in, fan_out), mode="fan_in", nonlinearity="relu")


def he_normal(fan_in: int, fan_out: int) -> torch.Tensor:
    return nn.init.kaiming_normal_(_empty(fan_in, fan_out), mode="fan_in", nonlinearity="relu")


def scheme_for(activation: str) -> str:
    if activation.endswith("relu"):
        return "he"
    return "xavier"
