"""`ordering`: put items in order (authored in the correct order).

Scoring: `partial` (a share per item in its right position) or `all_or_nothing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml

from grader.bank.context import ReadContext
from grader.bank.model import Question, ResponseError
from grader.bank.types._choices import LETTERS
from grader.bank.types._text import normalise


@dataclass
class OrderingQuestion(Question):
    items: list[str] = field(default_factory=list)

    type: ClassVar[str] = "ordering"
    keys: ClassVar[tuple[str, ...]] = ("items",)
    required_keys: ClassVar[tuple[str, ...]] = ("items",)
    scoring_policies: ClassVar[tuple[str, ...]] = ("partial", "all_or_nothing")

    @classmethod
    def read(
        cls, ctx: ReadContext, fields: dict[str, yaml.Node], path: str, node: yaml.Node
    ) -> dict[str, Any] | None:
        checker = ctx.checker
        items: list[str] = []
        ok = True
        for i, item in enumerate(checker.sequence(fields["items"], f"{path}.items")):
            text = ctx.markdown(item, f"{path}.items[{i}]")
            if text is None:
                ok = False
            elif any(normalise(text) == normalise(t) for t in items):
                checker.error(item, f"{path}.items[{i}]", f"duplicate item '{text}'")
                ok = False
            else:
                items.append(text)
        if ok and len(items) < 2:
            checker.error(fields["items"], f"{path}.items", "needs at least 2 items")
            ok = False
        if len(items) > len(LETTERS):
            checker.error(fields["items"], f"{path}.items", "at most 26 items")
            ok = False
        return {"items": items} if ok else None

    def parse_response(self, raw: Any) -> list[str]:
        if isinstance(raw, str):
            # "CABD" or "C, A, B, D": letters in authored order
            raw = (
                [c for c in raw.replace(",", " ").split()]
                if " " in raw or "," in raw
                else list(raw)
            )
        if not isinstance(raw, (list, tuple)):
            raise ResponseError("expected the list of items in order")
        by_text = {normalise(t): t for t in self.items}
        out: list[str] = []
        for entry in raw:
            text = str(entry)
            item = by_text.get(normalise(text))
            if item is None and len(text.strip()) == 1:
                index = LETTERS.find(text.strip().upper())
                item = self.items[index] if 0 <= index < len(self.items) else None
            if item is None:
                raise ResponseError(f"'{entry}' is not an item of this question")
            if item in out:
                raise ResponseError(f"'{entry}' is listed twice")
            out.append(item)
        return out

    def fraction(self, response: Any) -> float:
        good = sum(
            1 for i, item in enumerate(self.items) if i < len(response) and response[i] == item
        )
        if (self.scoring or "partial") == "all_or_nothing":
            return 1.0 if good == len(self.items) else 0.0
        return good / len(self.items)

    def key(self) -> list[str]:
        return list(self.items)

    def display_key(self) -> str:
        return " → ".join(self.items)
