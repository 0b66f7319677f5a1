"""Reading and comparing numeric answers (shared by `numeric` and `cloze`)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

from grader.bank.context import ReadContext
from grader.bank.model import ResponseError

NUMBER_KEYS = ("answer", "tolerance", "rel_tolerance")
_DECIMAL = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_FRACTION = re.compile(rf"^({_DECIMAL})\s*/\s*({_DECIMAL})$")


@dataclass(frozen=True)
class NumberAnswer:
    answer: float
    tolerance: float = 0.0  # absolute
    rel_tolerance: float = 0.0  # relative to |answer|

    def accepts(self, value: float) -> bool:
        gap = abs(value - self.answer)
        # A hair of relative slack so that 1.5e-3 == 0.0015 however it was typed.
        slack = max(self.tolerance, self.rel_tolerance * abs(self.answer), 1e-12 * abs(self.answer))
        # Tolerances are inclusive, but decimal input is binary underneath: 0.00151 sits a
        # few ulps outside 0.0015 ± 0.00001. Widen the bound by a relative hair to keep it in.
        return gap <= slack * (1 + 1e-9) or math.isclose(
            value, self.answer, rel_tol=1e-9, abs_tol=0.0
        )

    def describe(self) -> str:
        text = f"{self.answer:g}"
        if self.tolerance:
            text += f" ± {self.tolerance:g}"
        if self.rel_tolerance:
            text += f" (± {self.rel_tolerance:.2%})"
        return text


def read_number_answer(
    ctx: ReadContext, fields: dict[str, yaml.Node], path: str, node: yaml.Node
) -> NumberAnswer | None:
    checker = ctx.checker
    if "answer" in fields:
        answer = checker.number(fields["answer"], f"{path}.answer")
    else:
        checker.error(node, f"{path}.answer", "missing required key (the correct number)")
        answer = None
    tolerances = []
    for key in ("tolerance", "rel_tolerance"):
        value = checker.number(fields[key], f"{path}.{key}") if key in fields else 0.0
        if value is not None and value < 0:
            checker.error(fields[key], f"{path}.{key}", f"must not be negative, found {value:g}")
            value = None
        tolerances.append(value)
    if answer is None or None in tolerances:
        return None
    return NumberAnswer(answer, tolerances[0] or 0.0, tolerances[1] or 0.0)


def parse_number(raw: Any) -> float:
    """A finite number from an answers file or typed input (`0.0015`, `1.5e-3`, `1/256`)."""
    if isinstance(raw, bool):
        raise ResponseError(f"expected a number, found {raw!r}")
    if isinstance(raw, (int, float)):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace("_", "").replace("−", "-")
        fraction = _FRACTION.match(text)
        if fraction:
            # Students write exact answers as fractions: (1/4)^4 is "1/256".
            numerator, denominator = float(fraction.group(1)), float(fraction.group(2))
            if denominator == 0:
                raise ResponseError(f"'{raw}' divides by zero")
            value = numerator / denominator
        else:
            try:
                value = float(text)
            except ValueError:
                raise ResponseError(
                    f"'{raw}' is not a number (examples: 0.0015, 1.5e-3, 1/256)"
                ) from None
    else:
        raise ResponseError(f"expected a number, found {raw!r}")
    if not math.isfinite(value):
        raise ResponseError("the number must be finite")
    return value
