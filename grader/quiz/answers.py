"""The answers-file contract: YAML or JSON mapping question id -> response.

Choices are named by their id, else by their letter in authored (unshuffled) order.
Every problem (unknown question id, unknown choice, wrong shape) is reported with the
file and line, all at once; nothing is graded from a file that has problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from grader._yaml import Checker, compose, describe, suggest
from grader.bank.model import Bank, ResponseError
from grader.errors import ValidationFailed


def read_answers(path: Path, bank: Bank, *, display_name: str | None = None) -> dict[str, Any]:
    """Canonical responses by question id; raises ValidationFailed naming file:line."""
    checker = Checker(display_name or str(path))
    root = compose(path, checker)
    if root is None and not checker.problems:
        checker.error(None, "", "the file is empty; expected a mapping of question id -> answer")
    responses: dict[str, Any] = {}
    if root is not None:
        _read(checker, root, bank, responses)
    if checker.problems:
        raise ValidationFailed(checker.problems)
    return responses


HEADER_KEYS = ("student", "variant")  # not question ids, unless the bank has such a question


@dataclass
class Header:
    """Who answered and, for a paper variant, which one (parametrized banks)."""

    student: str | None = None
    variant: int | None = None


def read_header(path: Path, bank: Bank, *, display_name: str | None = None) -> Header:
    """The optional `student:` and `variant:` keys; raises ValidationFailed naming file:line."""
    checker = Checker(display_name or str(path))
    root = compose(path, checker)
    header = Header()
    if isinstance(root, yaml.MappingNode):
        for key_node, value_node in root.value:
            key = getattr(key_node, "value", None)
            if key not in HEADER_KEYS or bank.question(str(key)) is not None:
                continue
            if key == "student":
                header.student = checker.string(value_node, "student")
            else:
                number = checker.number(value_node, "variant")
                if number is not None and (
                    number != int(number) or not 0 <= number < bank.variants
                ):
                    checker.error(
                        value_node, "variant", f"must be a variant from 0 to {bank.variants - 1}"
                    )
                elif number is not None:
                    header.variant = int(number)
    if checker.problems:
        raise ValidationFailed(checker.problems)
    return header


def _read(checker: Checker, root: yaml.Node, bank: Bank, out: dict[str, Any]) -> None:
    if not isinstance(root, yaml.MappingNode):
        checker.error(
            root, "", f"expected a mapping of question id -> answer, found {describe(root)}"
        )
        return
    ids = [q.id for q in bank.questions]
    for key_node, value_node in root.value:
        qid = checker.scalar(key_node, "")
        qid = str(qid) if qid is not None else None
        if qid is None:
            continue
        question = bank.question(qid)
        if question is None and qid in HEADER_KEYS:
            continue  # read by read_header
        if question is None:
            checker.error(
                key_node,
                qid,
                f"unknown question id '{qid}' in bank '{bank.id}'" + suggest(qid, ids),
            )
            continue
        if qid in out:
            checker.error(key_node, qid, "answered twice (YAML would silently keep the last)")
            continue
        raw = _plain(checker, value_node)
        if raw is None:
            continue  # null: left unanswered on purpose
        try:
            out[qid] = question.parse_response(raw)
        except ResponseError as exc:
            checker.error(value_node, qid, f"{exc} [{question.type} question]")


def _plain(checker: Checker, node: yaml.Node) -> Any:
    """A node as plain Python (lists, dicts, scalars), counting against the alias budget."""
    if isinstance(node, yaml.ScalarNode):
        return checker.scalar(node, "")
    if isinstance(node, yaml.SequenceNode):
        return [_plain(checker, item) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return {str(_plain(checker, k)): _plain(checker, v) for k, v in node.value}
    return None


def dump_answers(
    bank: str,
    order: list[str],
    responses: dict[str, Any],
    *,
    student: str | None = None,
    variant: int | None = None,
) -> str:
    """An attempt's responses as an answers file that ``read_answers`` reads back to the
    same responses (and ``grader quiz grade`` to the same score). ``bank`` is the name
    or path to grade them against, as the header comment tells.

    Canonical responses already are the contract's forms: a choice by its id or letter,
    a matching by its items' texts, an ordering as the items in order. A question of the
    attempt left unanswered is written as null (the contract's "left unanswered").
    ``student:`` and, for a parametrized bank, ``variant:`` come first, so that grading
    uses the numbers the student had (never when a question has such an id).
    """
    data: dict[str, Any] = {}
    if student is not None and "student" not in order:
        data["student"] = student
    if variant is not None and "variant" not in order:
        data["variant"] = variant
    data.update({qid: _plain_response(responses.get(qid)) for qid in order})
    who = f" by {student}" if student else ""
    header = f"# Answers{who}, to be graded with: grader quiz grade {bank} <this file>\n"
    body = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=2**20
    )
    return header + body


def _plain_response(value: Any) -> Any:
    """Tuples and other sequences as lists, so that safe_dump writes plain YAML."""
    if isinstance(value, (list, tuple)):
        return [_plain_response(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain_response(v) for k, v in value.items()}
    return value
