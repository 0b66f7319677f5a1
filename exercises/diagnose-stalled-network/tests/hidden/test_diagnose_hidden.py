"""Hidden tests: the lesson's stalled network, measured by the judge under Adam and SGD."""

import math

import torch

from grader.exercise import arch, training
from grader.exercise.api import assert_close, points

STEPS = 300


def lesson_net(hidden=9, init="xavier_uniform"):
    """2 -> 9 x 10 sigmoid -> 1, Xavier-uniform weights (seed 0), the 200 training points
    (or another depth and initialisation of the same stack)."""
    spec = arch.validate(arch.sigmoid_stack(hidden=hidden, init=init), n_train=200)
    with training.deterministic(0):
        model = arch.build(spec)
    linears = arch.linear_modules(model)
    weights = [m.weight.detach().clone() for m in linears]
    biases = [m.bias.detach().clone() for m in linears]
    x, y, _, _ = training.moons_split()
    return weights, biases, torch.as_tensor(x), torch.as_tensor(y)


def expected_diagnosis(measured):
    last = measured.grad_norms[-1]
    vanishing = [i for i, g in enumerate(measured.grad_norms[:-1]) if g < 1e-3 * last]
    return {"vanishing": vanishing, "stalled": abs(measured.losses[-1] - math.log(2)) < 0.01}


def judge_diagnosis(submission, optimizer, lr, hidden=9, init="xavier_uniform"):
    w, b, x, y = lesson_net(hidden, init)
    m = training.measure_sigmoid_net(w, b, x, y, optimizer=optimizer, lr=lr, steps=STEPS)
    got = submission.diagnose(m.grad_norms, m.relative_change, m.losses)
    want = expected_diagnosis(m)
    moved = ", ".join(f"{c:.0%}" for c in m.relative_change)
    net = "" if (hidden, init) == (9, "xavier_uniform") else f"{hidden} hidden layers, {init}, "
    assert got == want, (
        f"{net}under {optimizer} (lr {lr}, {STEPS} full-batch steps) expected {want!r}, "
        f"got {got!r}; "
        f"the layers' weights moved by {moved}; the loss went from {m.losses[0]:.4f} to "
        f"{m.losses[-1]:.4f}"
    )


@points(2)
def test_gradient_norms_of_the_stalled_net(submission, attach):
    """gradient_norms matches autograd on the lesson's network (float64, to 1e-8 relative)"""
    w, b, x, y = lesson_net()
    expected = training.measure_sigmoid_net(w, b, x, y, optimizer="sgd", lr=0.0, steps=1).grad_norms
    attach.bar_chart(
        "gradient norm per layer (judge)", [str(i) for i in range(10)], expected, log=True
    )
    got = submission.gradient_norms(w, b, x, y)
    assert_close(
        torch.tensor(got, dtype=torch.float64), expected, rtol=1e-8, atol=0, what="gradient norms"
    )


@points(1)
def test_relative_change_on_random_weights(submission):
    """relative_change matches on random weight matrices"""
    gen = torch.Generator().manual_seed(11)
    before = [torch.randn(5, 3, generator=gen, dtype=torch.float64) for _ in range(4)]
    after = [t + 0.3 * torch.randn(5, 3, generator=gen, dtype=torch.float64) for t in before]
    expected = [float((a - b).norm() / b.norm()) for b, a in zip(before, after, strict=False)]
    got = submission.relative_change(before, after)
    assert_close(
        torch.tensor(got, dtype=torch.float64), expected, rtol=1e-9, what="relative change"
    )


@points(3)
def test_diagnosis_under_adam(submission):
    """under Adam the early layers' weights move a lot, yet their gradients vanish"""
    judge_diagnosis(submission, "adam", 1e-3)


@points(1)
def test_diagnosis_under_sgd(submission):
    """under plain SGD the early layers barely move, and their gradients vanish"""
    judge_diagnosis(submission, "sgd", 0.1)


@points(1)
def test_diagnosis_of_other_networks(submission):
    """the same rules on networks other than the lesson's: one that learns, one that
    stalls with more layers vanishing"""
    judge_diagnosis(submission, "adam", 1e-2, hidden=2)  # learns: nothing vanishes
    judge_diagnosis(submission, "adam", 1e-3, init="default")  # layers 0-5 vanish, stalled
