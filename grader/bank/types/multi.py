"""`multi`: any number of correct choices (at least one).

Scoring policies: `all_or_nothing`; `partial` (right picks minus wrong picks over the
number of right choices, floored at 0: guessing everything earns nothing); `per_choice`
(each choice, ticked or not, is worth an equal share).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml

from grader.bank.context import ReadContext
from grader.bank.model import Question, ResponseError
from grader.bank.types._choices import Choice, parse_choice, read_choices


@dataclass
class MultiQuestion(Question):
    choices: list[Choice] = field(default_factory=list)

    type: ClassVar[str] = "multi"
    keys: ClassVar[tuple[str, ...]] = ("choices",)
    required_keys: ClassVar[tuple[str, ...]] = ("choices",)
    scoring_policies: ClassVar[tuple[str, ...]] = ("partial", "all_or_nothing", "per_choice")

    @classmethod
    def read(
        cls, ctx: ReadContext, fields: dict[str, yaml.Node], path: str, node: yaml.Node
    ) -> dict[str, Any] | None:
        choices = read_choices(ctx, fields["choices"], f"{path}.choices")
        if choices is None:
            return None
        if not any(c.correct for c in choices):
            ctx.checker.error(
                fields["choices"],
                f"{path}.choices",
                "a multi question needs at least one correct choice",
            )
            return None
        if len(choices) < 2:
            ctx.checker.error(fields["choices"], f"{path}.choices", "needs at least 2 choices")
            return None
        return {"choices": choices}

    def parse_response(self, raw: Any) -> list[str]:
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, (list, tuple)):
            raise ResponseError(f"expected a list of choices, found {raw!r}")
        keys = [parse_choice(self.choices, item) for item in raw]
        order = [c.key for c in self.choices]
        return sorted(set(keys), key=order.index)

    def fraction(self, response: Any) -> float:
        picked = set(response)
        right = {c.key for c in self.choices if c.correct}
        policy = self.scoring or "partial"
        if policy == "all_or_nothing":
            return 1.0 if picked == right else 0.0
        if policy == "per_choice":
            agree = sum((c.key in picked) == c.correct for c in self.choices)
            return agree / len(self.choices)
        wrong_picks = len(picked - right)
        return max(0.0, (len(picked & right) - wrong_picks) / len(right))

    def key(self) -> list[str]:
        return [c.key for c in self.choices if c.correct]

    def display_key(self) -> str:
        return ", ".join(self.key())
