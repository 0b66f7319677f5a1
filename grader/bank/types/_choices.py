"""Choices shared by `single` and `multi`."""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

import yaml

from grader.bank.context import ReadContext
from grader.bank.model import ResponseError

CHOICE_KEYS = ("id", "text", "correct", "feedback")
LETTERS = string.ascii_uppercase


@dataclass
class Choice:
    key: str  # the authored id, else the letter in authored order (A, B, ...)
    text: str
    correct: bool
    feedback: str = ""
    has_id: bool = False


def read_choices(ctx: ReadContext, node: yaml.Node, path: str) -> list[Choice] | None:
    checker = ctx.checker
    items = checker.sequence(node, path)
    if not items:
        return None  # `sequence` has said what is wrong; "no correct choice" would repeat it
    if len(items) > len(LETTERS):
        checker.error(node, path, f"at most {len(LETTERS)} choices, found {len(items)}")
        return None
    choices: list[Choice] = []
    seen: dict[str, int] = {}
    ok = True
    for i, item in enumerate(items):
        sub = f"{path}[{i}]"
        fields = checker.mapping(item, sub, allowed=CHOICE_KEYS, required=("text",))
        if fields is None:
            ok = False
            continue
        text = ctx.markdown(fields["text"], f"{sub}.text") if "text" in fields else None
        correct = (
            checker.boolean(fields["correct"], f"{sub}.correct") if "correct" in fields else False
        )
        feedback = (
            ctx.markdown(fields["feedback"], f"{sub}.feedback") if "feedback" in fields else ""
        )
        cid = ctx.identifier(fields["id"], f"{sub}.id") if "id" in fields else None
        if text is None or correct is None or feedback is None or ("id" in fields and cid is None):
            ok = False
            continue
        key = cid or LETTERS[i]
        if key in seen:
            checker.error(fields.get("id", item), f"{sub}.id", f"duplicate choice id '{key}'")
            ok = False
            continue
        seen[key] = i
        choices.append(Choice(key, text, correct, feedback, has_id=cid is not None))
    return choices if ok else None


def parse_choice(choices: list[Choice], raw: Any) -> str:
    """The key of the choice a raw answer names (its id, or its letter in any case)."""
    if isinstance(raw, str):
        for c in choices:
            if raw == c.key or (not c.has_id and raw.strip().upper() == c.key):
                return c.key
    keys = ", ".join(c.key for c in choices)
    raise ResponseError(f"'{raw}' is not a choice of this question (choices: {keys})")
