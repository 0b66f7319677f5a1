"""The tolerances of grader.exercise.stats really bound the failure rate of honest draws.

Each bound is checked at a failure probability large enough to observe (p = 0.05) by
drawing many honest samples under a fixed seed: an inequality written the wrong way round,
or with a constant off by a square root, fails far more often than p.
"""

from __future__ import annotations

import math

import torch

from grader.exercise import stats

P, N, TRIALS = 0.05, 200, 4000
# A tight bound's observed rate may sit a little above P by sampling noise alone
# (standard deviation sqrt(P (1 - P) / TRIALS) = 0.0034): allow 3.5 of those.
NOISE = 0.012


def _samples(kind: str) -> torch.Tensor:
    gen = torch.Generator().manual_seed(3)
    if kind == "normal":
        return torch.randn(TRIALS, N, generator=gen, dtype=torch.float64)
    return torch.rand(TRIALS, N, generator=gen, dtype=torch.float64) * 2 - 1


def _rate(failed: torch.Tensor) -> float:
    return float(failed.double().mean())


def test_hoeffding_bounds_the_mean_of_uniforms() -> None:
    tol = stats.hoeffding(N, 2.0, P)
    assert _rate(_samples("uniform").mean(1).abs() >= tol) <= P + NOISE
    # and it is not vacuous: a tenth of it is exceeded often
    assert _rate(_samples("uniform").mean(1).abs() >= tol / 10) > P


def test_normal_mean_is_the_exact_two_sided_quantile() -> None:
    tol = stats.normal_mean(N, 1.0, P)
    rate = _rate(_samples("normal").mean(1).abs() >= tol)
    assert abs(rate - P) < NOISE  # exact law: the rate is P itself, up to sampling noise


def test_chi2_ratio_brackets_the_mean_square_of_normals() -> None:
    low, high = stats.chi2_ratio(N, P)
    m2 = _samples("normal").pow(2).mean(1)
    assert low < 1 < high
    assert _rate((m2 < low) | (m2 > high)) <= P + NOISE


def test_dkw_bounds_the_fraction_below_any_threshold() -> None:
    tol = stats.dkw(N, P)
    x = _samples("uniform").abs()  # U(0, 1): CDF(t) = t
    fraction = (x <= 0.5).double().mean(1)
    assert _rate((fraction - 0.5).abs() > tol) <= P + NOISE


def test_max_reaches_bounds_how_far_the_largest_uniform_falls_short() -> None:
    delta = stats.max_reaches(N, P)
    largest = _samples("uniform").abs().amax(1)
    assert _rate(largest < 1 - delta) <= P + NOISE
    assert math.isclose(delta, math.log(1 / P) / N)
