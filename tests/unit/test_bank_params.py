"""Parametrized questions: the safe expression language, number formats, drawing params,
stable variants per student, and `quiz check` sampling variants for bad ones."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.bank import load_bank, load_bank_text
from grader.bank.expr import ExprError, compile_expr
from grader.bank.params import format_value
from grader.bank.variants import bank_for_student, bank_variant, variant_for
from grader.cli import main
from grader.errors import ValidationFailed


def ev(source: str, **values: float) -> object:
    return compile_expr(source, list(values)).evaluate(values)


def refused(source: str, *names: str) -> ExprError:
    with pytest.raises(ExprError) as info:
        compile_expr(source, list(names)).evaluate(dict.fromkeys(names, 1.0))
    return info.value


# -- the language ----------------------------------------------------------------------------


def test_arithmetic_functions_and_conditionals() -> None:
    assert ev("w - eta * g", w=0.5, eta=0.1, g=2.0) == pytest.approx(0.3)
    assert ev("sigmoid(z) * (1 - sigmoid(z))", z=0.0) == 0.25
    assert ev("sigmoid(-1000)") == 0.0 and ev("sigmoid(1000)") == 1.0
    assert ev("prod([0.25, 0.5, 0.2])") == pytest.approx(0.025)
    assert ev("sum(range(5))") == 10
    assert ev("max(a, 2, 3) if a > 0 and not a == 5 else -1", a=4.0) == 4.0
    assert ev("round(2.345, 2)") == 2.35 or ev("round(2.345, 2)") == 2.34  # binary rounding
    assert ev("log(e) + log(8, 2) + log10(100) + sqrt(16) + tanh(0) + abs(-2)") == 12.0
    assert ev("1 < 2 < 3") is True and ev("3 // 2 + 7 % 4") == 4
    assert ev("pi") == math.pi


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-50, 50, allow_nan=False),
    st.floats(0.01, 50, allow_nan=False),
    st.integers(1, 6),
)
def test_expressions_agree_with_the_formula(a: float, b: float, n: int) -> None:
    got = ev("(a * b - a / b) ** 2 + exp(-b) * n - sqrt(b) * tanh(a)", a=a, b=b, n=n)
    want = (a * b - a / b) ** 2 + math.exp(-b) * n - math.sqrt(b) * math.tanh(a)
    assert got == pytest.approx(want, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("source", "words", "column"),
    [
        ("x.__class__", "attribute access", 0),
        ("x[0]", "indexing", 0),
        ("__import__('os')", "calling __import__ is not allowed", 0),
        ("open('f')", "calling open is not allowed", 0),
        ("(lambda: 1)()", "calling this is not allowed", 0),
        ("[a for a in range(3)]", "'ListComp' is not allowed", 0),
        ("round(x, ndigits=2)", "keyword arguments", 0),
        ("x + y", "unknown name 'y'", 4),
        ("xx + 1", "did you mean 'x'", 0),
        ("1 + * 2", "not a valid expression", 4),
        ("x + 1 / (x - x)", "division by zero", 9),  # the divisor
        ("log(x - 2)", "log of -1", 0),
        ("sqrt(0 - x)", "square root", 0),
        ("9**9**9", "too large", 0),
        ("prod(range(10**6))", "over the limit of 1000", 5),
        ("2.0 ** 5000", "too large", 0),
        ("1e200 * 1e200", "not a finite number", 0),
        ("exp(1000)", "too large", 0),
        ("x if not x else exp", "is a function", 16),
        ("'a' * 3", "needs numbers", 0),
    ],
)
def test_refused_with_a_located_message(source: str, words: str, column: int) -> None:
    error = refused(source, "x")
    assert words in error.message
    assert error.column == column


def test_size_and_work_are_bounded() -> None:
    assert "too long" in refused("1+" * 250 + "1").message
    assert "too big" in refused("+".join(["x"] * 150), "x").message
    assert "over the limit" in refused("sum(range(2000))").message
    assert "too large" in refused("prod(range(1, 999))").message  # the integer grows past 2^256
    # Work is counted: nested sums of the largest allowed ranges run out of budget.
    six = " + ".join(["sum(range(999))"] * 6)
    assert "too much work" in refused(six).message


def test_formats() -> None:
    assert format_value(0.0012345, "sig 3", math_mode=False) == "0.00123"
    assert format_value(1.01, "sig 2", math_mode=False) == "1.0"
    assert format_value(123456.0, "sig 2", math_mode=False) == "1.2e5"
    assert format_value(0.000123, "sci 2", math_mode=False) == "1.2e-4"
    assert format_value(0.000123, "sci 2", math_mode=True) == "1.2 \\times 10^{-4}"
    assert format_value(2.5, "fix 3", math_mode=False) == "2.500"
    assert format_value(3, "", math_mode=False) == "3"
    assert format_value(0.1 + 0.2, "", math_mode=False) == "0.3"
    assert format_value(1.5e-7, "", math_mode=True) == "1.5 \\times 10^{-7}"
    assert format_value("tanh", "", math_mode=False) == "tanh"


# -- params in a bank ------------------------------------------------------------------------

BANK = """\
id: params
title: Parametrized
seed: 11
variants: 40
questions:
  - id: update
    type: numeric
    params:
      w: {range: [0.5, 2.0], step: 0.25}
      eta: {choice: [0.01, 0.05, 0.1]}
      g: {range: [-4, 4]}
      new: w - eta * g
    prompt: |
      $w = {{ w }}$, $g = {{ g }}$, $\\eta = {{ eta }}$. What is $w - \\eta g$?
    answer: "{{ new }}"
    tolerance: "{{ 0.001 * abs(new) + 1e-9 }}"
    explanation: It is {{ new | sig 3 }}.
  - id: pick
    type: single
    params:
      z: {range: [-2.0, 2.0], step: 0.5}
      d: sigmoid(z) * (1 - sigmoid(z))
    prompt: What is $\\sigma'({{ z }})$?
    choices:
      - text: "{{ d | sig 3 }}"
        correct: true
        feedback: Yes, {{ d | sig 3 }}.
      - text: "{{ sigmoid(z) | sig 3 }}"
      - text: "{{ d + 0.5 | sig 3 }}"
  - id: plain
    type: true_false
    prompt: No params here.
    answer: true
"""


def test_a_bank_with_params_loads_as_variant_zero() -> None:
    bank = load_bank_text(BANK, name="p.yaml")
    assert bank.seed == 11 and bank.variants == 40 and bank.parametrized
    q = bank.questions[0]
    assert q.variant == 0 and set(q.values) == {"w", "eta", "g", "new"}
    v = q.values
    assert v["w"] in [0.5 + 0.25 * k for k in range(7)] and v["eta"] in (0.01, 0.05, 0.1)
    assert isinstance(v["g"], int) and -4 <= v["g"] <= 4
    assert q.answer.answer == pytest.approx(v["w"] - v["eta"] * v["g"])  # type: ignore[attr-defined]
    assert f"$g = {v['g']}$" in q.prompt and "{{" not in q.explanation
    pick = bank.questions[1]
    d = 1 / (1 + math.exp(-pick.values["z"]))
    assert pick.choices[0].text == f"{d * (1 - d):#.3g}"  # type: ignore[attr-defined]
    assert bank.questions[2].params is None and bank.questions[2].variant is None


def test_variants_are_stable_per_student_and_seed() -> None:
    bank = load_bank_text(BANK, name="p.yaml")
    students = [f"student{i}" for i in range(200)]
    variants = [variant_for(bank, s) for s in students]
    assert variants == [variant_for(load_bank_text(BANK, name="p.yaml"), s) for s in students]
    assert len(set(variants)) > 30 and all(0 <= v < 40 for v in variants)  # spread over the pool
    other = load_bank_text(BANK.replace("seed: 11", "seed: 12"), name="p.yaml")
    assert [variant_for(other, s) for s in students] != variants
    alice, number = bank_for_student(bank, "alice")
    assert number == variant_for(bank, "alice")
    assert alice.questions[0].values == bank_variant(bank, number).questions[0].values
    drawn = {tuple(bank_variant(bank, k).questions[0].values.values()) for k in range(40)}
    assert len(drawn) > 20  # the variants really differ


def test_errors_are_located_in_the_file(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        id: bad
        title: Bad
        questions:
          - id: q
            type: numeric
            params:
              a: {range: [1, 3]}
              b: a.real
              c: {range: [3, 1]}
              exp: 2
            prompt: Value {{ a + zz }}?
            answer: "{{ a }}"
        """
    )
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ValidationFailed) as info:
        load_bank(path)
    lines = info.value.lines()
    assert any(":8:" in line and "attribute access" in line for line in lines), lines
    assert any(":9:" in line and "the range is empty" in line for line in lines), lines
    assert any(":10:" in line and "built-in name" in line for line in lines), lines


def test_placeholder_errors_point_at_the_column(tmp_path: Path) -> None:
    text = "id: b\ntitle: B\nquestions:\n  - id: q\n    type: numeric\n    params:\n      a: 2\n"
    text += "    prompt: Value {{ a + zz }}?\n    answer: 1\n"
    with pytest.raises(ValidationFailed) as info:
        load_bank_text(text, name="b.yaml")
    # `    prompt: Value {{ a + zz }}`: zz is in column 26
    assert info.value.lines() == [
        "b.yaml:8:26: questions[0].prompt: unknown name 'zz' (variant 0; a=2)"
    ]


def test_check_samples_variants_and_reports_each_problem_once(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        textwrap.dedent(
            """\
            id: bad
            title: Bad
            variants: 60
            questions:
              - id: div
                type: numeric
                params:
                  a: {range: [-3, 3]}
                  b: 6 / a
                prompt: What is {{ b }}?
                answer: "{{ b }}"
              - id: close
                type: single
                params:
                  p: {range: [0.001, 0.002], step: 0.0001}
                prompt: Which is p?
                choices:
                  - text: "{{ p | sig 2 }}"
                    correct: true
                  - text: "{{ p * 1.004 | sig 4 }}"
                  - text: "{{ p * 3 | sig 1 }}"
                  - text: "{{ p * 3 | sig 1 }}"
              - id: huge
                type: numeric
                params:
                  k: {range: [1, 400]}
                prompt: What is it?
                answer: "{{ exp(k * 2) }}"
            """
        )
    )
    result = CliRunner().invoke(main, ["quiz", "check", str(bad)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    by_line = {line.split(":")[1]: line for line in lines}
    assert "division by zero" in by_line["9"] and "variants" in by_line["9"]
    assert "within 1 % of the right one" in by_line["20"]
    assert "choices 3 and 4 both read" in by_line["22"]
    assert "too large" in by_line["28"]
    assert len(lines) == 4, lines
    good = tmp_path / "good.yaml"
    good.write_text(BANK)
    result = CliRunner().invoke(main, ["quiz", "check", str(good), "--samples", "25"])
    assert result.exit_code == 0, result.output
    assert "2 parametrized, 25 variants each checked" in result.output


def test_errors_in_a_block_point_at_the_line_and_column() -> None:
    text = (
        "id: b\ntitle: B\nquestions:\n  - id: q\n    type: numeric\n    params:\n      x: 0\n"
        "    prompt: |\n      First line.\n      Then $\\log({{ x }}) = {{ log(x) | sig 3 }}$.\n"
        "    answer: 1\n"
    )
    with pytest.raises(ValidationFailed) as info:
        load_bank_text(text, name="b.yaml")
    # `      Then $\log({{ x }}) = {{ log(x) | sig 3 }}$.`: log( starts in column 32
    assert info.value.lines() == [
        "b.yaml:10:32: questions[0].prompt: log of 0: the logarithm needs a positive number"
        " (variant 0; x=0)"
    ]
