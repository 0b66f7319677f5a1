"""`true_false`: a statement that is true or false."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import yaml

from grader.bank.context import ReadContext
from grader.bank.model import Question, ResponseError

_WORDS = {"true": True, "t": True, "yes": True, "false": False, "f": False, "no": False}


@dataclass
class TrueFalseQuestion(Question):
    answer: bool = True
    feedback_true: str = ""
    feedback_false: str = ""

    type: ClassVar[str] = "true_false"
    keys: ClassVar[tuple[str, ...]] = ("answer", "feedback_true", "feedback_false")
    required_keys: ClassVar[tuple[str, ...]] = ("answer",)

    @classmethod
    def read(
        cls, ctx: ReadContext, fields: dict[str, yaml.Node], path: str, node: yaml.Node
    ) -> dict[str, Any] | None:
        answer = ctx.checker.boolean(fields["answer"], f"{path}.answer")
        out: dict[str, Any] = {"answer": answer}
        for key in ("feedback_true", "feedback_false"):
            if key in fields:
                out[key] = ctx.markdown(fields[key], f"{path}.{key}")
        return None if any(v is None for v in out.values()) else out

    def parse_response(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _WORDS:
            return _WORDS[raw.strip().lower()]
        raise ResponseError(f"expected true or false, found {raw!r}")

    def fraction(self, response: Any) -> float:
        return 1.0 if response is self.answer else 0.0

    def key(self) -> bool:
        return self.answer

    def display_key(self) -> str:
        return "true" if self.answer else "false"
