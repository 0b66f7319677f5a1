"""YAML bank file -> validated Bank, with every problem located as file:line:col."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from grader._yaml import Checker, compose, compose_text, suggest
from grader.bank.context import ReadContext
from grader.bank.model import DIFFICULTIES, Bank, Question, Where
from grader.bank.types import QUESTION_TYPES
from grader.errors import ValidationFailed

BANK_KEYS = ("id", "title", "description", "seed", "variants", "defaults", "questions")
MAX_VARIANTS = 10_000
DEFAULT_KEYS = ("points", "shuffle", "scoring")
COMMON_KEYS = (
    "id",
    "type",
    "title",
    "prompt",
    "points",
    "explanation",
    "hints",
    "tags",
    "difficulty",
    "shuffle",
    "scoring",
    "params",
)
ALL_QUESTION_KEYS = tuple(
    dict.fromkeys(COMMON_KEYS + tuple(k for t in QUESTION_TYPES.values() for k in t.keys))
)


def load_bank(path: Path | str, *, display_name: str | None = None) -> Bank:
    """Load and validate a bank file; raise ValidationFailed listing every problem."""
    path = Path(path)
    checker = Checker(display_name or str(path))
    root = compose(path, checker)
    return _finish(checker, root)


def skim_bank(path: Path) -> Bank | None:
    """The bank as the full load reads it (ids, options, text, parametrized questions
    drawn), without checking its Markdown math: enough to choose an attempt's questions
    and draw the first one while the full check runs behind it. None when anything is
    wrong: then ``load_bank`` is the judge, and says what."""
    checker = Checker(str(path))
    root = compose(path, checker)
    if root is None or checker.problems:
        return None
    bank = _read_bank(ReadContext(checker, check_math=False), root)
    return None if checker.problems else bank


def load_bank_text(text: str, *, name: str = "<bank>") -> Bank:
    checker = Checker(name)
    return _finish(checker, compose_text(text, checker))


def _finish(checker: Checker, root: yaml.Node | None) -> Bank:
    bank = None
    if root is None and not checker.problems:
        checker.error(None, "", "the file is empty; a bank needs id, title and questions")
    elif root is not None:
        bank = _read_bank(ReadContext(checker), root)
    if checker.problems or bank is None:
        raise ValidationFailed(sorted(checker.problems, key=lambda p: (p.line or 0, p.column or 0)))
    return bank


def _read_bank(ctx: ReadContext, root: yaml.Node) -> Bank | None:
    checker = ctx.checker
    fields = checker.mapping(
        root,
        "",
        allowed=BANK_KEYS,
        required=("id", "title", "questions"),
        what="a bank (a mapping)",
    )
    if fields is None:
        return None
    bank_id = ctx.identifier(fields["id"], "id") if "id" in fields else None
    title = checker.string(fields["title"], "title") if "title" in fields else None
    description = (
        ctx.markdown(fields["description"], "description") if "description" in fields else ""
    )
    defaults = _read_defaults(ctx, fields["defaults"]) if "defaults" in fields else {}
    seed = _whole(ctx, fields["seed"], "seed", 0, 2**63) if "seed" in fields else 0
    variants = (
        _whole(ctx, fields["variants"], "variants", 1, MAX_VARIANTS)
        if "variants" in fields
        else 100
    )
    questions: list[Question] = []
    if "questions" in fields:
        seen: dict[str, int] = {}
        for i, node in enumerate(checker.sequence(fields["questions"], "questions")):
            question = _read_question(ctx, node, f"questions[{i}]", defaults, seed or 0)
            # Ids are compared even for questions with other problems, so that every
            # problem is reported in one run rather than revealed one fix at a time.
            id_node = _key_value(node, "id")
            qid = id_node.value if isinstance(id_node, yaml.ScalarNode) else None
            if id_node is not None and isinstance(qid, str) and qid in seen:
                checker.error(
                    id_node,
                    f"questions[{i}].id",
                    f"duplicate question id '{qid}' (first used at line {seen[qid]})",
                )
                continue
            if isinstance(qid, str):
                seen[qid] = node.start_mark.line + 1
            if question is not None:
                questions.append(question)
    if bank_id is None or title is None or description is None or seed is None:
        return None
    return Bank(bank_id, title, questions, checker.file, description, seed, variants or 100)


def _whole(ctx: ReadContext, node: yaml.Node, path: str, low: int, high: int) -> int | None:
    value = ctx.checker.number(node, path)
    if value is None:
        return None
    if value != int(value) or not low <= value < high:
        ctx.checker.error(node, path, f"must be a whole number from {low} to {high - 1}")
        return None
    return int(value)


def _read_defaults(ctx: ReadContext, node: yaml.Node) -> dict[str, Any]:
    checker = ctx.checker
    fields = checker.mapping(node, "defaults", allowed=DEFAULT_KEYS)
    if fields is None:
        return {}
    out: dict[str, Any] = {}
    if "points" in fields:
        out["points"] = ctx.positive(fields["points"], "defaults.points")
    if "shuffle" in fields:
        out["shuffle"] = checker.boolean(fields["shuffle"], "defaults.shuffle")
    if "scoring" in fields:
        with_policies = [name for name, t in QUESTION_TYPES.items() if t.scoring_policies]
        scoring = checker.mapping(fields["scoring"], "defaults.scoring", allowed=with_policies)
        out["scoring"] = {}
        for type_name, value in (scoring or {}).items():
            policies = QUESTION_TYPES[type_name].scoring_policies
            policy = checker.choice(value, f"defaults.scoring.{type_name}", policies)
            if policy:
                out["scoring"][type_name] = policy
    return {k: v for k, v in out.items() if v is not None}


def _key_value(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if getattr(k, "value", None) == key:
                found: yaml.Node = v
                return found
    return None


def _read_question(
    ctx: ReadContext, node: yaml.Node, path: str, defaults: dict[str, Any], seed: int
) -> Question | None:
    """A question; one with `params` is read as its first variant (variant 0)."""
    params_node = _key_value(node, "params")
    if params_node is None:
        return _read_plain(ctx, node, path, defaults)
    from grader.bank.params import Template, make_variant, read_params

    params = read_params(ctx, params_node, f"{path}.params")
    if params is None:
        return None
    id_node = _key_value(node, "id")
    qid = str(id_node.value) if isinstance(id_node, yaml.ScalarNode) else ""

    def read(context: ReadContext, substituted: yaml.Node) -> Question | None:
        # Every variant is read as carefully as the bank it belongs to.
        return _read_plain(replace(context, check_math=ctx.check_math), substituted, path, defaults)

    template = Template(params, node, path, ctx.checker.file, read)
    try:
        return make_variant(template, seed, 0, qid)
    except ValidationFailed as exc:
        ctx.checker.problems.extend(exc.problems)
        return None


def _read_plain(
    ctx: ReadContext, node: yaml.Node, path: str, defaults: dict[str, Any]
) -> Question | None:
    checker = ctx.checker
    type_node = _key_value(node, "type")
    qtype: type[Question] | None = None
    if type_node is not None and isinstance(type_node, yaml.ScalarNode):
        name = str(type_node.value)
        qtype = QUESTION_TYPES.get(name)
        if qtype is None:
            checker.error(
                type_node,
                f"{path}.type",
                f"unknown question type '{name}' (types: {', '.join(QUESTION_TYPES)})"
                + suggest(name, QUESTION_TYPES),
            )
    allowed = COMMON_KEYS + qtype.keys if qtype else ALL_QUESTION_KEYS
    required = ("id", "type", "prompt") + (qtype.required_keys if qtype else ())
    fields = checker.mapping(
        node, path, allowed=allowed, required=required, what="a question (a mapping)"
    )
    if fields is None or qtype is None:
        if fields is not None and "type" in fields and type_node is not None:
            checker.string(type_node, f"{path}.type")  # reports a non-text type
        return None

    common: dict[str, Any] = {}
    ok = True

    def take(key: str, value: Any) -> None:
        nonlocal ok
        if value is None:
            ok = False
        else:
            common[key] = value

    if "id" in fields:
        take("id", ctx.identifier(fields["id"], f"{path}.id"))
    if "prompt" in fields:
        take("prompt", ctx.markdown(fields["prompt"], f"{path}.prompt"))
    if "title" in fields:
        take("title", checker.string(fields["title"], f"{path}.title"))
    if "points" in fields:
        take("points", ctx.positive(fields["points"], f"{path}.points"))
    else:
        common["points"] = defaults.get("points", 1.0)
    if "explanation" in fields:
        take("explanation", ctx.markdown(fields["explanation"], f"{path}.explanation"))
    if "hints" in fields:
        hints = [
            ctx.markdown(h, f"{path}.hints[{i}]")
            for i, h in enumerate(checker.sequence(fields["hints"], f"{path}.hints"))
        ]
        take("hints", None if None in hints else hints)
    if "tags" in fields:
        take("tags", checker.strings(fields["tags"], f"{path}.tags"))
    if "difficulty" in fields:
        take("difficulty", checker.choice(fields["difficulty"], f"{path}.difficulty", DIFFICULTIES))
    if "shuffle" in fields:
        take("shuffle", checker.boolean(fields["shuffle"], f"{path}.shuffle"))
    else:
        common["shuffle"] = defaults.get("shuffle", True)
    if "scoring" in fields:
        if not qtype.scoring_policies:
            checker.error(
                fields["scoring"],
                f"{path}.scoring",
                f"'{qtype.type}' questions have no scoring options",
            )
            ok = False
        else:
            take(
                "scoring",
                checker.choice(fields["scoring"], f"{path}.scoring", qtype.scoring_policies),
            )
    else:
        common["scoring"] = defaults.get("scoring", {}).get(qtype.type, "")

    own = (
        qtype.read(ctx, fields, path, node)
        if all(k in fields for k in qtype.required_keys)
        else None
    )
    if not ok or own is None or "id" not in common or "prompt" not in common:
        return None
    where = Where(checker.file, node.start_mark.line + 1, node.start_mark.column + 1)
    return qtype(where=where, **common, **own)
