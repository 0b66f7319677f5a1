"""Gradient clipping: implement the two functions below (see README.md).

`grads` is a list of gradient tensors (one per parameter); an entry may be None, for a
parameter that got no gradient. Both functions work in place, like torch's, and return
the (clipped) list too, because the grader only sees what you return.
"""

import torch


def clip_grad_value_(
    grads: list[torch.Tensor | None], clip_value: float
) -> list[torch.Tensor | None]:
    """Clamp every entry of every gradient to [-clip_value, clip_value]; return grads."""
    raise NotImplementedError("write clip_grad_value_")


def clip_grad_norm_(
    grads: list[torch.Tensor | None],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> tuple[list[torch.Tensor | None], torch.Tensor]:
    """Scale all gradients together so that their total norm is at most max_norm, with the
    semantics of torch.nn.utils.clip_grad_norm_; return (grads, total norm before clipping)."""
    raise NotImplementedError("write clip_grad_norm_")
