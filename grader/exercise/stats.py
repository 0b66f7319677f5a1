"""Tolerances for tests that check random draws, derived from the sample size.

A test of a student's random initialiser cannot fix the student's seed, so it must pass for
any honest draw. Each function returns a tolerance that an honest draw of ``n`` values
exceeds with probability at most ``p``; a test that makes k such checks fails an honest
submission with probability at most k * p (union bound). The bounds are exact inequalities,
not normal approximations, so they hold for small ``n`` too.
"""

from __future__ import annotations

import math
from statistics import NormalDist


def hoeffding(n: int, width: float, p: float) -> float:
    """t with P(|mean - E[mean]| >= t) <= p for ``n`` independent values in an interval of
    length ``width`` (Hoeffding: 2 exp(-2 n t^2 / width^2) = p)."""
    return width * math.sqrt(math.log(2.0 / p) / (2.0 * n))


def normal_mean(n: int, std: float, p: float) -> float:
    """t with P(|mean| >= t) = p for the mean of ``n`` independent N(0, std^2) values (the
    mean is exactly N(0, std^2 / n))."""
    return NormalDist().inv_cdf(1.0 - p / 2.0) * std / math.sqrt(n)


def chi2_ratio(n: int, p: float) -> tuple[float, float]:
    """(low, high) with P(X/n outside [low, high]) <= p for X ~ chi-square(n): the mean of
    ``n`` squared N(0, 1) values. Laurent & Massart (2000), each tail with p/2:
    P(X - n >= 2 sqrt(n x) + 2x) <= e^-x and P(n - X >= 2 sqrt(n x)) <= e^-x."""
    x = math.log(2.0 / p)
    return 1.0 - 2.0 * math.sqrt(x / n), 1.0 + 2.0 * math.sqrt(x / n) + 2.0 * x / n


def dkw(n: int, p: float) -> float:
    """t with P(sup |empirical CDF - CDF| > t) <= p over ``n`` independent values
    (Dvoretzky-Kiefer-Wolfowitz with Massart's constant: 2 exp(-2 n t^2) = p). It holds
    for every threshold at once, so the threshold may itself depend on the sample."""
    return math.sqrt(math.log(2.0 / p) / (2.0 * n))


def max_reaches(n: int, p: float) -> float:
    """delta with P(max |w| < (1 - delta) a) <= p for ``n`` independent U(-a, a) values:
    that probability is (1 - delta)^n <= exp(-delta n)."""
    return math.log(1.0 / p) / n
