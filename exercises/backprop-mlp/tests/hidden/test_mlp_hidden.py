"""Hidden tests: only the grader runs these. Expected values are computed here, in the
judge (torch autograd in float64, exact gradients of numpy functions); the student's
numbers are only compared with them."""

import numpy as np
import torch

from grader.exercise.api import Partial, StudentError, assert_close, points

RTOL, ATOL = 1e-10, 1e-12  # forward and loss: O(1) values in float64
GRAD_RTOL, GRAD_ATOL = 1e-8, 1e-11  # backward: batch sums of products, ~1e-14 apart
# gradient_check uses eps = 1e-6: central differences err by eps^2 f''' (~1e-12) plus the
# rounding of f, ~1e-16 |f| / eps (~1e-10), so 1e-7 absolute tolerates any correct check.
FD_RTOL, FD_ATOL = 1e-5, 1e-7

# (seed, layer sizes D..K, hidden activations, loss kind, batch N). With these seeds no
# (leaky) ReLU pre-activation comes within 1e-3 of its kink, so finite differences of size 1e-6
# never cross one and must agree with autograd.
NETWORKS = [
    (1, [3, 2], [], "mse", 6),  # no hidden layer: linear regression
    (2, [4, 5, 3], ["sigmoid"], "cross_entropy", 8),
    (3, [3, 5, 5, 1], ["relu", "relu"], "mse", 7),  # K = 1; a square hidden weight
    (4, [2, 6, 4, 3], ["sigmoid", "relu"], "cross_entropy", 1),  # one sample
    (5, [4, 5, 5, 5, 2], ["relu", "sigmoid", "relu"], "cross_entropy", 9),
    (6, [3, 4, 4, 2], ["sigmoid", "sigmoid"], "mse", 5),
    (7, [3, 5, 4, 2], ["tanh", "leaky_relu"], "cross_entropy", 6),
    (8, [4, 4, 4, 1], ["leaky_relu", "tanh"], "mse", 5),
]
ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": torch.nn.functional.leaky_relu,  # negative slope 0.01
}


def _network(seed, sizes, hidden, kind, batch, scale=1.0):
    rng = np.random.default_rng(seed)
    params = {}
    for i in range(1, len(sizes)):
        params[f"W{i}"] = rng.normal(0, scale, (sizes[i - 1], sizes[i]))
        params[f"b{i}"] = rng.normal(0, 0.5, sizes[i])
    X = rng.normal(0, 1, (batch, sizes[0]))
    regression = kind == "mse"
    Y = rng.normal(0, 1, (batch, sizes[-1])) if regression else rng.integers(0, sizes[-1], batch)
    return params, hidden, X, Y, kind


def _label(seed, sizes, hidden, kind, batch):
    return f"{'-'.join(map(str, sizes))} {hidden or 'linear'} {kind} N={batch}"


def _autograd(params, hidden, X, Y, kind):
    tensors = {
        k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()
    }
    a = torch.tensor(X, dtype=torch.float64)
    for i in range(1, len(hidden) + 2):
        a = a @ tensors[f"W{i}"] + tensors[f"b{i}"]
        if i <= len(hidden):
            a = ACTIVATIONS[hidden[i - 1]](a)
    if kind == "mse":
        value = torch.nn.functional.mse_loss(a, torch.tensor(Y, dtype=torch.float64))
    else:
        value = torch.nn.functional.cross_entropy(a, torch.tensor(Y, dtype=torch.int64))
    value.backward()
    return a.detach().numpy(), value.item(), {k: t.grad.numpy() for k, t in tensors.items()}


def _number(got, what):
    assert np.size(got) == 1, f"{what} should be one number, got shape {np.shape(got)}"
    return float(np.asarray(got).reshape(-1)[0])


def _compare_grads(got, expected, rtol, atol, label):
    assert isinstance(got, dict), f"{label}: expected a dict of gradients, got {type(got).__name__}"
    assert set(got) == set(expected), (
        f"{label}: expected keys {sorted(expected)}, got {sorted(got)}"
    )
    for name in sorted(expected):
        assert_close(
            got[name], expected[name], rtol=rtol, atol=atol, what=f"{label}: d loss / d {name}"
        )


def _per_network(check):
    right, first = 0, ""
    for case in NETWORKS:
        try:
            check(_network(*case), _label(*case))
            right += 1
        except (AssertionError, StudentError) as exc:  # one network's failure costs its share
            where = "" if isinstance(exc, AssertionError) else f"{_label(*case)}: "
            first = first or where + str(exc)
    message = f"{right} of {len(NETWORKS)} networks right"
    return Partial(right / len(NETWORKS), message + (f"; first problem: {first}" if first else ""))


@points(1)
def test_forward_matches_on_random_networks(submission):
    """forward agrees with torch on networks of 0 to 3 hidden layers and all four activations"""
    for case in NETWORKS:
        params, hidden, X, Y, kind = _network(*case)
        expected, _, _ = _autograd(params, hidden, X, Y, kind)
        got = submission.forward(params, hidden, X)
        assert np.shape(got) == expected.shape, (
            f"{_label(*case)}: expected shape {expected.shape}, got {np.shape(got)}"
        )
        assert_close(got, expected, rtol=RTOL, atol=ATOL, what=f"forward, {_label(*case)}")


@points(1)
def test_loss_matches_on_random_networks(submission):
    """loss agrees with torch's mse_loss and cross_entropy on random networks"""
    for case in NETWORKS:
        params, hidden, X, Y, kind = _network(*case)
        _, expected, _ = _autograd(params, hidden, X, Y, kind)
        got = _number(submission.loss(params, hidden, X, Y, kind), "loss")
        assert_close(got, expected, rtol=RTOL, atol=ATOL, what=f"loss, {_label(*case)}")


@points(3)
def test_backward_matches_autograd(submission):
    """backward agrees with autograd on every network (partial credit per network)"""

    def check(net, label):
        _, _, expected = _autograd(*net)
        _compare_grads(submission.backward(*net), expected, GRAD_RTOL, GRAD_ATOL, label)

    return _per_network(check)


@points(1)
def test_cross_entropy_with_large_logits(submission):
    """cross-entropy and its gradient stay finite for logits in the thousands"""
    params, hidden, X, Y, kind = _network(41, [3, 4, 3], ["relu"], "cross_entropy", 6, scale=30.0)
    out, expected_loss, expected = _autograd(params, hidden, X, Y, kind)
    assert np.abs(out).max() > 1000  # the case is what it says
    got = _number(submission.loss(params, hidden, X, Y, kind), "loss")
    if not np.isfinite(got):
        raise AssertionError(
            f"loss is {got} for logits of size {np.abs(out).max():.0f}: "
            "subtract each row's largest logit before exp"
        )
    assert_close(got, expected_loss, rtol=RTOL, atol=1e-9, what="loss with large logits")
    _compare_grads(
        submission.backward(params, hidden, X, Y, kind),
        expected,
        GRAD_RTOL,
        GRAD_ATOL,
        "large logits",
    )


@points(2)
def test_gradient_check_matches_autograd(submission):
    """gradient_check (finite differences of your loss) agrees with autograd (partial credit)"""

    def check(net, label):
        _, _, expected = _autograd(*net)
        _compare_grads(submission.gradient_check(*net, 1e-6), expected, FD_RTOL, FD_ATOL, label)

    return _per_network(check)


def _chosen_functions(np_in_jail):
    """(name, the function in the jail, theta, its exact gradient computed here)."""
    rng = np.random.default_rng(51)
    m = rng.uniform(0.5, 2.0, (2, 3))
    v = rng.normal(0, 1, 4)
    s = rng.normal(0, 2, 5)
    c = rng.normal(0, 1, (3, 2))
    softmax = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
    return [
        ("np.prod of a 2x3 matrix", np_in_jail.prod, m, np.prod(m) / m),
        ("np.linalg.norm", np_in_jail.linalg.norm, v, v / np.linalg.norm(v)),
        ("np.logaddexp.reduce (log-sum-exp)", np_in_jail.logaddexp.reduce, s, softmax),
        ("np.var of a 3x2 matrix", np_in_jail.var, c, 2 * (c - c.mean()) / c.size),
    ]


@points(2)
def test_numerical_gradient_on_chosen_functions(submission):
    """numerical_gradient is right on functions the grader picks (partial credit per function)"""
    # eps = 1e-4: central differences err by ~eps^2 f''' / 6 (< 1e-8 for these functions),
    # one-sided ones by ~eps f'' / 2 (~1e-5), so the tolerance tells the two apart.
    functions = _chosen_functions(submission.np)
    right, first = 0, ""
    for name, f, theta, exact in functions:
        try:
            got = submission.numerical_gradient(f, theta, 1e-4)
            assert np.shape(got) == theta.shape, (
                f"{name}: expected shape {theta.shape}, got {np.shape(got)}"
            )
            assert_close(got, exact, rtol=1e-6, atol=1e-7, what=name)
            right += 1
        except (AssertionError, StudentError) as exc:
            first = first or str(exc)
    message = f"{right} of {len(functions)} functions right"
    return Partial(right / len(functions), message + (f"; first problem: {first}" if first else ""))
