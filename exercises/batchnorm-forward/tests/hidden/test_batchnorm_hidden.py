"""Hidden tests: only the grader runs these. Every expected value comes from
torch.nn.BatchNorm1d (or float64 arithmetic) in the judge, on inputs drawn here under
fixed seeds.

Tolerances, by dtype:
- float64, values of size ~1: a different summation order changes a mean or variance by
  ~1e-16 relative per term, so rtol 1e-9 / atol 1e-12 never fails a correct formula; the
  smallest formula mistake (eps outside the square root) is 5e-6 relative.
- float32, values of size ~1 (batch 64): float32 has eps 1.2e-7, and sums of 64 values
  carry ~1e-6 relative error, so rtol 1e-5 / atol 1e-5.
- the large-offset and tiny-variance tests use the looser tolerances justified there: each
  is aimed at one numerical mistake that is off by orders of magnitude or a factor of 2.
"""

from contextlib import contextmanager

import torch

from grader.exercise.api import StudentError, assert_close, points

F64 = {"rtol": 1e-9, "atol": 1e-12}
F32 = {"rtol": 1e-5, "atol": 1e-5}
# Said in every message, so that "expected 1.42006, got 1.42006" makes sense.
TO64, TO32 = "to 1e-9 relative", "to 1e-5"


@contextmanager
def _one_thread():
    """torch in the judge on one thread: on a busy 2-core machine the thread pool turns a
    1 ms BatchNorm1d call into 80 ms. Restored afterwards (the setting is per process)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _gen(seed):
    return torch.Generator().manual_seed(seed)


def _params(c, dtype, seed):
    g = _gen(seed)
    gamma = 0.5 + torch.rand(c, generator=g, dtype=torch.float64)
    beta = torch.randn(c, generator=g, dtype=torch.float64)
    return gamma.to(dtype), beta.to(dtype)


def _torch_bn(c, gamma, beta, momentum, eps=1e-5):
    bn = torch.nn.BatchNorm1d(c, eps=eps, momentum=momentum, dtype=gamma.dtype)
    with torch.no_grad():
        bn.weight.copy_(gamma)
        bn.bias.copy_(beta)
    return bn


def _three(out):
    assert isinstance(out, tuple | list) and len(out) == 3, (
        "batchnorm_forward should return three tensors: (y, new_running_mean, new_running_var)"
    )
    return out


def _run(submission, batches, gamma, beta, momentum, eps=1e-5):
    """Training steps through the student's function and through torch; the running
    statistics the student returns are fed back in, as a layer would keep them."""
    c, dtype = gamma.shape[0], gamma.dtype
    bn = _torch_bn(c, gamma, beta, momentum, eps)
    mean, var = torch.zeros(c, dtype=dtype), torch.ones(c, dtype=dtype)
    steps = []
    for x in batches:
        y, mean, var = _three(
            submission.batchnorm_forward(x, gamma, beta, mean, var, True, momentum, eps)
        )
        with torch.no_grad(), _one_thread():
            expected = bn(x)
        steps.append((y, mean, var, expected, bn.running_mean.clone(), bn.running_var.clone()))
    return steps, bn


@points(2)
def test_training_output_matches_batchnorm1d(submission):
    """training mode: y matches torch.nn.BatchNorm1d on random batches"""
    gamma, beta = _params(5, torch.float64, 1)
    for n in (2, 3, 16):  # small batches make N vs N - 1 obvious
        x = torch.randn(n, 5, generator=_gen(n), dtype=torch.float64) * 3 + 1
        (step,), _ = _run(submission, [x], gamma, beta, 0.1)
        assert_close(step[0], step[3], **F64, what=f"y for a batch of {n}, {TO64}")


@points(2)
def test_running_statistics_over_several_steps(submission):
    """five training steps with momentum 0.3: running mean and variance match torch"""
    gamma, beta = _params(4, torch.float64, 2)
    g = _gen(3)
    batches = [torch.randn(8, 4, generator=g, dtype=torch.float64) * 2 + i for i in range(5)]
    steps, _ = _run(submission, batches, gamma, beta, 0.3)
    for i, (_, mean, var, _, t_mean, t_var) in enumerate(steps, 1):
        assert_close(mean, t_mean, **F64, what=f"running mean after step {i}, {TO64}")
        assert_close(
            var,
            t_var,
            **F64,
            what=f"running variance after step {i} (unbiased batch variance), {TO64}",
        )


@points(2)
def test_eval_after_training_matches_batchnorm1d(submission):
    """eval mode after training: y from the running statistics, which stay unchanged"""
    gamma, beta = _params(4, torch.float64, 4)
    g = _gen(5)
    # Torch alone trains, so that a mistake in the student's training update cannot make
    # this test fail: it is aimed at eval mode.
    bn = _torch_bn(4, gamma, beta, 0.1)
    with torch.no_grad(), _one_thread():
        for _ in range(3):
            bn(torch.randn(16, 4, generator=g, dtype=torch.float64) * 1.5 - 2)
    mean, var = bn.running_mean.clone(), bn.running_var.clone()
    bn.eval()
    for n in (1, 7):  # eval works on a single sample too
        x = torch.randn(n, 4, generator=g, dtype=torch.float64)
        y, new_mean, new_var = _three(
            submission.batchnorm_forward(x, gamma, beta, mean, var, False, 0.1, 1e-5)
        )
        with torch.no_grad(), _one_thread():
            expected = bn(x)
        assert_close(y, expected, **F64, what=f"eval-mode y for a batch of {n}, {TO64}")
        assert_close(new_mean, mean, rtol=0, atol=0, what="running mean after eval (unchanged)")
        assert_close(new_var, var, rtol=0, atol=0, what="running variance after eval (unchanged)")


@points(1)
def test_float32_keeps_its_dtype(submission):
    """float32 in, float32 out, matching torch in float32"""
    gamma, beta = _params(6, torch.float32, 6)
    x = torch.randn(64, 6, generator=_gen(7)) * 2 + 0.5
    (step,), _ = _run(submission, [x], gamma, beta, 0.1)
    for value, name in zip(step[:3], ("y", "running mean", "running variance"), strict=True):
        assert isinstance(value, torch.Tensor), f"{name} should be a tensor"
        assert value.dtype == torch.float32, f"{name}: expected float32, got {value.dtype}"
    assert_close(step[0], step[3], **F32, what=f"float32 y, {TO32}")


@points(1)
def test_three_dimensional_input(submission):
    """(N, C, L) input: statistics per channel over the batch and the length"""
    gamma, beta = _params(3, torch.float64, 8)
    g = _gen(9)
    batches = [torch.randn(4, 3, 5, generator=g, dtype=torch.float64) + 1 for _ in range(2)]
    steps, _ = _run(submission, batches, gamma, beta, 0.2)
    for i, (y, mean, var, expected, t_mean, t_var) in enumerate(steps, 1):
        assert_close(y, expected, **F64, what=f"y of shape (4, 3, 5), step {i}, {TO64}")
        assert_close(mean, t_mean, **F64, what=f"running mean, step {i}, {TO64}")
        assert_close(
            var,
            t_var,
            **F64,
            what=f"running variance, step {i} (N * L values per channel, unbiased), {TO64}",
        )


@points(1)
def test_large_offset_in_float32(submission):
    """float32 values near 10^4 with a spread of ~1: the variance does not cancel away"""
    scale = torch.tensor([1.0, 0.5, 2.0, 1.0], dtype=torch.float64)
    x64 = 1e4 + torch.randn(512, 4, generator=_gen(10), dtype=torch.float64) * scale
    x = x64.float()
    ones, zeros = torch.ones(4), torch.zeros(4)
    y, _, _ = _three(submission.batchnorm_forward(x, ones, zeros, zeros, ones, True))
    xd = x.double()  # the truth, on the very float32 values the student got
    mean, var = xd.mean(0), xd.var(0, unbiased=False)
    expected = (xd - mean) / torch.sqrt(var + 1e-5)
    # Near 10^4, float32 values are 2^-10 apart and a sequential float32 sum of 512 of them
    # may be off by ~1e-2 in the mean: up to ~0.02 in y for the narrowest channel (std 0.5).
    # E[x^2] - E[x]^2 in float32 loses every digit (variance 0 or 8 instead of ~1).
    assert_close(
        y,
        expected,
        rtol=0,
        atol=0.05,
        what="y for float32 inputs near 1e4 (subtract the mean before squaring)",
    )


@points(1)
def test_tiny_and_zero_variance_channels(submission):
    """channels with spread 1e-3, 1e-2 and 0: eps goes inside the square root"""
    g = _gen(11)
    scale = torch.tensor([1e-3, 1e-2, 0.0], dtype=torch.float64)
    x = torch.randn(512, 3, generator=g, dtype=torch.float64) * scale + torch.tensor(
        [0.0, 5.0, 2.0], dtype=torch.float64
    )
    gamma, beta = _params(3, torch.float64, 12)
    (step,), _ = _run(submission, [x], gamma, beta, 0.1)
    y = step[0]
    assert isinstance(y, torch.Tensor) and torch.isfinite(y).all(), (
        "y has nan or inf: a channel with zero variance must still divide by sqrt(0 + eps)"
    )
    # Aimed at the placement of eps, which changes the 1e-3 channel's output by a factor
    # of ~3: rtol 1e-2 ignores smaller mistakes (N vs N - 1 is 1e-3 here) tested elsewhere.
    assert_close(
        y, step[3], rtol=1e-2, atol=1e-3, what="y (divide by sqrt(var + eps), not sqrt(var) + eps)"
    )


@points(1)
def test_one_value_per_channel_cannot_train(submission):
    """training on one value per channel raises ValueError, as BatchNorm1d does"""
    ones, zeros = torch.ones(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
    x = torch.randn(1, 3, generator=_gen(13), dtype=torch.float64)
    try:
        submission.batchnorm_forward(x, ones, zeros, zeros, ones, True)
    except StudentError as exc:
        assert exc.type_name == "ValueError", (
            f"a batch of one in training mode should raise ValueError, not {exc.type_name}"
        )
    else:
        raise AssertionError(
            "a batch of one sample in training mode has no variance to estimate (and an "
            "unbiased running variance would divide by 0): raise ValueError, as "
            "torch.nn.BatchNorm1d does"
        )
    # (1, C, 1) is one value per channel too.
    try:
        submission.batchnorm_forward(x.reshape(1, 3, 1), ones, zeros, zeros, ones, True)
    except StudentError as exc:
        assert exc.type_name == "ValueError", (
            f"one sample of length 1 in training mode should raise ValueError, not {exc.type_name}"
        )
    else:
        raise AssertionError("an input of shape (1, 3, 1) in training mode should raise ValueError")
