"""Reading and matching text answers (shared by `text` and `cloze`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from grader.bank.context import ReadContext
from grader.bank.model import ResponseError

TEXT_KEYS = ("accept", "match", "case_sensitive", "example")
MATCH_MODES = ("exact", "regex")


def normalise(text: str, *, case_sensitive: bool = False) -> str:
    folded = " ".join(text.split())
    return folded if case_sensitive else folded.casefold()


@dataclass(frozen=True)
class TextAnswer:
    accept: tuple[str, ...]
    match: str = "exact"
    case_sensitive: bool = False
    example: str = ""  # a response that must be accepted (documents a regex)

    def accepts(self, value: str) -> bool:
        given = normalise(value, case_sensitive=self.case_sensitive)
        if self.match == "regex":
            flags = 0 if self.case_sensitive else re.IGNORECASE
            return any(re.fullmatch(p, given, flags) for p in self.accept)
        return any(given == normalise(a, case_sensitive=self.case_sensitive) for a in self.accept)

    def describe(self) -> str:
        if self.match == "exact":
            return self.accept[0]
        return self.example or f"/{self.accept[0]}/"

    def sample(self) -> str:
        """A response that is accepted (the first exact answer, or the example)."""
        return self.accept[0] if self.match == "exact" else self.example


def read_text_answer(
    ctx: ReadContext, fields: dict[str, yaml.Node], path: str, node: yaml.Node
) -> TextAnswer | None:
    checker = ctx.checker
    if "accept" not in fields:
        checker.error(node, f"{path}.accept", "missing required key (the accepted answers)")
        return None
    accept = checker.strings(fields["accept"], f"{path}.accept")
    match = (
        checker.choice(fields["match"], f"{path}.match", MATCH_MODES)
        if "match" in fields
        else "exact"
    )
    case = (
        checker.boolean(fields["case_sensitive"], f"{path}.case_sensitive")
        if "case_sensitive" in fields
        else False
    )
    if not accept or match is None or case is None:
        return None
    if match == "regex":
        ok = True
        for i, pattern in enumerate(accept):
            try:
                re.compile(pattern)
            except re.error as exc:
                item = fields["accept"].value[i]
                checker.error(item, f"{path}.accept[{i}]", f"invalid regular expression: {exc}")
                ok = False
        if not ok:
            return None
        if "example" not in fields:
            # Answer keys and LMS exports cannot show a pattern to a person; they show this.
            checker.error(
                fields["match"],
                f"{path}.example",
                "a regex answer needs `example:` — a response the patterns accept, "
                "shown in answer keys and exports",
            )
            return None
    answer = TextAnswer(tuple(accept), match, case)
    if "example" in fields:
        example = checker.string(fields["example"], f"{path}.example")
        if example is None:
            return None
        if not answer.accepts(example):
            checker.error(fields["example"], f"{path}.example", "is not accepted by `accept`")
            return None
        answer = TextAnswer(answer.accept, match, case, example)
    return answer


def parse_text(raw: Any) -> str:
    if isinstance(raw, bool) or raw is None:
        raise ResponseError(f"expected text, found {raw!r}")
    if isinstance(raw, (int, float)):
        return repr(raw) if isinstance(raw, float) else str(raw)
    if not isinstance(raw, str):
        raise ResponseError(f"expected text, found {raw!r}")
    return raw
