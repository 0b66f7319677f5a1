"""Public tests: students run these with `grader exercise check`.

float64 inputs of size ~1: sums of a few values agree with torch's to ~1e-15 relative, so
rtol 1e-9 leaves a wide margin for a different summation order while catching every
formula mistake (the smallest, eps outside the square root, is 5e-6 relative).
"""

import torch

from grader.exercise.api import assert_close, points

RTOL, ATOL = 1e-9, 1e-12


def _batch():
    x = torch.tensor(
        [[1.0, -2.0, 0.5], [3.0, 0.0, 0.5], [-1.0, 2.0, 1.5], [5.0, 4.0, -0.5]],
        dtype=torch.float64,
    )
    c = x.shape[1]
    ones, zeros = torch.ones(c, dtype=torch.float64), torch.zeros(c, dtype=torch.float64)
    return x, ones, zeros


def _three(out):
    assert isinstance(out, tuple | list) and len(out) == 3, (
        "batchnorm_forward should return three tensors: (y, new_running_mean, new_running_var)"
    )
    return out


@points(1)
def test_training_output_is_standardised(submission):
    """training mode, gamma=1, beta=0: each channel of y has mean 0 and variance 1"""
    x, ones, zeros = _batch()
    y, _, _ = _three(submission.batchnorm_forward(x, ones, zeros, zeros, ones, True))
    assert_close(y.mean(0), zeros, atol=1e-9, what="per-channel mean of y")
    # Normalising uses the batch's *biased* variance (divide by N), as torch does; eps
    # = 1e-5 makes the variance of y a little below 1.
    var = x.var(0, unbiased=False)
    assert_close(
        y.var(0, unbiased=False),
        var / (var + 1e-5),
        rtol=RTOL,
        what="per-channel variance of y (normalise by sqrt(biased variance + eps))",
    )


@points(1)
def test_running_statistics_after_one_step(submission):
    """after one training step the running mean and variance match torch.nn.BatchNorm1d"""
    x, ones, zeros = _batch()
    bn = torch.nn.BatchNorm1d(3, dtype=torch.float64)
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # a busy machine's thread pool makes this tiny call slow
    try:
        bn(x)
    finally:
        torch.set_num_threads(before)
    _, mean, var = _three(submission.batchnorm_forward(x, ones, zeros, zeros, ones, True))
    assert_close(mean, bn.running_mean, rtol=RTOL, atol=ATOL, what="new running mean")
    assert_close(
        var,
        bn.running_var,
        rtol=RTOL,
        atol=ATOL,
        what="new running variance (torch keeps the unbiased batch variance, N - 1)",
    )


@points(1)
def test_eval_mode_uses_the_running_statistics(submission):
    """eval mode normalises with the running statistics and leaves them unchanged"""
    x, _, _ = _batch()
    running_mean = torch.tensor([1.0, 0.0, -1.0], dtype=torch.float64)
    running_var = torch.tensor([4.0, 1.0, 0.25], dtype=torch.float64)
    gamma = torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64)
    beta = torch.tensor([0.0, -1.0, 3.0], dtype=torch.float64)
    y, mean, var = _three(
        submission.batchnorm_forward(x, gamma, beta, running_mean, running_var, False)
    )
    expected = (x - running_mean) / torch.sqrt(running_var + 1e-5) * gamma + beta
    assert_close(y, expected, rtol=RTOL, atol=ATOL, what="y in eval mode, to 1e-9 relative")
    assert_close(mean, running_mean, rtol=0, atol=0, what="running mean after eval")
    assert_close(var, running_var, rtol=0, atol=0, what="running variance after eval")
