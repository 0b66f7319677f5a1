"""`cloze`: a prompt with numbered blanks `[[1]]`, `[[2]]`, ... each a number or text.

Each blank is worth an equal share of the points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml

from grader.bank.context import ReadContext
from grader.bank.model import Question, ResponseError
from grader.bank.types._numbers import NUMBER_KEYS, NumberAnswer, parse_number, read_number_answer
from grader.bank.types._text import TEXT_KEYS, TextAnswer, parse_text, read_text_answer

BLANK = re.compile(r"\[\[(\d+)\]\]")


@dataclass
class ClozeQuestion(Question):
    blanks: list[NumberAnswer | TextAnswer] = field(default_factory=list)

    type: ClassVar[str] = "cloze"
    keys: ClassVar[tuple[str, ...]] = ("blanks",)
    required_keys: ClassVar[tuple[str, ...]] = ("blanks",)

    @classmethod
    def read(
        cls, ctx: ReadContext, fields: dict[str, yaml.Node], path: str, node: yaml.Node
    ) -> dict[str, Any] | None:
        checker = ctx.checker
        blanks: list[NumberAnswer | TextAnswer] = []
        ok = True
        allowed = tuple(dict.fromkeys(NUMBER_KEYS + TEXT_KEYS))
        for i, item in enumerate(checker.sequence(fields["blanks"], f"{path}.blanks")):
            sub = f"{path}.blanks[{i}]"
            bf = checker.mapping(item, sub, allowed=allowed)
            if bf is None:
                ok = False
                continue
            has_number, has_text = "answer" in bf, "accept" in bf
            if has_number == has_text:
                checker.error(
                    item, sub, "a blank needs either `answer` (a number) or `accept` (text)"
                )
                ok = False
                continue
            if has_number:
                extra = [k for k in bf if k not in NUMBER_KEYS]
                blank: NumberAnswer | TextAnswer | None = read_number_answer(ctx, bf, sub, item)
            else:
                extra = [k for k in bf if k not in TEXT_KEYS]
                blank = read_text_answer(ctx, bf, sub, item)
            for k in extra:
                checker.error(bf[k], f"{sub}.{k}", "does not apply to this kind of blank")
            if blank is None or extra:
                ok = False
                continue
            blanks.append(blank)
        prompt_node = node.value and next(
            (v for k, v in node.value if getattr(k, "value", None) == "prompt"), None
        )
        prompt = prompt_node.value if isinstance(prompt_node, yaml.ScalarNode) else ""
        numbers = [int(n) for n in BLANK.findall(prompt)]
        expected = list(range(1, len(blanks) + 1))
        if ok and sorted(numbers) != expected:
            where = prompt_node if isinstance(prompt_node, yaml.Node) else node
            checker.error(
                where,
                f"{path}.prompt",
                f"the prompt must use each blank [[1]]..[[{len(blanks)}]] exactly once, "
                f"found {', '.join(f'[[{n}]]' for n in numbers) or 'none'}",
            )
            ok = False
        return {"blanks": blanks} if ok else None

    def parse_response(self, raw: Any) -> list[float | str | None]:
        if not isinstance(raw, (list, tuple)):
            raw = [raw]
        if len(raw) != len(self.blanks):
            raise ResponseError(
                f"expected {len(self.blanks)} answers, one per blank, found {len(raw)}"
            )
        out: list[float | str | None] = []
        for blank, value in zip(self.blanks, raw, strict=True):
            if value is None:
                out.append(None)
            elif isinstance(blank, NumberAnswer):
                out.append(parse_number(value))
            else:
                out.append(parse_text(value))
        return out

    def fraction(self, response: Any) -> float:
        good = 0
        for blank, value in zip(self.blanks, response, strict=False):
            if value is None:
                continue
            if isinstance(blank, NumberAnswer):
                good += isinstance(value, (int, float)) and blank.accepts(float(value))
            else:
                good += isinstance(value, str) and blank.accepts(value)
        return good / len(self.blanks)

    def key(self) -> list[float | str]:
        return [b.answer if isinstance(b, NumberAnswer) else b.sample() for b in self.blanks]

    def display_key(self) -> str:
        return "; ".join(f"[[{i}]] {b.describe()}" for i, b in enumerate(self.blanks, 1))
