"""Hidden tests: only the grader runs these. Every expected value comes from
torch.nn.utils.clip_grad_norm_ / clip_grad_value_ in the judge, on copies of the same
gradients, drawn here under fixed seeds.

Tolerances, by dtype:
- float32 gradients (as in real training), up to ~500 values per list: the total norm
  carries ~1e-6 relative rounding error in any summation order, so rtol 1e-5 (atol 1e-7
  for entries that clip to ~0). A missing 1e-6 eps is below float32's resolution at these
  norms; it has its own float64 test.
- float64: rtol 1e-9 where the test is about the eps; 1e-6 in the norm-type test, which is
  aimed at the order of the norm (a missing eps, 1e-7 relative there, is not its business).
"""

import math
from contextlib import contextmanager

import torch

from grader.exercise.api import Partial, StudentError, assert_close, points, uses_of

F32 = {"rtol": 1e-5, "atol": 1e-7}
INF = math.inf

# The statement asks for clipping written by hand: torch's versions are what it is judged
# against. (A static check of the files as submitted; see grader.exercise.api.uses_of.)
TORCH_CLIPPING = tuple(
    f"torch.nn.utils{module}.{name}"
    for module in ("", ".clip_grad")
    for name in ("clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "clip_grads_with_norm_",
                 "get_total_norm")
)  # fmt: skip


def _by_hand(source, what):
    found = uses_of(source, TORCH_CLIPPING)
    assert not found, f"write {what} yourself instead of calling torch's: " + "; ".join(found)


@contextmanager
def _one_thread():
    """Judge-side torch on one thread: on a busy 2-core machine the pool makes small ops
    slow. Restored afterwards (the setting is per process)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _params(grads):
    """Parameters (of the gradients' shapes and dtypes) holding copies of ``grads``."""
    params = []
    for g in grads:
        p = torch.zeros(1 if g is None else g.shape, requires_grad=True)
        if g is not None:
            p = p.to(g.dtype).detach().requires_grad_(True)
            p.grad = g.clone()
        params.append(p)
    return params


def _torch_norm_clip(grads, max_norm, norm_type=2.0):
    """torch's clip_grad_norm_ on parameters holding copies of ``grads``."""
    params = _params(grads)
    with _one_thread():
        total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
    return [p.grad for p in params], total


def _torch_value_clip(grads, clip_value):
    params = _params(grads)
    torch.nn.utils.clip_grad_value_(params, clip_value)
    return [p.grad for p in params]


def _pair(out):
    assert isinstance(out, tuple | list) and len(out) == 2, (
        "clip_grad_norm_ should return two things: (grads, total_norm)"
    )
    grads, total = out
    assert isinstance(grads, list), (
        f"the clipped grads should be a list, not {type(grads).__name__}"
    )
    return grads, total


def _total(value, what="returned total norm"):
    """The total norm as a float: a 0-d (or one-element) tensor, or a number."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.reshape(()))
    assert isinstance(value, int | float) and not isinstance(value, bool), (
        f"{what}: expected a 0-d tensor or a number, got {type(value).__name__}"
    )
    return float(value)


def _same_grads(got, expected, tol, what):
    assert len(got) == len(expected), (
        f"{what}: expected {len(expected)} gradients back, got {len(got)}"
    )
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        if e is None:
            assert g is None, f"{what}: gradient {i} was None and must stay None"
            continue
        assert isinstance(g, torch.Tensor), f"{what}: gradient {i} should be a tensor"
        assert g.dtype == e.dtype, f"{what}: gradient {i} should stay {e.dtype}, got {g.dtype}"
        assert_close(g, e, **tol, what=f"{what}, gradient {i}")


def _random_grads(seed, dtype=torch.float32, scale=10.0):
    g = torch.Generator().manual_seed(seed)
    shapes = [(8, 4), (4,), (16, 8), (8,), (3, 3, 3)]
    return [torch.randn(s, generator=g, dtype=dtype) * scale for s in shapes]


@points(2)
def test_global_norm_clipping_matches_torch(submission, source):
    """above max_norm: every gradient is scaled by one global factor, as torch does
    (written by hand)"""
    _by_hand(source, "clip_grad_norm_")
    for seed, max_norm in ((1, 1.0), (2, 5.0), (3, 0.1), (4, 0.0)):
        grads = _random_grads(seed)
        expected, _ = _torch_norm_clip(grads, max_norm)
        got, _ = _pair(submission.clip_grad_norm_(grads, max_norm))
        _same_grads(got, expected, F32, f"clip_grad_norm_ at max_norm {max_norm}")


@points(1)
def test_returns_the_norm_before_clipping(submission):
    """the returned total norm is the one the gradients had before clipping"""
    for seed, max_norm in ((5, 1.0), (6, 0.5)):
        grads = _random_grads(seed)
        _, expected = _torch_norm_clip(grads, max_norm)
        _, total = _pair(submission.clip_grad_norm_(grads, max_norm))
        assert_close(
            _total(total),
            float(expected),
            **F32,
            what=f"returned total norm at max_norm {max_norm} (the norm before clipping)",
        )


@points(1)
def test_eps_in_the_divisor(submission):
    """the scale is max_norm / (total norm + 1e-6), which matters for tiny norms"""
    grads = [
        torch.tensor([6e-7, 0.0], dtype=torch.float64),
        torch.tensor([8e-7], dtype=torch.float64),
    ]
    expected, _ = _torch_norm_clip(grads, 1e-7)  # total 1e-6: scale 1e-7 / 2e-6 = 0.05
    got, _ = _pair(submission.clip_grad_norm_(grads, 1e-7))
    _same_grads(
        got,
        expected,
        {"rtol": 1e-9, "atol": 0.0},
        "clip_grad_norm_ of a total norm 1e-6 at max_norm 1e-7 (divide by total + 1e-6)",
    )


@points(2)
def test_norm_types(submission):
    """norm_type 1, 3 and inf: the total norm and the clipping follow that norm"""
    right, problems = 0, []
    cases = (1.0, 3.0, INF, 2.0)
    for norm_type in cases:
        grads = _random_grads(7, torch.float64)
        expected, expected_total = _torch_norm_clip(grads, 2.0, norm_type)
        try:
            got, total = _pair(submission.clip_grad_norm_(grads, 2.0, norm_type))
            assert_close(
                _total(total),
                float(expected_total),
                rtol=1e-6,
                what=f"total norm of order {norm_type}",
            )
            _same_grads(got, expected, {"rtol": 1e-6, "atol": 1e-12}, f"norm_type {norm_type}")
            right += 1
        except AssertionError as exc:
            problems.append(str(exc).splitlines()[0])
    assert right, "; ".join(problems)
    return Partial(right / len(cases), "; ".join(problems) or f"all {len(cases)} norm types right")


@points(1)
def test_empty_and_missing_gradients(submission):
    """an empty list gives total norm 0; None entries are skipped and stay None"""
    grads, total = _pair(submission.clip_grad_norm_([], 1.0))
    assert grads == [], f"clip_grad_norm_([]) should give back an empty list, not {grads!r}"
    assert _total(total, "total norm of no gradients") == 0.0, "the norm of no gradients is 0"
    some = [None, torch.tensor([30.0, -40.0]), None, torch.tensor([0.0])]
    expected, expected_total = _torch_norm_clip(some, 5.0)
    got, total = _pair(submission.clip_grad_norm_(some, 5.0))
    assert_close(_total(total), float(expected_total), **F32, what="total norm, skipping None")
    _same_grads(got, expected, F32, "clip_grad_norm_ with None entries")
    got = submission.clip_grad_value_([None, torch.tensor([3.0])], 1.0)
    assert isinstance(got, list) and got[0] is None, "clip_grad_value_ must keep None entries"
    assert_close(got[1], [1.0], **F32, what="clip_grad_value_ next to a None entry")


def _raises_runtime_error(call, what):
    try:
        call()
    except StudentError as exc:
        assert exc.type_name == "RuntimeError", (
            f"{what}: expected RuntimeError, got {exc.type_name}"
        )
        return
    raise AssertionError(f"{what}: expected a RuntimeError (error_if_nonfinite=True)")


@points(1)
def test_nonfinite_raises_when_asked(submission):
    """error_if_nonfinite=True raises RuntimeError for an inf or nan total norm, only then"""
    for bad in (INF, math.nan):
        grads = [torch.tensor([1.0, bad]), torch.tensor([2.0])]
        _raises_runtime_error(
            lambda grads=grads: submission.clip_grad_norm_(grads, 1.0, 2.0, True),
            f"gradients holding {bad}",
        )
    # Finite gradients: no error. (Whether they are clipped right is tested elsewhere.)
    grads = _random_grads(8)
    _, expected_total = _torch_norm_clip(grads, 1.0)
    _, total = _pair(submission.clip_grad_norm_(grads, 1.0, 2.0, True))
    assert_close(
        _total(total), float(expected_total), **F32, what="total norm with error_if_nonfinite=True"
    )


@points(1)
def test_nonfinite_scales_like_torch(submission):
    """without the error, an inf total zeroes the gradients (inf * 0 = nan), a nan one
    makes them all nan, as in torch"""
    for bad in (INF, math.nan):
        grads = [torch.tensor([3.0, bad, -1.0]), torch.tensor([2.0])]
        expected, expected_total = _torch_norm_clip(grads, 1.0)
        got, total = _pair(submission.clip_grad_norm_(grads, 1.0))
        t, want = _total(total), float(expected_total)
        same = (math.isnan(t) and math.isnan(want)) or t == want
        assert same, f"gradients holding {bad}: total norm should be {want}, got {t}"
        _same_grads(got, expected, F32, f"gradients holding {bad}")


@points(1)
def test_value_clipping_matches_torch(submission, source):
    """clip_grad_value_ matches torch on random float32 and float64 gradients, nan and inf
    (written by hand)"""
    _by_hand(source, "clip_grad_value_")
    for dtype in (torch.float32, torch.float64):
        grads = _random_grads(9, dtype, scale=3.0)
        grads[1][0], grads[1][1] = math.nan, -INF
        expected = _torch_value_clip(grads, 1.5)
        got = submission.clip_grad_value_(grads, 1.5)
        assert isinstance(got, list), "clip_grad_value_ should return the list of gradients"
        _same_grads(got, expected, {"rtol": 0.0, "atol": 0.0}, f"clip_grad_value_ ({dtype})")


def _deep_linear(seed):
    """Exploding gradients: 8 linear layers whose weights are 3x too large, so the
    gradients grow by ~3 per layer. float64, so that only the explosion overflows."""
    g = torch.Generator().manual_seed(seed)
    width, depth, gain = 16, 8, 3.0
    weights = [
        torch.randn(width, width, generator=g, dtype=torch.float64) * gain / math.sqrt(width)
        for _ in range(depth)
    ]
    x = torch.randn(64, width, generator=g, dtype=torch.float64)
    y = torch.randn(64, width, generator=g, dtype=torch.float64)
    return weights, x, y


def _loss_and_grads(weights, x, y):
    ws = [w.clone().requires_grad_(True) for w in weights]
    with _one_thread():
        h = x
        for w in ws:
            h = h @ w.T
        loss = (h - y).pow(2).mean()
        loss.backward()
    return float(loss.detach()), [w.grad for w in ws]


@points(2)
def test_exploding_gradients_are_tamed(submission, attach):
    """large initial weights: plain SGD blows up, with your clipping (max_norm 1) it trains"""
    lr, steps, max_norm = 0.01, 40, 1.0
    weights, x, y = _deep_linear(10)
    # Without clipping, in the judge: the loss overflows within a few steps.
    plain, unclipped = [w.clone() for w in weights], []
    for _ in range(5):
        loss, grads = _loss_and_grads(plain, x, y)
        unclipped.append(loss)
        if not math.isfinite(loss):
            break
        plain = [w - lr * g for w, g in zip(plain, grads, strict=True)]
    assert not math.isfinite(unclipped[-1]), "the judge's example did not explode (a bug)"
    # With the student's clipping: the judge computes the gradients and applies each
    # step itself, after checking the clipped gradients against torch's.
    losses, norms = [], []
    for step in range(steps):
        loss, grads = _loss_and_grads(weights, x, y)
        losses.append(loss)
        expected, expected_total = _torch_norm_clip(grads, max_norm)
        got, total = _pair(submission.clip_grad_norm_(grads, max_norm))
        norms.append(float(expected_total))
        assert_close(
            _total(total), float(expected_total), rtol=1e-9, what=f"total norm at step {step}"
        )
        _same_grads(got, expected, {"rtol": 1e-9, "atol": 0.0}, f"clipped gradients, step {step}")
        weights = [w - lr * g for w, g in zip(weights, got, strict=True)]
    attach.bar_chart(
        "gradient norm before clipping, per step (log scale)",
        [str(i) for i in range(steps)],
        norms,
        log=True,
    )
    attach.note(
        "what the judge measured",
        f"without clipping the loss went {' -> '.join(f'{v:.3g}' for v in unclipped)}; "
        f"with clipping at max_norm {max_norm} it went from {losses[0]:.3g} to "
        f"{losses[-1]:.3g} in {steps} steps, each step at most lr * max_norm long.",
    )
    assert all(math.isfinite(v) for v in losses), "the loss became non-finite with clipping"
    assert losses[-1] < 0.75 * losses[0], (
        f"with clipping the loss only went from {losses[0]:.3g} to {losses[-1]:.3g}"
    )


@points(1)
def test_vanishing_gradients_pass_through_unchanged(submission):
    """a deep sigmoid net's tiny first-layer gradients come back untouched (no fix for vanishing)"""
    g = torch.Generator().manual_seed(11)
    ws = [
        torch.randn(8, 8, generator=g, dtype=torch.float64).requires_grad_(True) for _ in range(10)
    ]
    with _one_thread():
        h = torch.randn(32, 8, generator=g, dtype=torch.float64)
        for w in ws:
            h = torch.sigmoid(h @ w.T)
        h.pow(2).mean().backward()
    grads = [w.grad for w in ws[:3]]  # the first three layers: where gradients vanish
    _, total = _torch_norm_clip(grads, 1.0)
    assert float(total) < 1e-3, "the judge's example is not a vanishing one (a bug)"
    got, _ = _pair(submission.clip_grad_norm_(grads, 1.0))
    _same_grads(
        got,
        grads,
        {"rtol": 1e-15, "atol": 0.0},
        f"first layers' gradients, total norm {float(total):.2g} < max_norm 1 (they must not "
        "be scaled up: clipping treats exploding gradients, not vanishing ones)",
    )
