"""What exercise test files import: markers, partial credit, comparisons, attachments.

Tests are plain pytest-style functions that run in the trusted judge::

    from grader.exercise.api import points, assert_close

    @points(2)
    def test_sigmoid_at_zero(submission):
        assert_close(submission.sigmoid(torch.tensor(0.0)), 0.5)

Fixtures are asked for by parameter name: ``submission`` (the student's module, living
in the jail), ``reference`` (the reference solution; hidden tests only) and ``attach``
(figures and notes for the report).
"""

from __future__ import annotations

import html
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from grader.exercise.errors import StudentError
from grader.report.model import Attachment, Visibility

__all__ = [
    "Attach",
    "Partial",
    "StudentError",
    "assert_close",
    "call_keeping_inputs",
    "points",
    "timeout",
    "uses_of",
    "visibility",
]

F = TypeVar("F", bound=Callable[..., Any])


def points(value: float) -> Callable[[F], F]:
    """How many points the test is worth (default 1)."""

    def mark(func: F) -> F:
        func.__grader_points__ = float(value)  # type: ignore[attr-defined]
        return func

    return mark


def visibility(value: Visibility) -> Callable[[F], F]:
    """Gradescope-style visibility: visible, hidden, after_due_date, after_published."""

    def mark(func: F) -> F:
        func.__grader_visibility__ = value  # type: ignore[attr-defined]
        return func

    return mark


def timeout(seconds: float) -> Callable[[F], F]:
    """Wall-clock limit of this test (default: the exercise's ``limits.time_s``)."""

    def mark(func: F) -> F:
        func.__grader_timeout__ = float(seconds)  # type: ignore[attr-defined]
        return func

    return mark


@dataclass
class Partial:
    """Return this from a test to award a fraction of its points."""

    fraction: float
    message: str = ""


def assert_close(
    actual: Any,
    expected: Any,
    *,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    what: str = "result",
    like: Any = None,
    inputs: Any = None,
) -> None:
    """Assert two numbers/arrays/tensors are close, with a message a student can act on.

    Beyond the values it checks what a student's result *is*:

    - ``like``: the input the student was given. The result must be of the same kind
      (a tensor for a tensor, an array for an array, a 0-d tensor and not a Python float
      for a 0-d tensor) and the same floating dtype (float32 in, float32 out).
    - without ``like``, only values and shapes are compared (an expected value is often
      computed in float64 for a float32 result).
    - ``inputs``: shown beside a wrong value, so that a message names the input the student
      can reproduce rather than an index into data the student never sees.
    """
    import numpy as np

    if type(actual).__module__.startswith("grader.runner"):
        raise AssertionError(f"{what}: expected a number or tensor, got a {actual!r}")
    if like is not None:
        _check_kind(actual, like, what)
    try:
        a = _as_array(actual)
    except (TypeError, ValueError):
        raise AssertionError(
            f"{what}: expected a number or tensor, got {type(actual).__name__}"
        ) from None
    e = _as_array(expected)
    if a.shape != e.shape:
        raise AssertionError(f"{what}: expected shape {tuple(e.shape)}, got shape {tuple(a.shape)}")
    bad_nan = np.isnan(a) & ~np.isnan(e)
    if bad_nan.any():
        index = tuple(int(i) for i in np.argwhere(bad_nan)[0])
        raise AssertionError(
            f"{what}{_at(index, a.ndim, inputs)}: got nan (expected {float(e[index]):.6g})"
        )
    close = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        with np.errstate(invalid="ignore"):
            diff = np.abs(a - e)
        wrong = diff[~close]
        # An infinite difference is the largest there is (inf - inf is nan: also infinite).
        largest = np.inf if (~np.isfinite(wrong)).any() else float(wrong.max())
        raise AssertionError(
            f"{what}{_at(index, a.ndim, inputs)}: expected {float(e[index]):.6g}, "
            f"got {float(a[index]):.6g} ({int((~close).sum())} of {close.size} values "
            f"differ; largest difference {largest:.3g})"
        )


def _kind(value: Any) -> str:
    import numpy as np

    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return "tensor"
    if isinstance(value, np.ndarray):
        return "array"
    if isinstance(value, np.generic):
        return "numpy scalar"
    if isinstance(value, bool | int | float):
        return "Python number"
    return type(value).__name__


def _dtype(value: Any) -> str | None:
    dtype = getattr(value, "dtype", None)
    name = str(dtype).removeprefix("torch.") if dtype is not None else None
    return name if name and ("float" in name or "complex" in name) else None


def _check_kind(actual: Any, model: Any, what: str) -> None:
    """The result's kind and floating dtype against the input ``model`` (``like=``)."""
    got, want = _kind(actual), _kind(model)
    if want in ("tensor", "array") and got != want:
        shape = tuple(getattr(model, "shape", ()))
        raise AssertionError(
            f"{what}: expected a {want} (of shape {shape}), got a {got}; "
            f"return a {want} like the input"
        )
    if got == want and _dtype(model) and _dtype(actual) and _dtype(actual) != _dtype(model):
        raise AssertionError(
            f"{what}: expected dtype {_dtype(model)}, got {_dtype(actual)} "
            f"(keep the dtype of the input)"
        )


def _at(index: tuple[int, ...], ndim: int, inputs: Any) -> str:
    if not ndim:
        return f" for input {_element(inputs, index)}" if inputs is not None else ""
    where = f" at index {index}"
    if inputs is not None:
        where += f" (input {_element(inputs, index)})"
    return where


def _element(inputs: Any, index: tuple[int, ...]) -> str:
    try:
        value = _as_array(inputs)[index] if index else _as_array(inputs)
        return f"{float(value):.6g}"
    except (TypeError, ValueError, IndexError):
        return "?"


def _as_array(value: Any) -> Any:
    import numpy as np

    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        value = value.detach().to(dtype=torch.float64).numpy()
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError("not numeric")
    return arr.astype(np.float64)


def call_keeping_inputs(function: Any, *args: Any, what: str | None = None, **kwargs: Any) -> Any:
    """Call a student function and fail if it changed one of its arguments in place.

    The jail works on its own copies of the arguments; it sends them back after the call
    and they are compared here with what was sent. (A jail that lies about them only
    hides its own mistake.)
    """
    echo = getattr(type(function), "_grader_call_echo", None)
    if echo is None:  # not a student function (a reference, in a test's own check)
        return function(*args, **kwargs)
    result, after = echo(function, list(args), dict(kwargs))
    name = what or f"{getattr(function, '_name', 'the function')}()"
    for i, (before, now) in enumerate(zip(args, after, strict=False)):
        if not _same(before, now):
            raise AssertionError(
                f"{name} changed its argument {i + 1} in place; leave the input as it was "
                "and return a new value"
            )
    return result


def _same(before: Any, now: Any) -> bool:
    import numpy as np

    try:
        b, n = _as_array(before), _as_array(now)
    except (TypeError, ValueError):
        return True  # not numbers: nothing to compare
    return b.shape == n.shape and bool(np.array_equal(b, n, equal_nan=True))


def uses_of(source: dict[str, str], names: Sequence[str]) -> list[str]:
    """Where the submission's files call or name any of ``names`` ("torch.sigmoid", ...).

    A static check in the judge, on the files as submitted: aliases (``import torch as
    t``, ``from torch import sigmoid as s``), method calls (``x.sigmoid()`` for a name
    written ``.sigmoid``) and ``getattr(x, "sigmoid")`` are followed. Code built at run
    time (``exec``, computed names) is not: this enforces an exercise's rule for honest
    work, while the values are checked by the tests whatever the code looks like.
    """
    import ast

    wanted = set(names)
    methods = {n[1:] for n in wanted if n.startswith(".")}
    found: set[tuple[str, int, str]] = set()
    for path, text in sorted(source.items()):
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        alias: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    alias[a.asname or a.name.split(".")[0]] = (
                        a.name if a.asname else a.name.split(".")[0]
                    )
            elif isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    alias[a.asname or a.name] = f"{node.module}.{a.name}"
        for node in ast.walk(tree):
            hit = None
            if isinstance(node, ast.Attribute | ast.Name):
                dotted = _dotted(node, alias)
                if dotted in wanted:
                    hit = dotted
                elif isinstance(node, ast.Attribute) and node.attr in methods:
                    hit = "." + node.attr
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "getattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in methods
            ):
                hit = f"getattr(..., {node.args[1].value!r})"
            if hit:
                found.add((path, int(getattr(node, "lineno", 0)), hit))
    return [f"{path} line {line}: {hit}" for path, line, hit in sorted(found)]


def _dotted(node: Any, alias: dict[str, str]) -> str | None:
    import ast

    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    head = alias.get(node.id, node.id)
    return ".".join([head, *reversed(parts)])


class Attach:
    """Collects figures and notes that the HTML report shows beside the verdict."""

    def __init__(self) -> None:
        self.items: list[Attachment] = []

    def svg(self, title: str, markup: str) -> None:
        self.items.append(Attachment("svg", title, markup))

    def note(self, title: str, text: str) -> None:
        self.items.append(Attachment("text", title, text))

    def bar_chart(
        self, title: str, labels: Sequence[str], values: Sequence[float], *, log: bool = False
    ) -> None:
        """A small dependency-free SVG bar chart (e.g. per-layer gradient norms)."""
        self.svg(title, bar_chart_svg(title, labels, values, log=log))


def bar_chart_svg(
    title: str, labels: Sequence[str], values: Sequence[float], *, log: bool = False
) -> str:
    """Bars grow upwards from the smallest value shown (for ``log``, from a power of ten)."""
    import math

    width, height, pad, left = 380, 210, 28, 56
    if log:
        exps = [math.log10(max(float(v), 1e-300)) for v in values] or [0.0]
        floor = math.floor(min(exps)) - 1
        ceil = math.ceil(max(exps))
        heights = [(e - floor) / ((ceil - floor) or 1) for e in exps]
        bottom_label, top_label = f"1e{floor}", f"1e{ceil}"
    else:
        top = max([float(v) for v in values] + [0.0]) or 1.0
        heights = [max(float(v), 0.0) / top for v in values]
        bottom_label, top_label = "0", f"{top:.3g}"
    plot_h = height - 2 * pad
    bar_w = (width - left - pad) / max(len(heights), 1)
    esc = html.escape
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}" '
        'font-family="sans-serif">',
        f"<title>{esc(title)}</title>",
        f'<line x1="{left}" y1="{pad}" x2="{left}" y2="{height - pad}" stroke="#333"/>',
        f'<line x1="{left}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="#333"/>',
        f'<text x="{left - 4}" y="{pad + 4}" font-size="10" text-anchor="end">'
        f"{esc(top_label)}</text>",
        f'<text x="{left - 4}" y="{height - pad}" font-size="10" text-anchor="end">'
        f"{esc(bottom_label)}</text>",
    ]
    for i, (label, h) in enumerate(zip(labels, heights, strict=False)):
        x = left + i * bar_w
        bar = max(h * plot_h, 0.5)
        parts.append(
            f'<rect x="{x + 3:.1f}" y="{height - pad - bar:.1f}" width="{bar_w - 6:.1f}" '
            f'height="{bar:.1f}" fill="#4a7bd0"/>'
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{height - pad + 14}" font-size="10" '
            f'text-anchor="middle">{esc(str(label))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
