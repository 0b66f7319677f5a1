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


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"\eta = 0.5", "η = 0.5"),  # the space after \eta is TeX's, the relation's is ours
        (r"\eta= 0.5", "η = 0.5"),
        (r"x<y", "x < y"),
        (r"\|g \|", "‖g‖"),
        (r"\lVert g \rVert_2", "‖g‖₂"),
        (r"\left( a, b \right)", "(a, b)"),
        (r"\sum_{i = 1}^{n} x_i", "Σᵢ₌₁ⁿ xᵢ"),
        (r"x^{n - 1}", "xⁿ⁻¹"),
        (r"f(x) = x + 1", "f(x) = x + 1"),
    ],
)
def test_math_spacing_follows_tex_not_the_source(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


def test_a_full_stop_never_wraps_alone_onto_a_line() -> None:
    md = r"The learning rate here is $\eta = 0.5$."
    for columns in range(12, 45):
        lines = render_markdown(md, columns, Painter(False))
        assert all(line.strip() != "." for line in lines), (columns, lines)
        assert all(width(line) <= columns for line in lines), (columns, lines)
        assert " ".join(lines).replace("  ", " ") == "The learning rate here is η = 0.5."


def test_glued_pieces_move_together_and_long_words_still_break() -> None:
    paint = Painter(False)
    assert wrap_segments([("aaaa bbbb ", ""), ("cc", "i"), (".", "")], 10, paint) == [
        "aaaa bbbb",
        "cc.",
    ]
    assert wrap_segments([("x" * 25, "")], 10, paint) == ["x" * 10, "x" * 10, "x" * 5]


def test_inline_code_keeps_its_spacing() -> None:
    code = "`layer1: 2e-07  layer2: 4e-06`"
    assert plain_inline(code).replace("\u00a0", " ") == "layer1: 2e-07  layer2: 4e-06"
    lines = render_markdown(f"Reading {code} here.", 80, Painter(False))
    assert lines[0].replace("\u00a0", " ") == "Reading layer1: 2e-07  layer2: 4e-06 here."
    narrow = render_markdown(f"Reading {code} here.", 20, Painter(False))
    assert all(width(line) <= 20 for line in narrow), narrow
