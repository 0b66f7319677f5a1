"""Public tests: your numbers are compared with the judge's own autograd computation."""

import itertools

import torch

from grader.exercise import training
from grader.exercise.api import assert_close, points


def small_net(seed):
    gen = torch.Generator().manual_seed(seed)
    sizes = [2, 4, 4, 1]
    weights = [
        torch.randn(o, i, generator=gen, dtype=torch.float64) for i, o in itertools.pairwise(sizes)
    ]
    biases = [torch.randn(o, generator=gen, dtype=torch.float64) * 0.1 for o in sizes[1:]]
    x = torch.randn(16, 2, generator=gen, dtype=torch.float64)
    y = (x[:, 0] > 0).to(torch.float64)
    return weights, biases, x, y


@points(2)
def test_gradient_norms_of_a_small_net(submission):
    """gradient_norms matches autograd on a 3-layer sigmoid net (float64, to 1e-9 relative)"""
    w, b, x, y = small_net(0)
    expected = training.measure_sigmoid_net(w, b, x, y, optimizer="sgd", lr=0.0, steps=1).grad_norms
    got = submission.gradient_norms(w, b, x, y)
    assert_close(
        torch.tensor(got, dtype=torch.float64), expected, rtol=1e-9, atol=0, what="gradient norms"
    )


@points(1)
def test_relative_change_of_doubled_weights(submission):
    """doubling every weight is a relative change of 1 (100 %)"""
    before = [torch.ones(3, 2, dtype=torch.float64), torch.full((1, 3), -0.5, dtype=torch.float64)]
    after = [2 * t for t in before]
    got = submission.relative_change(before, after)
    assert_close(torch.tensor(got, dtype=torch.float64), [1.0, 1.0], what="relative change")


@points(1)
def test_diagnose_reads_the_gradients(submission):
    """layer 0's gradient is 1e-8 of the output layer's: it vanishes, and the loss sits at ln 2"""
    got = submission.diagnose([1e-8, 1e-2, 1.0], [0.5, 0.4, 0.3], [0.75, 0.70, 0.6932])
    assert got == {"vanishing": [0], "stalled": True}, (
        f'expected {{"vanishing": [0], "stalled": True}}, got {got!r}'
    )
