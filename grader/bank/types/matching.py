"""`matching`: pair each left item with a right item (extra right items may distract).

Scoring: `partial` (a share per correct pair) or `all_or_nothing`.
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
class MatchingQuestion(Question):
    pairs: list[tuple[str, str]] = field(default_factory=list)
    distractors: list[str] = field(default_factory=list)

    type: ClassVar[str] = "matching"
    keys: ClassVar[tuple[str, ...]] = ("pairs", "distractors")
    required_keys: ClassVar[tuple[str, ...]] = ("pairs",)
    scoring_policies: ClassVar[tuple[str, ...]] = ("partial", "all_or_nothing")

    @classmethod
    def read(
        cls, ctx: ReadContext, fields: dict[str, yaml.Node], path: str, node: yaml.Node
    ) -> dict[str, Any] | None:
        checker = ctx.checker
        pairs: list[tuple[str, str]] = []
        ok = True
        for i, item in enumerate(checker.sequence(fields["pairs"], f"{path}.pairs")):
            sub = f"{path}.pairs[{i}]"
            pf = checker.mapping(item, sub, allowed=("left", "right"), required=("left", "right"))
            if pf is None or "left" not in pf or "right" not in pf:
                ok = False
                continue
            left = ctx.markdown(pf["left"], f"{sub}.left")
            right = ctx.markdown(pf["right"], f"{sub}.right")
            if left is None or right is None:
                ok = False
                continue
            if any(normalise(left) == normalise(p[0]) for p in pairs):
                checker.error(pf["left"], f"{sub}.left", f"duplicate left item '{left}'")
                ok = False
                continue
            pairs.append((left, right))
        distractors = (
            checker.strings(fields["distractors"], f"{path}.distractors")
            if "distractors" in fields
            else []
        )
        if ok and len(pairs) < 2:
            checker.error(fields["pairs"], f"{path}.pairs", "needs at least 2 pairs")
            ok = False
        rights = [r for _, r in pairs] + distractors
        if len(rights) > len(LETTERS):
            checker.error(fields["pairs"], f"{path}.pairs", "too many right items (at most 26)")
            ok = False
        for d in distractors:
            if any(normalise(d) == normalise(r) for _, r in pairs):
                checker.error(
                    fields["distractors"], f"{path}.distractors", f"'{d}' is also a right answer"
                )
                ok = False
        return {"pairs": pairs, "distractors": distractors} if ok else None

    @property
    def rights(self) -> list[str]:
        """Right items without repeats, in authored order (their letters are A, B, ...)."""
        seen: dict[str, str] = {}
        for r in [r for _, r in self.pairs] + self.distractors:
            seen.setdefault(normalise(r), r)
        return list(seen.values())

    def parse_response(self, raw: Any) -> dict[str, str]:
        if not isinstance(raw, dict):
            raise ResponseError("expected a mapping from left item to right item")
        lefts = {normalise(left): left for left, _ in self.pairs}
        rights = {normalise(r): r for r in self.rights}
        letters = {LETTERS[i]: r for i, r in enumerate(self.rights)}
        out: dict[str, str] = {}
        for k, v in raw.items():
            left = lefts.get(normalise(str(k)))
            if left is None:
                raise ResponseError(f"'{k}' is not a left item of this question")
            text = str(v)
            right = rights.get(normalise(text)) or letters.get(text.strip().upper())
            if right is None:
                raise ResponseError(f"'{v}' is not a right item of this question")
            out[left] = right
        return out

    def fraction(self, response: Any) -> float:
        good = sum(
            normalise(response.get(left, "")) == normalise(right) for left, right in self.pairs
        )
        if (self.scoring or "partial") == "all_or_nothing":
            return 1.0 if good == len(self.pairs) else 0.0
        return good / len(self.pairs)

    def key(self) -> dict[str, str]:
        return dict(self.pairs)

    def display_key(self) -> str:
        return "; ".join(f"{left} → {right}" for left, right in self.pairs)
