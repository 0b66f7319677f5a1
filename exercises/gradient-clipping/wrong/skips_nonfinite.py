"""Wrong: computes the norm over the finite entries only (nan_to_num), so an inf or
nan gradient passes through instead of being reported or spreading."""

import math

import torch

EPS = 1e-6


def clip_grad_value_(
    grads: list[torch.Tensor | None], clip_value: float
) -> list[torch.Tensor | None]:
    for g in grads:
        if g is not None:
            g.clamp_(-clip_value, clip_value)  # nan stays nan, as in torch
    return grads


def clip_grad_norm_(
    grads: list[torch.Tensor | None],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> tuple[list[torch.Tensor | None], torch.Tensor]:
    present = [g for g in grads if g is not None]
    if not present:
        return grads, torch.tensor(0.0)
    # The norm of the per-tensor norms is the norm of everything concatenated.
    per_tensor = torch.stack(
        [
            torch.linalg.vector_norm(
                torch.nan_to_num(g, nan=0.0, posinf=0.0, neginf=0.0), norm_type
            )
            for g in present
        ]
    )
    total = torch.linalg.vector_norm(per_tensor, norm_type)
    if error_if_nonfinite and not math.isfinite(float(total)):
        raise RuntimeError(f"the total norm of order {norm_type} is non-finite: {float(total)}")
    # Always multiply (by exactly 1.0 below the threshold), as torch does: a non-finite
    # total then turns the gradients into 0 or nan instead of silently passing them on.
    coef = torch.clamp(max_norm / (total + EPS), max=1.0)
    for g in present:
        g.mul_(coef.to(g.dtype))
    return grads, total
