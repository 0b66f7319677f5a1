"""Terminal rendering: math to Unicode, Markdown wrapping, colour on and off."""

from __future__ import annotations

import pytest

from grader.report.latex_text import latex_to_text
from grader.report.markdown_term import plain_inline, render_markdown
from grader.report.style import Painter, color_wanted, width, wrap_segments


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"\frac{1}{4}", "1/4"),
        (r"\sigma'(x)", "σ′(x)"),
        (r"0.03 \cdot 0.05", "0.03 · 0.05"),
        (r"\frac{\partial L}{\partial w_1}", "(∂L)/(∂w₁)"),
        (r"10^{-10}", "10⁻¹⁰"),
        (r"\sigma(x)(1-\sigma(x))", "σ(x)(1-σ(x))"),
        (r"\mathbb{R}^n", "ℝⁿ"),
        (r"\text{ReLU}(x)", "ReLU(x)"),
        (r"\sqrt{2}", "√2"),
        (r"\unknowncommand", "unknowncommand"),
    ],
)
def test_latex_to_text(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


def test_inline_markdown_is_plain_and_readable() -> None:
    assert plain_inline(r"The max is $\frac{1}{4}$, **not** `1`") == "The max is 1/4, not 1"


def test_paragraphs_wrap_to_the_width_and_keep_list_indents() -> None:
    md = "word " * 40 + "\n\n- " + "item " * 30 + "\n- two\n"
    lines = render_markdown(md, 40, Painter(False), indent="  ")
    assert all(width(line) <= 40 for line in lines)
    bullet = next(i for i, line in enumerate(lines) if line.startswith("  • item"))
    assert lines[bullet + 1].startswith("    item")  # hanging indent under the bullet


def test_colour_codes_only_when_colour_is_on() -> None:
    on = render_markdown("**bold** $x^2$", 80, Painter(True))
    off = render_markdown("**bold** $x^2$", 80, Painter(False))
    assert "\x1b[1m" in on[0]
    assert off == ["bold x²"]


def test_wrapping_never_counts_escape_codes() -> None:
    lines = wrap_segments([("aaaa bbbb cccc", "red")], 10, Painter(True))
    assert [width(line) for line in lines] == [9, 4]
    assert all(line.endswith("\x1b[0m") for line in lines)  # no colour left open


def test_no_color_env_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert color_wanted()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not color_wanted()
    monkeypatch.delenv("NO_COLOR")
    assert not color_wanted(no_color=True)
