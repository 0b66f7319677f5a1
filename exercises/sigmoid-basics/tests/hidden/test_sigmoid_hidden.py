"""Hidden tests: only the grader runs these."""

import torch

from grader.exercise.api import (
    Partial,
    StudentError,
    assert_close,
    call_keeping_inputs,
    points,
    uses_of,
)

# The statement asks for sigmoid written by hand.
BUILT_INS = ("torch.sigmoid", "torch.nn.functional.sigmoid", "torch.special.expit", ".sigmoid")


def _values(seed: int, n: int = 64) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    return (torch.randn(n, generator=gen, dtype=torch.float64) * 6).reshape(8, n // 8)


@points(2)
def test_sigmoid_matches_reference(submission, reference, source):
    """sigmoid, written by hand, agrees with the reference on random inputs"""
    found = uses_of(source, BUILT_INS)
    assert not found, "write sigmoid yourself instead of calling a built-in: " + "; ".join(found)
    x = _values(1)
    got = call_keeping_inputs(submission.sigmoid, x, what="sigmoid(x)")
    assert_close(got, reference.sigmoid(x), what="sigmoid(x)", like=x, inputs=x)


@points(2)
def test_sigmoid_is_stable_for_large_inputs(submission):
    """sigmoid stays finite for inputs as large as ±1000"""
    for dtype in (torch.float32, torch.float64):
        x = torch.tensor([-1000.0, -100.0, -30.0, 30.0, 100.0, 1000.0], dtype=dtype)
        expected = torch.tensor([0.0, 0.0, 9.357623e-14, 1.0, 1.0, 1.0], dtype=torch.float64)
        got = submission.sigmoid(x)
        assert_close(got, expected, atol=1e-6, what=f"sigmoid(x) for {dtype}")
        assert got.dtype == dtype, f"sigmoid of a {dtype} tensor should be {dtype}, not {got.dtype}"


@points(2)
def test_derivative_matches_autograd(submission):
    """sigmoid_derivative agrees with autograd"""
    x = _values(2).requires_grad_(True)
    torch.sigmoid(x).sum().backward()
    inputs = x.detach()
    got = call_keeping_inputs(submission.sigmoid_derivative, inputs, what="sigmoid_derivative(x)")
    assert_close(got, x.grad, what="sigmoid'(x)", like=inputs, inputs=inputs)


@points(1)
def test_derivative_is_stable_for_large_inputs(submission):
    """sigmoid_derivative is 0, not nan, far from 0"""
    x = torch.tensor([-1000.0, 1000.0], dtype=torch.float64)
    assert_close(submission.sigmoid_derivative(x), [0.0, 0.0], atol=1e-12, what="sigmoid'(±1000)")


@points(2)
def test_chain_derivative(submission, reference, attach):
    """chain_derivative applies the chain rule through each layer (partial credit per depth)"""
    x = torch.tensor([-2.0, 0.0, 0.5, 3.0], dtype=torch.float64)
    depths = range(1, 7)
    right, norms, raised = 0, [], None
    for depth in depths:
        expected = reference.chain_derivative(x, depth)
        norms.append(float(expected.abs().max()))
        try:  # one depth that raises costs that depth only
            got = submission.chain_derivative(x, depth)
            assert_close(got, expected, what=f"depth {depth}", like=x)
            right += 1
        except AssertionError:
            pass
        except StudentError as exc:
            raised = raised or exc
    attach.bar_chart(
        "largest gradient through n stacked sigmoids (log scale)",
        [str(d) for d in depths],
        norms,
        log=True,
    )
    attach.note("why it shrinks", "each layer multiplies by a slope of at most 0.25")
    if right == 0 and raised is not None:
        raise raised  # nothing worked: say why, as any other test would
    return Partial(right / len(depths), f"{right} of {len(depths)} depths right")
