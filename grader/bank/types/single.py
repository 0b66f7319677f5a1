"""`single`: exactly one correct choice; all-or-nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml

from grader.bank.context import ReadContext
from grader.bank.model import Question
from grader.bank.types._choices import Choice, parse_choice, read_choices


@dataclass
class SingleQuestion(Question):
    choices: list[Choice] = field(default_factory=list)

    type: ClassVar[str] = "single"
    keys: ClassVar[tuple[str, ...]] = ("choices",)
    required_keys: ClassVar[tuple[str, ...]] = ("choices",)

    @classmethod
    def read(
        cls, ctx: ReadContext, fields: dict[str, yaml.Node], path: str, node: yaml.Node
    ) -> dict[str, Any] | None:
        choices = read_choices(ctx, fields["choices"], f"{path}.choices")
        if choices is None:
            return None
        right = sum(c.correct for c in choices)
        if right != 1:
            ctx.checker.error(
                fields["choices"],
                f"{path}.choices",
                f"a single-choice question needs exactly one correct choice, found {right}",
            )
            return None
        if len(choices) < 2:
            ctx.checker.error(fields["choices"], f"{path}.choices", "needs at least 2 choices")
            return None
        return {"choices": choices}

    def parse_response(self, raw: Any) -> str:
        return parse_choice(self.choices, raw)

    def fraction(self, response: Any) -> float:
        return 1.0 if response == self.key() else 0.0

    def key(self) -> str:
        return next(c.key for c in self.choices if c.correct)
