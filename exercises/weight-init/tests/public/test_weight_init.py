"""Public tests: students run these with `grader exercise check`.

The initialisers are random and the student may seed nothing, so every statistical check
uses a tolerance that an honest draw exceeds with probability below 1e-8 (see
grader/exercise/stats.py for the inequalities).
"""

import math

import torch

from grader.exercise import stats
from grader.exercise.api import points

P_CHECK = 1e-8  # chance that one check fails a correct initialiser
SCHEMES = ("xavier_uniform", "xavier_normal", "he_uniform", "he_normal")


@points(1)
def test_shapes_and_dtype(submission):
    """every initialiser returns a float32 tensor of shape (fan_out, fan_in)"""
    for name in SCHEMES:
        w = getattr(submission, name)(3, 5)
        assert isinstance(w, torch.Tensor), f"{name} should return a tensor, not {type(w).__name__}"
        assert tuple(w.shape) == (5, 3), (
            f"{name}(fan_in=3, fan_out=5): expected shape (5, 3) like nn.Linear(3, 5).weight, "
            f"got {tuple(w.shape)}"
        )
        assert w.dtype == torch.float32, f"{name}: expected dtype float32, got {w.dtype}"


@points(1)
def test_xavier_uniform_stays_within_its_bound(submission):
    """xavier_uniform(50, 30) never leaves [-a, a] with a = sqrt(6 / 80)"""
    w = submission.xavier_uniform(50, 30)
    bound = math.sqrt(6.0 / 80)
    largest = float(w.abs().max())
    # 1e-6 relative slack covers a bound computed in float32.
    assert largest <= bound * (1 + 1e-6), (
        f"xavier_uniform(50, 30): found a weight of size {largest:.4f}, but a uniform draw on "
        f"[-a, a] with a = sqrt(6 / (fan_in + fan_out)) = {bound:.4f} never exceeds a"
    )


@points(1)
def test_he_normal_has_the_right_spread(submission):
    """he_normal(500, 200) has variance close to 2 / fan_in"""
    w = submission.he_normal(500, 200).double()
    n, var = w.numel(), 2.0 / 500
    # sum(w^2) / var is chi-square with n degrees of freedom for an honest N(0, var) draw.
    low, high = stats.chi2_ratio(n, P_CHECK)
    ratio = float(w.pow(2).mean()) / var
    assert low <= ratio <= high, (
        f"he_normal(fan_in=500, fan_out=200): mean of w^2 is {ratio:.3g} times 2 / fan_in; an "
        f"honest draw gives between {low:.3f} and {high:.3f}. The variance is 2 / fan_in "
        "(fan_in: the number of inputs), so the standard deviation is its square root."
    )
