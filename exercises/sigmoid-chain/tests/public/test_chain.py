"""Public tests: run them with `grader exercise check sigmoid-chain chain.py`.

The expected values come from torch autograd on the same chain (in float64), so a mismatch
means your numbers, not the grader's, need another look.
"""

import numpy as np
import torch

from grader.exercise.api import assert_close, points

# A two-layer chain small enough to follow on paper.
X = np.array([0.5, -1.0, 2.0])
Y = np.array([1.0, 0.0, 1.0])
W = np.array([1.5, -2.0])
B = np.array([0.1, 0.3])

# float64 carries about 16 digits; a few dozen operations lose at most a couple of them,
# so any correct way of writing the chain agrees to 1e-10.
RTOL, ATOL = 1e-10, 1e-12


def _autograd(x, y, w, b):
    """Activations, loss and (dw, db) computed by torch autograd, in the judge."""
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    rows = [torch.tensor(x, dtype=torch.float64)]
    for layer in range(len(w)):
        rows.append(torch.sigmoid(wt[layer] * rows[-1] + bt[layer]))
    value = (0.5 * (rows[-1] - torch.tensor(y, dtype=torch.float64)) ** 2).mean()
    value.backward()
    acts = torch.stack(rows).detach().numpy()
    return acts, value.item(), wt.grad.numpy(), bt.grad.numpy()


@points(1)
def test_forward_returns_every_layer(submission):
    """forward returns an (L + 1, N) float64 array whose row 0 is x"""
    a = submission.forward(X, W, B)
    assert isinstance(a, np.ndarray), f"forward should return a numpy array, not {type(a).__name__}"
    assert a.shape == (3, 3), f"expected shape (L + 1, N) = (3, 3), got {a.shape}"
    assert a.dtype == np.float64, f"expected dtype float64, got {a.dtype}"
    assert_close(a[0], X, rtol=0, atol=0, what="row 0 of forward (it should be x itself)")


@points(1)
def test_forward_two_layers(submission):
    """forward agrees with autograd on a two-layer chain"""
    acts, _, _, _ = _autograd(X, Y, W, B)
    a = submission.forward(X, W, B)
    assert_close(a[1], acts[1], rtol=RTOL, atol=ATOL, what="a_1 = sigmoid(w_1 x + b_1)")
    assert_close(a[2], acts[2], rtol=RTOL, atol=ATOL, what="a_2 = sigmoid(w_2 a_1 + b_2)")


@points(1)
def test_loss_two_layers(submission):
    """loss is the batch mean of 0.5 (a_L - y)^2"""
    _, expected, _, _ = _autograd(X, Y, W, B)
    got = submission.loss(X, Y, W, B)
    assert np.size(got) == 1, f"loss should be one number, got shape {np.shape(got)}"
    assert_close(float(np.asarray(got).reshape(-1)[0]), expected, rtol=RTOL, atol=ATOL, what="loss")


@points(2)
def test_gradients_two_layers(submission):
    """gradients agree with autograd on a two-layer chain"""
    _, _, dw_expected, db_expected = _autograd(X, Y, W, B)
    result = submission.gradients(X, Y, W, B)
    assert isinstance(result, (tuple, list)) and len(result) == 2, (
        "gradients should return a pair (dw, db)"
    )
    dw, db = result
    assert_close(dw, dw_expected, rtol=RTOL, atol=ATOL, what="dw (dLoss/dw per layer)")
    assert_close(db, db_expected, rtol=RTOL, atol=ATOL, what="db (dLoss/db per layer)")
