"""`numeric`: a number, with absolute and/or relative tolerance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml

from grader.bank.context import ReadContext
from grader.bank.model import Question
from grader.bank.types._numbers import NUMBER_KEYS, NumberAnswer, parse_number, read_number_answer


@dataclass
class NumericQuestion(Question):
    answer: NumberAnswer = field(default_factory=lambda: NumberAnswer(0.0))

    type: ClassVar[str] = "numeric"
    keys: ClassVar[tuple[str, ...]] = NUMBER_KEYS

    @classmethod
    def read(
        cls, ctx: ReadContext, fields: dict[str, yaml.Node], path: str, node: yaml.Node
    ) -> dict[str, Any] | None:
        answer = read_number_answer(ctx, fields, path, node)
        return None if answer is None else {"answer": answer}

    def parse_response(self, raw: Any) -> float:
        return parse_number(raw)

    def fraction(self, response: Any) -> float:
        return 1.0 if self.answer.accepts(float(response)) else 0.0

    def key(self) -> float:
        return self.answer.answer

    def display_key(self) -> str:
        return self.answer.describe()
