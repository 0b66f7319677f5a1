"""Parametrized questions: `params` drawn per variant and `{{ ... }}` placeholders.

A question with ``params`` is kept as its YAML node. For each variant the params are
drawn from a generator seeded by (bank seed, question id, variant), every placeholder in
the question's text is replaced by its formatted value, and the substituted node is read
by the ordinary loader, so a variant is validated exactly like a hand-written question and
its errors point at the authored lines.

Placeholders: ``{{ expr }}`` or ``{{ expr | FORMAT }}`` with FORMAT one of ``sig N``
(N significant figures), ``sci N`` (scientific, N significant figures), ``fix N`` (N
decimals). Inside ``$...$`` math, scientific notation is written ``1.5 \\times 10^{-3}``;
outside, ``1.5e-3`` (what a student would type). In ``answer`` and the tolerances a
placeholder alone stands for the full-precision number.
"""

from __future__ import annotations

import functools
import keyword
import math
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from grader.bank.expr import CONSTANTS, FUNCTIONS, Expr, ExprError, Value, compile_expr
from grader.errors import Problem

if TYPE_CHECKING:
    from grader.bank.context import ReadContext
    from grader.bank.model import Question

PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.S)
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
NUMBER_KEYS = ("answer", "tolerance", "rel_tolerance")
FORMATS = ("sig", "sci", "fix")
MAX_PARAMS = 40
MAX_CHOICES = 1000
_CORE = "tag:yaml.org,2002:"


class ParamError(ValueError):
    """A param that cannot be drawn or computed, located in the bank file."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "range", "choice", "expr" or "value"
    node: yaml.Node
    low: float = 0.0
    high: float = 0.0
    step: float | None = None
    integer: bool = False
    options: tuple[Value, ...] = ()
    expr: Any = None  # an Expr for kind "expr"
    value: Value = 0


@dataclass
class Template:
    """What a parametrized question needs to make any of its variants."""

    params: list[Param]
    node: yaml.Node  # the question's mapping, params included
    path: str
    file: str
    read: Callable[[ReadContext, yaml.Node], Question | None] = field(repr=False)
    cache: dict[tuple[int, int], Question] = field(default_factory=dict, repr=False)


# -- reading `params` ------------------------------------------------------------------------


def read_params(ctx: ReadContext, node: yaml.Node, path: str) -> list[Param] | None:
    checker = ctx.checker
    if not isinstance(node, yaml.MappingNode) or not node.value:
        checker.error(node, path, "params must be a mapping of name -> draw or expression")
        return None
    if len(node.value) > MAX_PARAMS:
        checker.error(node, path, f"at most {MAX_PARAMS} params, found {len(node.value)}")
        return None
    params: list[Param] = []
    ok = True
    for key_node, value_node in node.value:
        name = str(getattr(key_node, "value", ""))
        sub = f"{path}.{name}"
        if not NAME.match(name) or keyword.iskeyword(name):
            checker.error(key_node, sub, f"'{name}' is not a valid param name (letters, digits, _)")
            ok = False
            continue
        if name in FUNCTIONS or name in CONSTANTS:
            checker.error(key_node, sub, f"'{name}' is a built-in name; choose another")
            ok = False
            continue
        if any(p.name == name for p in params):
            checker.error(key_node, sub, f"param '{name}' is defined twice")
            ok = False
            continue
        param = _read_param(ctx, name, value_node, sub, [p.name for p in params])
        if param is None:
            ok = False
        else:
            params.append(param)
    return params if ok else None


def _read_param(
    ctx: ReadContext, name: str, node: yaml.Node, path: str, earlier: list[str]
) -> Param | None:
    checker = ctx.checker
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _CORE + "str":
            try:
                expr = compile_expr(str(node.value), earlier)
            except ExprError as exc:
                _locate(checker.problems, checker.file, node, 0, path, exc)
                return None
            return Param(name, "expr", node, expr=expr)
        value = checker.number(node, path)
        return None if value is None else Param(name, "value", node, value=value)
    if not isinstance(node, yaml.MappingNode):
        checker.error(
            node, path, "a param is a number, an expression, {range: ...} or {choice: ...}"
        )
        return None
    fields = checker.mapping(node, path, allowed=("range", "step", "choice"))
    if fields is None:
        return None
    if ("range" in fields) == ("choice" in fields):
        checker.error(node, path, "a drawn param needs exactly one of `range` or `choice`")
        return None
    if "choice" in fields:
        if "step" in fields:
            checker.error(fields["step"], f"{path}.step", "`step` goes with `range`")
            return None
        items = checker.sequence(fields["choice"], f"{path}.choice")
        if len(items) > MAX_CHOICES:
            checker.error(fields["choice"], f"{path}.choice", f"at most {MAX_CHOICES} options")
            return None
        options = [checker.scalar(i, f"{path}.choice") for i in items]
        if not items or any(not isinstance(o, (int, float, str)) for o in options):
            if items:
                checker.error(fields["choice"], f"{path}.choice", "options are numbers or text")
            return None
        return Param(name, "choice", node, options=tuple(options))
    bounds = checker.sequence(fields["range"], f"{path}.range")
    if len(bounds) != 2:
        if bounds:
            checker.error(fields["range"], f"{path}.range", "a range is [low, high]")
        return None
    low, high = (checker.number(b, f"{path}.range") for b in bounds)
    step = checker.number(fields["step"], f"{path}.step") if "step" in fields else None
    if low is None or high is None or ("step" in fields and step is None):
        return None
    if high < low:
        checker.error(fields["range"], f"{path}.range", f"the range is empty ({low:g} > {high:g})")
        return None
    if step is not None and step <= 0:
        checker.error(fields["step"], f"{path}.step", "the step must be greater than 0")
        return None
    integer = all(_is_int(b) for b in bounds) and ("step" not in fields or _is_int(fields["step"]))
    if integer and step is None:
        step = 1
    if step is not None and (high - low) / step > 1e6:
        checker.error(fields.get("step", node), path, "over a million steps")
        return None
    return Param(name, "range", node, low=low, high=high, step=step, integer=integer)


def _is_int(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _CORE + "int"


# -- drawing ---------------------------------------------------------------------------------


def draw(params: list[Param], seed: str, file: str, path: str) -> dict[str, Value]:
    """The params of one variant, in authored order (expressions see the earlier ones)."""
    rng = random.Random(seed)
    values: dict[str, Value] = {}
    for p in params:
        if p.kind == "value":
            values[p.name] = p.value
        elif p.kind == "choice":
            values[p.name] = p.options[rng.randrange(len(p.options))]
        elif p.kind == "range":
            if p.step is None:
                values[p.name] = rng.uniform(p.low, p.high)
            else:
                count = math.floor((p.high - p.low) / p.step + 1e-9) + 1
                k = rng.randrange(count)
                values[p.name] = (
                    int(p.low) + k * int(p.step) if p.integer else round(p.low + k * p.step, 12)
                )
        else:
            try:
                values[p.name] = p.expr.evaluate(values)
            except ExprError as exc:
                problems: list[Problem] = []
                _locate(problems, file, p.node, 0, f"{path}.params.{p.name}", exc)
                raise ParamError(problems[0]) from None
    return values


# -- formatting ------------------------------------------------------------------------------


def format_value(value: Value, spec: str, *, math_mode: bool) -> str:
    """A value as text: ``spec`` is "", "sig N", "sci N" or "fix N"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return ", ".join(format_value(v, spec, math_mode=math_mode) for v in value)
    kind, _, digits_text = spec.partition(" ")
    digits = int(digits_text) if digits_text else 3
    if isinstance(value, int) and kind in ("", "sig", "fix"):
        return f"{value:.{digits}f}" if kind == "fix" else str(value)
    x = float(value)
    if kind == "fix":
        return f"{x:.{digits}f}"
    if kind == "sci":
        return _scientific(f"{x:.{max(digits - 1, 0)}e}", math_mode=math_mode)
    # `#` keeps the trailing zeros that are significant: 1.01 to 2 figures is "1.0".
    text = f"{x:#.{digits}g}" if kind == "sig" else f"{x:.6g}"
    if "e" in text:
        return _scientific(text, math_mode=math_mode)
    return text.removesuffix(".")


def _scientific(text: str, *, math_mode: bool) -> str:
    mantissa, _, exponent = text.partition("e")
    power = int(exponent)
    if math_mode:
        return f"{mantissa} \\times 10^{{{power}}}"
    return f"{mantissa}e{power}"


@functools.lru_cache(maxsize=4096)
def _compiled(source: str, names: tuple[str, ...]) -> Expr:
    """Placeholders are evaluated once per variant: parse each only once."""
    return compile_expr(source, names)


def _in_math(text: str, offset: int) -> bool:
    return len(re.findall(r"(?<!\\)\$\$?", text[:offset])) % 2 == 1


def substitute(
    text: str,
    values: Mapping[str, Value],
    *,
    names: list[str],
    on_error: Callable[[int, ExprError], None],
    exact: bool = False,
) -> str:
    """Replace every placeholder; ``exact`` writes numbers at full precision."""
    out: list[str] = []
    last = 0
    for m in PLACEHOLDER.finditer(text):
        out.append(text[last : m.start()])
        last = m.end()
        body, _, spec = m.group(1).partition("|")
        spec = " ".join(spec.split())
        if spec and (
            spec.split(" ")[0] not in FORMATS or not re.fullmatch(r"\w+( \d{1,2})?", spec)
        ):
            on_error(
                m.start(1), ExprError(f"unknown format '{spec}' (formats: sig N, sci N, fix N)")
            )
            continue
        try:
            value = _compiled(body, tuple(names)).evaluate(values)
        except ExprError as exc:
            on_error(m.start(1), exc)
            continue
        if exact and not spec and isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append(repr(value))
        else:
            out.append(format_value(value, spec, math_mode=_in_math(text, m.start())))
    out.append(text[last:])
    return "".join(out)


def _locate(
    problems: list[Problem],
    file: str,
    node: yaml.Node,
    offset: int,
    path: str,
    exc: ExprError,
    key_column: int | None = None,
) -> None:
    """An expression error at ``offset`` + its column inside ``node``'s text, as file:line:col."""
    value = str(getattr(node, "value", ""))
    at = offset + exc.column
    style = getattr(node, "style", None)
    line = node.start_mark.line + 1
    if style in ("|", ">"):
        line += 1 + value[:at].count("\n")
        # The text of a block sits where its first line starts: for `key: |` that is the
        # key's column plus two by convention, for `- |` the column of the `|`.
        indent = node.start_mark.column if key_column is None else key_column + 2
        column = indent + 1 + at - (value.rfind("\n", 0, at) + 1)
    else:
        line += value[:at].count("\n")
        column = node.start_mark.column + 1 + (1 if style in ('"', "'") else 0) + at
    problems.append(Problem(file, line, column, path, exc.message))


def substitute_node(
    node: yaml.Node,
    values: Mapping[str, Value],
    names: list[str],
    file: str,
    path: str,
    problems: list[Problem],
    *,
    key: str = "",
    top: bool = True,
    key_column: int | None = None,
) -> yaml.Node:
    """A copy of the question's node with every placeholder replaced (params dropped)."""
    if isinstance(node, yaml.MappingNode):
        pairs = []
        for k, v in node.value:
            name = str(getattr(k, "value", ""))
            if name == "params" and top:
                continue
            sub = f"{path}.{name}"
            column = k.start_mark.column
            pairs.append(
                (
                    k,
                    substitute_node(
                        v,
                        values,
                        names,
                        file,
                        sub,
                        problems,
                        key=name,
                        top=False,
                        key_column=column,
                    ),
                )
            )
        return yaml.MappingNode(node.tag, pairs, node.start_mark, node.end_mark, node.flow_style)
    if isinstance(node, yaml.SequenceNode):
        items = [
            substitute_node(v, values, names, file, f"{path}[{i}]", problems, key=key, top=False)
            for i, v in enumerate(node.value)
        ]
        return yaml.SequenceNode(node.tag, items, node.start_mark, node.end_mark, node.flow_style)
    if not isinstance(node, yaml.ScalarNode) or node.tag != _CORE + "str" or "{{" not in node.value:
        return node
    number_key = key in NUMBER_KEYS
    text = substitute(
        node.value,
        values,
        names=names,
        exact=number_key,
        on_error=lambda at, exc: _locate(problems, file, node, at, path, exc, key_column),
    )
    if number_key and _is_number(text):
        return yaml.ScalarNode(_CORE + "float", text, node.start_mark, node.end_mark, None)
    return yaml.ScalarNode(node.tag, text, node.start_mark, node.end_mark, node.style)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# -- variants --------------------------------------------------------------------------------


def variant_seed(bank_seed: int, qid: str, variant: int) -> str:
    return f"{bank_seed}/{qid}/{variant}"


def make_variant(template: Template, bank_seed: int, variant: int, qid: str) -> Question:
    """The question as drawn for ``variant``; raises ValidationFailed with located errors."""
    from grader._yaml import Checker
    from grader.bank.context import ReadContext
    from grader.errors import ValidationFailed

    cached = template.cache.get((bank_seed, variant))
    if cached is not None:
        return cached
    checker = Checker(template.file)
    names = [p.name for p in template.params]
    try:
        values = draw(
            template.params, variant_seed(bank_seed, qid, variant), template.file, template.path
        )
    except ParamError as exc:
        raise ValidationFailed([_with_variant(exc.problem, variant, None)]) from None
    node = substitute_node(
        template.node, values, names, template.file, template.path, checker.problems
    )
    question = None if checker.problems else template.read(ReadContext(checker), node)
    if checker.problems or question is None:
        raise ValidationFailed([_with_variant(p, variant, values) for p in checker.problems])
    question.params = template
    question.variant = variant
    question.values = dict(values)
    template.cache[(bank_seed, variant)] = question
    return question


def _with_variant(problem: Problem, variant: int, values: Mapping[str, Value] | None) -> Problem:
    shown = ""
    if values:
        shown = ", ".join(f"{k}={format_value(v, '', math_mode=False)}" for k, v in values.items())
        shown = f"; {shown}"
    return Problem(
        problem.file,
        problem.line,
        problem.column,
        problem.path,
        f"{problem.message} (variant {variant}{shown})",
    )
