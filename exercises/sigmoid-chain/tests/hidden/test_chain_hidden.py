"""Hidden tests: only the grader runs these. Every expected number is computed here, in the
judge, by torch autograd in float64; the student's numbers are only ever compared."""

import numpy as np
import torch

from grader.exercise.api import Partial, assert_close, points

# Forward values lie in (0, 1); float64 keeps ~16 digits through a dozen layers (each layer
# multiplies an input error by |w| sigma' <= |w| / 4), so correct code agrees to 1e-10.
RTOL, ATOL = 1e-10, 1e-12
# A gradient is a batch sum of products of L factors: its rounding error is a few ulps of
# the sum of |terms|, which the quarter-power bound B_k (below) dominates. Tolerating
# 1e-9 B_k absolutely (plus 1e-7 relatively) accepts any correct evaluation order and still
# sees an error far smaller than a first-layer gradient of 1e-7.
GRAD_RTOL, GRAD_SCALE = 1e-7, 1e-9

# (seed, depth L, batch N): one layer, one sample, shallow and deep chains, a large batch.
CASES = [(11, 1, 4), (12, 2, 1), (13, 3, 7), (14, 5, 16), (15, 8, 3), (16, 12, 25)]


def _chain(seed, depth, batch, weight_scale=1.5):
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 2.0, batch)
    y = rng.uniform(0.0, 1.0, batch)
    w = rng.normal(0.0, weight_scale, depth)
    b = rng.normal(0.0, 1.0, depth)
    return x, y, w, b


def _edge_cases():
    """Chains whose right answer is easy to get wrong: a zero weight, targets 0 and 1."""
    x, y, w, b = _chain(21, 4, 6)
    w[1] = 0.0  # no gradient reaches layers 1 and 2: exactly zero, not just small
    yield "a zero weight in layer 2", x, y, w, b
    x, y, w, b = _chain(22, 3, 5)
    yield "targets exactly 0 and 1", x, np.array([0.0, 1.0, 0.0, 1.0, 1.0]), -np.abs(w), b


def _autograd(x, y, w, b):
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    rows = [torch.tensor(x, dtype=torch.float64)]
    for layer in range(len(w)):
        rows.append(torch.sigmoid(wt[layer] * rows[-1] + bt[layer]))
    value = (0.5 * (rows[-1] - torch.tensor(y, dtype=torch.float64)) ** 2).mean()
    value.backward()
    return torch.stack(rows).detach().numpy(), value.item(), wt.grad.numpy(), bt.grad.numpy()


def _bounds(x, y, w, acts):
    """Per layer k: |dLoss/db_k| <= mean|a_L - y| (1/4)^(L-k+1) prod_{l>k} |w_l|, and the
    same with |a_(k-1)| inside the mean for dLoss/dw_k (layers counted from 1)."""
    depth = len(w)
    err = np.abs(acts[-1] - y)
    db_bound, dw_bound = np.empty(depth), np.empty(depth)
    for k in range(depth):
        factor = 0.25 ** (depth - k) * np.prod(np.abs(w[k + 1 :]))
        db_bound[k] = np.mean(err) * factor
        dw_bound[k] = np.mean(err * np.abs(acts[k])) * factor
    return dw_bound, db_bound


def _pair(result):
    assert isinstance(result, (tuple, list)) and len(result) == 2, (
        "gradients should return a pair (dw, db)"
    )
    return result


def _check_gradients(got, x, y, w, b, label):
    acts, _, dw_expected, db_expected = _autograd(x, y, w, b)
    dw_bound, db_bound = _bounds(x, y, w, acts)
    dw, db = _pair(got)
    for name, value, expected, bound in (
        ("dw", dw, dw_expected, dw_bound),
        ("db", db, db_expected, db_bound),
    ):
        assert np.shape(value) == expected.shape, (
            f"{label}: {name} should have shape (L,) = {expected.shape}, got {np.shape(value)}"
        )
        for k in range(len(w)):
            assert_close(
                np.asarray(value)[k],
                expected[k],
                rtol=GRAD_RTOL,
                atol=GRAD_SCALE * bound[k],
                what=f"{label}: {name}[{k}] (layer {k + 1} of {len(w)})",
            )


@points(2)
def test_forward_matches_on_random_chains(submission):
    """forward agrees with autograd on random chains of 1 to 12 layers"""
    for seed, depth, batch in CASES:
        x, y, w, b = _chain(seed, depth, batch)
        acts, _, _, _ = _autograd(x, y, w, b)
        got = submission.forward(x, w, b)
        assert np.shape(got) == acts.shape, (
            f"L={depth}, N={batch}: expected shape {acts.shape}, got {np.shape(got)}"
        )
        assert_close(got, acts, rtol=RTOL, atol=ATOL, what=f"forward, L={depth}, N={batch}")


@points(1)
def test_loss_matches_on_random_chains(submission):
    """loss agrees with autograd on random chains"""
    for seed, depth, batch in CASES:
        x, y, w, b = _chain(seed, depth, batch)
        _, expected, _, _ = _autograd(x, y, w, b)
        got = submission.loss(x, y, w, b)
        assert np.size(got) == 1, f"loss should be one number, got shape {np.shape(got)}"
        value = float(np.asarray(got).reshape(-1)[0])
        assert_close(value, expected, rtol=RTOL, atol=ATOL, what=f"loss, L={depth}, N={batch}")


@points(3)
def test_gradients_match_autograd(submission):
    """gradients agree with autograd on random and edge-case chains (partial credit per chain)"""
    chains = [(f"L={d}, N={n}", *_chain(s, d, n)) for s, d, n in CASES]
    chains += list(_edge_cases())
    right, first_problem = 0, ""
    for label, x, y, w, b in chains:
        try:
            _check_gradients(submission.gradients(x, y, w, b), x, y, w, b, label)
            right += 1
        except AssertionError as exc:
            first_problem = first_problem or str(exc)
    message = f"{right} of {len(chains)} chains right"
    if first_problem:
        message += f"; first problem: {first_problem}"
    return Partial(right / len(chains), message)


@points(2)
def test_gradients_of_a_deep_chain(submission, attach):
    """a 10-layer chain: the tiny first-layer gradients are right too"""
    x, y, w, b = _chain(31, 10, 8)
    w = np.random.default_rng(32).uniform(-1.0, 1.0, 10)  # |w| <= 1: the bound is <= 0.25^10
    _, _, dw_expected, _ = _autograd(x, y, w, b)
    attach.bar_chart(
        "|dLoss/dw| per layer of a 10-layer sigmoid chain (log scale)",
        [str(k + 1) for k in range(10)],
        [max(abs(float(v)), 1e-300) for v in dw_expected],
        log=True,
    )
    attach.note(
        "why layer 1 learns slowly",
        f"|dLoss/dw_1| = {abs(dw_expected[0]):.3g}, |dLoss/dw_10| = {abs(dw_expected[-1]):.3g}: "
        "every layer on the way back multiplies by |w| sigma'(z) <= 1/4.",
    )
    _check_gradients(submission.gradients(x, y, w, b), x, y, w, b, "L=10")


@points(2)
def test_gradients_respect_the_quarter_power_bound(submission):
    """every layer's gradient respects |db_k| <= mean|a_L - y| (1/4)^(L-k+1) prod_{l>k} |w_l|"""
    for seed, depth, batch in CASES[1:]:
        x, y, w, b = _chain(seed + 100, depth, batch)
        acts, _, _, _ = _autograd(x, y, w, b)
        dw_bound, db_bound = _bounds(x, y, w, acts)
        dw, db = _pair(submission.gradients(x, y, w, b))
        for name, value, bound in (("db", db, db_bound), ("dw", dw, dw_bound)):
            value = np.abs(np.asarray(value, dtype=np.float64))
            assert value.shape == bound.shape, f"L={depth}: {name} should have shape ({depth},)"
            assert not np.isnan(value).any(), f"L={depth}: {name} contains nan"
            over = np.flatnonzero(value > bound * (1 + 1e-9))
            if over.size:
                k = int(over[0])
                raise AssertionError(
                    f"L={depth}: |{name}[{k}]| = {value[k]:.3g} exceeds the bound {bound[k]:.3g}; "
                    "every layer between it and the output should multiply by sigma'(z) <= 1/4"
                )


@points(1)
def test_saturated_chain_stays_finite(submission):
    """inputs that drive |w a + b| past 700 give finite activations and gradients"""
    x = np.array([-20.0, -12.0, 15.0, 20.0])
    y = np.array([0.0, 1.0, 0.5, 1.0])
    w = np.array([60.0, -60.0, 40.0])
    b = np.array([0.0, 30.0, -20.0])
    acts, _, _, _ = _autograd(x, y, w, b)
    got = submission.forward(x, w, b)
    assert not np.isnan(np.asarray(got)).any(), (
        "forward returned nan for large |w a + b|: write sigmoid so that exp never overflows"
    )
    assert_close(got, acts, rtol=RTOL, atol=ATOL, what="forward of a saturated chain")
    _check_gradients(submission.gradients(x, y, w, b), x, y, w, b, "saturated chain")
