"""Hidden tests: only the grader runs these.

Random draws, judged without a seed. The student's initialiser runs in the jail with
whatever seed it likes (or none), so every check must hold for *any* honest draw. Each
statistical check below uses a tolerance from grader/exercise/stats.py that an honest draw
exceeds with probability at most P_CHECK = 1e-8, by an exact inequality (Hoeffding for
bounded values, the exact normal law of a normal mean, Laurent-Massart for chi-square,
Dvoretzky-Kiefer-Wolfowitz for a fraction below a threshold, (1 - d)^n for the largest of
n uniforms). A full grading makes 13 such checks (12 here, 1 public), so a correct
submission fails one with probability below 13 * 1e-8 < 1e-6 (union bound).

The variance studies are judged on decades, not percent. At width 256 (batch 128), over 20
layers of ReLU with He weights, log10(variance at layer 20 / variance at layer 1) had mean
-0.07 and standard deviation 0.25 over 300 simulated draws (extremes -0.82 and +0.59);
Xavier under ReLU gave -5.8 (sd 0.22), He under a linear chain +5.7 (sd 0.04). The windows
below ("survives": within 2 decades; "collapses"/"explodes": beyond 3) sit at least 7.7
standard deviations from where an honest draw lands: the log ratio is a sum of 19
per-layer log factors, close to normal, for which that is a chance below 1e-13.
"""

import math

import torch

from grader.exercise import stats
from grader.exercise.api import Partial, points

P_CHECK = 1e-8
FAN_IN, FAN_OUT = 400, 300  # unequal, so fan_in, fan_out and their sum all differ
WIDTH, DEPTH, BATCH = 256, 20, 128


def _draw(submission, name, fan_in=FAN_IN, fan_out=FAN_OUT):
    w = getattr(submission, name)(fan_in, fan_out)
    assert isinstance(w, torch.Tensor), f"{name} should return a tensor, not {type(w).__name__}"
    w = w.detach().double().flatten()
    assert torch.isfinite(w).all(), f"{name}({fan_in}, {fan_out}) returned nan or inf"
    return w


def _check_uniform(submission, name, bound, rule):
    w = _draw(submission, name)
    n, call = w.numel(), f"{name}(fan_in={FAN_IN}, fan_out={FAN_OUT})"
    largest = float(w.abs().max())
    assert largest <= bound * (1 + 1e-6), (
        f"{call}: a weight of size {largest:.4f} is outside [-a, a], a = {rule} = {bound:.4f}"
    )
    reach = stats.max_reaches(n, P_CHECK)
    assert largest >= bound * (1 - reach), (
        f"{call}: the largest |weight| is {largest:.4f}, but {n} uniform draws on [-a, a] "
        f"reach at least {bound * (1 - reach):.4f} (a = {rule} = {bound:.4f}); is your "
        "interval too narrow?"
    )
    mean, tol = float(w.mean()), stats.hoeffding(n, 2 * bound, P_CHECK)
    assert abs(mean) <= tol, (
        f"{call}: the weights average {mean:.4f}, but a draw centred on 0 averages within "
        f"±{tol:.4f}; is your interval [-a, a] or [0, a]?"
    )
    var = bound**2 / 3  # the variance of U(-a, a)
    second = float(w.pow(2).mean())
    tol = stats.hoeffding(n, bound**2, P_CHECK)
    assert abs(second - var) <= tol, (
        f"{call}: mean of w^2 is {second:.3g}, expected {var:.3g} ± {tol:.2g} (a^2 / 3 for "
        f"a = {rule})"
    )


def _check_normal(submission, name, std, rule):
    w = _draw(submission, name)
    n, call = w.numel(), f"{name}(fan_in={FAN_IN}, fan_out={FAN_OUT})"
    mean, tol = float(w.mean()), stats.normal_mean(n, std, P_CHECK)
    assert abs(mean) <= tol, f"{call}: the weights average {mean:.4f}, expected 0 ± {tol:.4f}"
    low, high = stats.chi2_ratio(n, P_CHECK)
    ratio = float(w.pow(2).mean()) / std**2
    assert low <= ratio <= high, (
        f"{call}: mean of w^2 is {ratio:.3g} times the variance {rule} = {std**2:.3g}; an "
        f"honest draw gives {low:.3f} to {high:.3f} times. Is the standard deviation the "
        "square root of the variance?"
    )
    # Shape, whatever the scale: a normal has 68.3 % of its mass within one standard
    # deviation, a uniform only 57.7 %. Measured against the sample's own RMS r*std, the
    # fraction moves by at most 2 phi(0) |r - 1| < 0.8 |r - 1| from 0.683 (r is inside the
    # chi-square interval just checked), plus the DKW deviation.
    rms = math.sqrt(float(w.pow(2).mean()))
    inside = float((w.abs() <= rms).double().mean())
    expected = math.erf(1 / math.sqrt(2))
    tol = stats.dkw(n, P_CHECK) + 0.8 * max(1 - math.sqrt(low), math.sqrt(high) - 1)
    assert abs(inside - expected) <= tol, (
        f"{call}: {inside:.1%} of the weights lie within one standard deviation of 0; a "
        f"normal draw has {expected:.1%} (± {tol:.1%}). Are you drawing from a normal?"
    )


@points(2)
def test_xavier_uniform_statistics(submission):
    """xavier_uniform: within ±sqrt(6 / (fan_in + fan_out)), centred, with the right variance"""
    _check_uniform(
        submission,
        "xavier_uniform",
        math.sqrt(6 / (FAN_IN + FAN_OUT)),
        "sqrt(6 / (fan_in + fan_out))",
    )


@points(2)
def test_xavier_normal_statistics(submission):
    """xavier_normal: a centred normal with variance 2 / (fan_in + fan_out)"""
    _check_normal(
        submission, "xavier_normal", math.sqrt(2 / (FAN_IN + FAN_OUT)), "2 / (fan_in + fan_out)"
    )


@points(2)
def test_he_uniform_statistics(submission):
    """he_uniform: within ±sqrt(6 / fan_in), centred, with the right variance"""
    _check_uniform(submission, "he_uniform", math.sqrt(6 / FAN_IN), "sqrt(6 / fan_in)")


@points(2)
def test_he_normal_statistics(submission):
    """he_normal: a centred normal with variance 2 / fan_in"""
    _check_normal(submission, "he_normal", math.sqrt(2 / FAN_IN), "2 / fan_in")


@points(1)
def test_odd_layer_shapes(submission):
    """one-unit and lopsided layers get the (fan_out, fan_in) shape, finite float32 weights"""
    for fan_in, fan_out in ((1, 1), (1, 64), (64, 1), (7, 3)):
        for name in ("xavier_uniform", "xavier_normal", "he_uniform", "he_normal"):
            w = getattr(submission, name)(fan_in, fan_out)
            assert isinstance(w, torch.Tensor), f"{name} should return a tensor"
            assert tuple(w.shape) == (fan_out, fan_in), (
                f"{name}(fan_in={fan_in}, fan_out={fan_out}): expected shape "
                f"({fan_out}, {fan_in}), got {tuple(w.shape)}"
            )
            assert w.dtype == torch.float32, f"{name}: expected float32, got {w.dtype}"
            assert torch.isfinite(w).all(), f"{name}({fan_in}, {fan_out}) returned nan or inf"


@points(1)
def test_each_call_draws_fresh_weights(submission):
    """two calls give different weights (no seeding inside the initialiser)"""
    for name in ("xavier_uniform", "xavier_normal", "he_uniform", "he_normal"):
        first, second = getattr(submission, name)(16, 16), getattr(submission, name)(16, 16)
        # Two honest float32 draws of 256 values coincide with probability ~0.
        same = torch.equal(first, second)
        assert not same, (
            f"{name} returned the same weights twice: every layer of a network would start "
            "identical. Do not reset the random seed inside the initialiser."
        )


@points(1)
def test_scheme_for_each_activation(submission):
    """scheme_for picks He for ReLU-like units and Xavier for tanh and linear ones"""
    expected = {"relu": "he", "leaky_relu": "he", "tanh": "xavier", "linear": "xavier"}
    wrong = {a: submission.scheme_for(a) for a in expected}
    wrong = {a: s for a, s in wrong.items() if s != expected[a]}
    assert not wrong, "; ".join(
        f"scheme_for({a!r}) returned {s!r}, expected {expected[a]!r}" for a, s in wrong.items()
    )


def _layers(submission, name):
    """DEPTH fresh (WIDTH, WIDTH) weight matrices from the student's initialiser."""
    layers = []
    for _ in range(DEPTH):
        w = getattr(submission, name)(WIDTH, WIDTH)
        assert isinstance(w, torch.Tensor) and tuple(w.shape) == (WIDTH, WIDTH), (
            f"{name}({WIDTH}, {WIDTH}) should return a ({WIDTH}, {WIDTH}) tensor"
        )
        layers.append(w.detach().double())
    return layers


def _log10_variance_ratio(layers, activation):
    """The judge's own forward pass through the layers: log10(variance of the
    pre-activations at the last layer / at the first), and the per-layer variances."""
    x = torch.randn(BATCH, WIDTH, generator=torch.Generator().manual_seed(7), dtype=torch.float64)
    h, variances = x, []
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # a busy machine's thread pool slows small matmuls down
    try:
        for w in layers:
            z = h @ w.T
            variances.append(float(z.pow(2).mean()))
            if not math.isfinite(variances[-1]) or variances[-1] == 0:
                break  # already collapsed or exploded beyond float64
            h = torch.relu(z) if activation == "relu" else z
    finally:
        torch.set_num_threads(before)
    first, last = variances[0], variances[-1]
    if first == 0 or last == 0:
        return -math.inf, variances
    if not math.isfinite(last):
        return math.inf, variances
    return math.log10(last / first), variances


@points(3)
def test_variance_study(submission, attach):
    """20 layers: He keeps ReLU's variance and Xavier a linear chain's; the wrong scheme
    collapses or explodes (ReLU part 2 points, linear part 1)"""
    # The same 40 matrices serve both activations: each run is an honest draw on its own.
    layers = {n: _layers(submission, n) for n in ("he_normal", "xavier_normal")}
    runs = {
        (act, n): _log10_variance_ratio(layers[n], act)
        for act in ("relu", "linear")
        for n in layers
    }
    for (act, n), (_, variances) in runs.items():
        attach.bar_chart(
            f"{act}: variance of the pre-activations per layer, {n} weights (log)",
            [str(i + 1) for i in range(len(variances))],
            [max(v, 1e-300) for v in variances],
            log=True,
        )
    r = {key: ratio for key, (ratio, _) in runs.items()}
    measured = (
        f"ReLU with He {r['relu', 'he_normal']:+.2f}, "
        f"with Xavier {r['relu', 'xavier_normal']:+.2f}; "
        f"linear with Xavier {r['linear', 'xavier_normal']:+.2f}, "
        f"with He {r['linear', 'he_normal']:+.2f}"
    )
    attach.note(
        "what the judge measured",
        f"log10(variance at layer {DEPTH} / at layer 1): {measured}. ReLU zeroes half of its "
        "inputs, so each layer halves the signal's second moment unless the weights' variance "
        "is doubled to 2 / fan_in; without a ReLU, that doubling explodes.",
    )
    relu, linear = [], []
    if not abs(r["relu", "he_normal"]) <= 2:
        relu.append(
            f"with your he_normal the variance changed by 10^{r['relu', 'he_normal']:+.1f} over "
            f"{DEPTH} ReLU layers; He weights keep it within two decades"
        )
    if not r["relu", "xavier_normal"] < -3:
        relu.append(
            f"with your xavier_normal the ReLU variance changed by "
            f"10^{r['relu', 'xavier_normal']:+.1f}; Xavier weights (variance 1 / {WIDTH} here) "
            f"should halve it at every ReLU layer, 2^-{DEPTH} in all"
        )
    if not abs(r["linear", "xavier_normal"]) <= 2:
        linear.append(
            f"with your xavier_normal the variance changed by "
            f"10^{r['linear', 'xavier_normal']:+.1f} over {DEPTH} linear layers; Xavier "
            "weights keep it within two decades"
        )
    if not r["linear", "he_normal"] > 3:
        linear.append(
            f"with your he_normal the linear variance changed by "
            f"10^{r['linear', 'he_normal']:+.1f}; He weights double it at every linear layer, "
            f"2^{DEPTH} in all"
        )
    fraction = (0 if relu else 2 / 3) + (0 if linear else 1 / 3)
    return Partial(fraction, "; ".join(relu + linear))
