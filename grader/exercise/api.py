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
    "points",
    "timeout",
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
    actual: Any, expected: Any, *, rtol: float = 1e-5, atol: float = 1e-7, what: str = "result"
) -> None:
    """Assert two numbers/arrays/tensors are close, with a message a student can act on."""
    import numpy as np

    if type(actual).__module__.startswith("grader.runner"):
        raise AssertionError(f"{what}: expected a number or tensor, got a {actual!r}")
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
        raise AssertionError(f"{what}: got nan at index {index} (expected {float(e[index]):.6g})")
    close = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        where = f" at index {index}" if a.ndim else ""
        diff = np.abs(a - e)
        raise AssertionError(
            f"{what}{where}: expected {float(e[index]):.6g}, got {float(a[index]):.6g} "
            f"({int((~close).sum())} of {close.size} values differ; "
            f"largest difference {float(np.nanmax(np.where(np.isfinite(diff), diff, np.nan))):.3g})"
        )


def _as_array(value: Any) -> Any:
    import numpy as np

    if hasattr(value, "detach") and hasattr(value, "numpy"):
        value = value.detach().to(dtype=_float64(value)).numpy()
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError("not numeric")
    return arr.astype(np.float64)


def _float64(tensor: Any) -> Any:
    import torch

    return torch.float64


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
