"""Public tests: students run these with `grader exercise check`.

float64 examples of a few values: torch's results are exact to ~1e-16 relative, so rtol
1e-9 leaves room for another order of operations while catching a missing eps (1e-6 / 5
relative here).
"""

import torch

from grader.exercise.api import assert_close, points

TOL = {"rtol": 1e-9, "atol": 1e-12}


def _f64(*rows):
    return [torch.tensor(r, dtype=torch.float64) for r in rows]


def _pair(out):
    assert isinstance(out, tuple | list) and len(out) == 2, (
        "clip_grad_norm_ should return two things: (grads, total_norm)"
    )
    grads, total = out
    assert isinstance(grads, list), (
        f"the clipped grads should be a list, not {type(grads).__name__}"
    )
    return grads, total


@points(1)
def test_value_clipping_clamps_each_entry(submission):
    """clip_grad_value_ clamps every entry to [-c, c], keeping its sign"""
    out = submission.clip_grad_value_(_f64([3.0, -4.0, 0.5], [[1.0, -2.5]]), 2.0)
    assert isinstance(out, list) and len(out) == 2, "clip_grad_value_ should return the list"
    assert_close(out[0], [2.0, -2.0, 0.5], **TOL, what="clip_grad_value_ of [3, -4, 0.5] at 2")
    assert_close(out[1], [[1.0, -2.0]], **TOL, what="clip_grad_value_ of [[1, -2.5]] at 2")


@points(1)
def test_norm_clipping_scales_all_gradients_together(submission):
    """clip_grad_norm_ scales every gradient by max_norm / (total norm + 1e-6)"""
    grads, total = _pair(submission.clip_grad_norm_(_f64([3.0, 0.0], [0.0, 4.0]), 1.0))
    # The total norm is over all gradients at once: sqrt(3^2 + 4^2) = 5.
    assert_close(total, 5.0, **TOL, what="returned total norm (before clipping)")
    coef = 1.0 / (5.0 + 1e-6)
    assert_close(
        grads[0],
        [3.0 * coef, 0.0],
        **TOL,
        what="first clipped gradient (to 1e-9 relative: divide by total + 1e-6)",
    )
    assert_close(
        grads[1],
        [0.0, 4.0 * coef],
        **TOL,
        what="second clipped gradient (one norm for all, divided by total + 1e-6)",
    )


@points(1)
def test_below_the_threshold_nothing_changes(submission):
    """gradients whose total norm is below max_norm come back unchanged"""
    grads, total = _pair(submission.clip_grad_norm_(_f64([0.3, -0.4]), 1.0))
    assert_close(total, 0.5, **TOL, what="returned total norm")
    assert_close(
        grads[0],
        [0.3, -0.4],
        rtol=0,
        atol=1e-15,
        what="gradient below max_norm (clipping only ever makes gradients smaller)",
    )
