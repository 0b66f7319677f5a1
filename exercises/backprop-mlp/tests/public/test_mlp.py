"""Public tests: run them with `grader exercise check . mlp.py` in your copy.

Expected values come from torch autograd on the same network in float64 (computed here, by
the grader), so a mismatch points at your numbers.
"""

import numpy as np
import torch

from grader.exercise.api import assert_close, points

# float64 keeps ~16 digits; a small network loses a few of them, so 1e-10 separates a
# correct forward pass from a wrong one with room to spare.
RTOL, ATOL = 1e-10, 1e-12
# A gradient is a sum over the batch of products along the network: correct code in any
# order of operations agrees with autograd to ~1e-14.
GRAD_RTOL, GRAD_ATOL = 1e-8, 1e-11


def _network():
    rng = np.random.default_rng(7)
    params = {
        "W1": rng.normal(0, 1, (3, 4)),
        "b1": rng.normal(0, 1, 4),
        "W2": rng.normal(0, 1, (4, 2)),
        "b2": rng.normal(0, 1, 2),
    }
    X = rng.normal(0, 1, (5, 3))
    return params, ["sigmoid"], X


def _autograd(params, hidden, X, Y, kind):
    """(output, loss, gradients) by torch autograd, in the judge."""
    tensors = {
        k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()
    }
    a = torch.tensor(X, dtype=torch.float64)
    for i in range(1, len(hidden) + 2):
        a = a @ tensors[f"W{i}"] + tensors[f"b{i}"]
        if i <= len(hidden):
            a = torch.sigmoid(a) if hidden[i - 1] == "sigmoid" else torch.relu(a)
    if kind == "mse":
        value = torch.nn.functional.mse_loss(a, torch.tensor(Y, dtype=torch.float64))
    else:
        value = torch.nn.functional.cross_entropy(a, torch.tensor(Y, dtype=torch.int64))
    value.backward()
    return a.detach().numpy(), value.item(), {k: t.grad.numpy() for k, t in tensors.items()}


def _number(got, what):
    assert np.size(got) == 1, f"{what} should be one number, got shape {np.shape(got)}"
    return float(np.asarray(got).reshape(-1)[0])


@points(1)
def test_forward_small_network(submission):
    """forward returns the (N, K) output of a one-hidden-layer sigmoid network"""
    params, hidden, X = _network()
    expected, _, _ = _autograd(params, hidden, X, np.zeros((5, 2)), "mse")
    got = submission.forward(params, hidden, X)
    assert isinstance(got, np.ndarray), (
        f"forward should return a numpy array, not {type(got).__name__}"
    )
    assert got.shape == (5, 2), f"expected shape (N, K) = (5, 2), got {got.shape}"
    assert_close(got, expected, rtol=RTOL, atol=ATOL, what="forward(params, hidden, X)")


@points(1)
def test_loss_both_kinds(submission):
    """loss matches torch's mse_loss and cross_entropy"""
    params, hidden, X = _network()
    targets = {
        "mse": np.linspace(-1, 1, 10).reshape(5, 2),
        "cross_entropy": np.array([0, 1, 1, 0, 1]),
    }
    for kind, Y in targets.items():
        _, expected, _ = _autograd(params, hidden, X, Y, kind)
        got = _number(submission.loss(params, hidden, X, Y, kind), f"loss ({kind})")
        assert_close(got, expected, rtol=RTOL, atol=ATOL, what=f"loss with kind={kind!r}")


@points(2)
def test_backward_small_network(submission):
    """backward matches autograd for both losses on a one-hidden-layer network"""
    params, hidden, X = _network()
    for kind, Y in (
        ("mse", np.linspace(-1, 1, 10).reshape(5, 2)),
        ("cross_entropy", np.array([0, 1, 1, 0, 1])),
    ):
        _, _, expected = _autograd(params, hidden, X, Y, kind)
        got = submission.backward(params, hidden, X, Y, kind)
        assert isinstance(got, dict), f"backward should return a dict, not {type(got).__name__}"
        assert set(got) == set(expected), (
            f"backward should return the keys {sorted(expected)}, got {sorted(got)}"
        )
        for name in sorted(expected):
            assert_close(
                got[name],
                expected[name],
                rtol=GRAD_RTOL,
                atol=GRAD_ATOL,
                what=f"{kind}: d loss / d {name}",
            )


@points(1)
def test_numerical_gradient_of_a_norm(submission):
    """numerical_gradient of np.linalg.norm at (0.3, 0.4) is (0.6, 0.8)"""
    norm = submission.np.linalg.norm  # numpy in your module, so it runs beside your code
    got = submission.numerical_gradient(norm, np.array([0.3, 0.4]), 1e-4)
    # Central differences with eps = 1e-4 err by about eps^2 f''' / 6 < 1e-7 here.
    assert_close(
        got, np.array([0.6, 0.8]), rtol=1e-6, atol=1e-7, what="numerical_gradient(norm, [0.3, 0.4])"
    )
