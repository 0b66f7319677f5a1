"""`text`: a short typed answer, matched exactly (case and spacing folded) or by regex."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml

from grader.bank.context import ReadContext
from grader.bank.model import Question
from grader.bank.types._text import TEXT_KEYS, TextAnswer, parse_text, read_text_answer


@dataclass
class TextQuestion(Question):
    answer: TextAnswer = field(default_factory=lambda: TextAnswer(("",)))

    type: ClassVar[str] = "text"
    keys: ClassVar[tuple[str, ...]] = TEXT_KEYS

    @classmethod
    def read(
        cls, ctx: ReadContext, fields: dict[str, yaml.Node], path: str, node: yaml.Node
    ) -> dict[str, Any] | None:
        answer = read_text_answer(ctx, fields, path, node)
        return None if answer is None else {"answer": answer}

    def parse_response(self, raw: Any) -> str:
        return parse_text(raw)

    def fraction(self, response: Any) -> float:
        return 1.0 if self.answer.accepts(str(response)) else 0.0

    def key(self) -> str:
        return self.answer.sample()

    def display_key(self) -> str:
        return self.answer.describe()
