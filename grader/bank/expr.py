"""The small, safe expression language of parametrized questions.

An expression is parsed with ``ast.parse`` and then walked by this module's own evaluator,
which knows a whitelist of node types: numbers, the params' names, arithmetic, comparisons,
``and``/``or``/``not``, ``a if cond else b``, lists and tuples, and calls of the functions in
``FUNCTIONS``. Nothing else (attributes, subscripts, lambdas, comprehensions, strings
except as choice values, keyword arguments) gets past ``compile_expr``. Nothing is ever
passed to ``eval``.

Size and work are bounded: the source length and the number of nodes when compiling, and
while evaluating a step budget, a cap on how many elements a list or range may hold, and
powers are refused before they are computed if the result would be huge (``9**9**9``).
Every error carries the column in the expression where it happened.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_SOURCE = 400  # characters
MAX_NODES = 200
MAX_STEPS = 5_000
MAX_ELEMENTS = 1_000  # in any one list, range, sum or product
MAX_INT_BITS = 256
MAX_FLOAT = 1e300

Value = int | float | bool | str | tuple[Any, ...]


class ExprError(ValueError):
    """A problem with an expression; ``column`` is 0-based within the expression."""

    def __init__(self, message: str, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


def _sigmoid(x: float) -> float:
    # Written to stay finite for large |x| (exp(-x) overflows for x < -709).
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _log(x: float, base: float | None = None) -> float:
    if x <= 0:
        raise ExprError(f"log of {x:g}: the logarithm needs a positive number")
    if base is None:
        return math.log(x)
    if base <= 0 or base == 1:
        raise ExprError(f"log base {base:g} is not a valid base")
    return math.log(x, base)


def _log_named(fn: Callable[[float], float], name: str) -> Callable[[float], float]:
    def wrapped(x: float) -> float:
        if x <= 0:
            raise ExprError(f"{name} of {x:g}: the logarithm needs a positive number")
        return fn(x)

    return wrapped


def _sqrt(x: float) -> float:
    if x < 0:
        raise ExprError(f"sqrt of {x:g}: the square root needs a number ≥ 0")
    return math.sqrt(x)


def _exp(x: float) -> float:
    if x > 690:
        raise ExprError(f"exp({x:g}) is too large")
    return math.exp(x)


def _round(x: float, digits: int = 0) -> float:
    if not isinstance(digits, int) or not -20 <= digits <= 20:
        raise ExprError("round(x, digits) needs a whole number of digits from -20 to 20")
    return round(x, digits) if digits else float(round(x))


def _range(*args: int) -> tuple[int, ...]:
    if not 1 <= len(args) <= 3 or not all(isinstance(a, int) for a in args):
        raise ExprError("range takes 1 to 3 whole numbers")
    r = range(*args)
    if len(r) > MAX_ELEMENTS:
        raise ExprError(f"range of {len(r)} elements is over the limit of {MAX_ELEMENTS}")
    return tuple(r)


def _elements(name: str, values: Any) -> Sequence[Any]:
    if not isinstance(values, tuple):
        raise ExprError(f"{name} needs a list, e.g. {name}([a, b, c]) or {name}(range(4))")
    if len(values) > MAX_ELEMENTS:
        raise ExprError(f"{name} of {len(values)} elements is over the limit of {MAX_ELEMENTS}")
    return values


_ADD, _MULT = ast.Add(), ast.Mult()


def _prod(values: Any) -> float:
    out: float = 1
    for v in _elements("prod", values):
        out = _arith(_MULT, out, v)
    return out


def _sum(values: Any) -> float:
    out: float = 0
    for v in _elements("sum", values):
        out = _arith(_ADD, out, v)
    return out


def _minmax(name: str, pick: Callable[..., Any]) -> Callable[..., Any]:
    def fn(*args: Any) -> Any:
        values = _elements(name, args[0]) if len(args) == 1 else args
        if not values:
            raise ExprError(f"{name} of nothing")
        return pick(values)

    return fn


def _clamp(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "exp": _exp,
    "log": _log,
    "log10": _log_named(math.log10, "log10"),
    "log2": _log_named(math.log2, "log2"),
    "sqrt": _sqrt,
    "tanh": math.tanh,
    "sigmoid": _sigmoid,
    "sin": math.sin,
    "cos": math.cos,
    "abs": abs,
    "min": _minmax("min", min),
    "max": _minmax("max", max),
    "round": _round,
    "floor": math.floor,
    "ceil": math.ceil,
    "clamp": _clamp,
    "prod": _prod,
    "sum": _sum,
    "range": _range,
}
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
            ast.Mod: "%", ast.Pow: "**"}  # fmt: skip
_ALLOWED = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call,
    ast.Name, ast.Constant, ast.List, ast.Tuple, ast.Load, ast.And, ast.Or, ast.Not,
    ast.USub, ast.UAdd, *_BINARY, *_COMPARE,
)  # fmt: skip


@dataclass(frozen=True)
class Expr:
    """A checked expression, ready to evaluate many times."""

    source: str
    tree: ast.Expression
    names: frozenset[str]  # the params it reads

    def evaluate(self, values: Mapping[str, Value]) -> Value:
        result: Value = _Evaluator(values).run(self.tree.body)
        return result


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_size(value: Any, column: int) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ExprError("the result is too large (over 2^256)", column)
    if isinstance(value, float) and (value != value or abs(value) > MAX_FLOAT):
        raise ExprError(f"the result is not a finite number ({value:g})", column)
    return value


def _arith(op: ast.operator, a: Any, b: Any, column: int = 0) -> Any:
    symbol = _SYMBOLS[type(op)]
    if not (_number(a) or isinstance(a, bool)) or not (_number(b) or isinstance(b, bool)):
        raise ExprError(
            f"'{symbol}' needs numbers, found {type(a).__name__} and {type(b).__name__}", column
        )
    if isinstance(op, (ast.Div, ast.FloorDiv, ast.Mod)) and b == 0:
        raise ExprError("division by zero", column)
    if isinstance(op, ast.Pow):
        if a == 0 and b < 0:
            raise ExprError("0 to a negative power (division by zero)", column)
        if a < 0 and isinstance(b, float) and not b.is_integer():
            raise ExprError(f"{a:g} ** {b:g} is not a real number", column)
        # Refuse before computing: 9 ** 387420489 would take minutes and gigabytes.
        magnitude = abs(b) * math.log2(abs(a)) if a not in (0, 1, -1) else 0.0
        limit = MAX_INT_BITS if isinstance(a, int) and isinstance(b, int) else 996
        if magnitude > limit:
            raise ExprError(f"{a:g} ** {b:g} is too large", column)
    try:
        result = _BINARY[type(op)](a, b)
    except (OverflowError, ValueError, ZeroDivisionError) as exc:
        raise ExprError(f"'{symbol}' failed: {exc}", column) from None
    return _check_size(result, column)


class _Evaluator:
    def __init__(self, values: Mapping[str, Value]) -> None:
        self.values = values
        self.steps = 0

    def run(self, node: ast.expr) -> Any:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise ExprError(f"too much work (over {MAX_STEPS} steps)", node.col_offset)
        col = node.col_offset
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in self.values:
                return self.values[node.id]
            if node.id in CONSTANTS:
                return CONSTANTS[node.id]
            raise ExprError(f"'{node.id}' is a function: call it, as in {node.id}(x)", col)
        if isinstance(node, ast.BinOp):
            # A division by zero is pointed at the divisor, anything else at the operation.
            at = (
                node.right.col_offset
                if isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod))
                else col
            )
            return _arith(node.op, self.run(node.left), self.run(node.right), at)
        if isinstance(node, ast.UnaryOp):
            operand = self.run(node.operand)
            if isinstance(node.op, ast.Not):
                return not operand
            if not _number(operand):
                raise ExprError(f"'-' needs a number, found {type(operand).__name__}", col)
            return -operand if isinstance(node.op, ast.USub) else +operand
        if isinstance(node, ast.BoolOp):
            result = self.run(node.values[0])
            for sub in node.values[1:]:
                if isinstance(node.op, ast.And) and not result:
                    return result
                if isinstance(node.op, ast.Or) and result:
                    return result
                result = self.run(sub)
            return result
        if isinstance(node, ast.Compare):
            left = self.run(node.left)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = self.run(right_node)
                try:
                    ok = _COMPARE[type(op)](left, right)
                except TypeError:
                    raise ExprError(
                        f"cannot compare {type(left).__name__} with {type(right).__name__}", col
                    ) from None
                if not ok:
                    return False
                left = right
            return True
        if isinstance(node, ast.IfExp):
            return self.run(node.body) if self.run(node.test) else self.run(node.orelse)
        if isinstance(node, (ast.List, ast.Tuple)):
            return tuple(self.run(e) for e in node.elts)
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)  # compile_expr allows nothing else
            args = [self.run(a) for a in node.args]
            self.steps += sum(len(a) for a in args if isinstance(a, tuple))
            if self.steps > MAX_STEPS:  # before the call: a sum or product costs its length
                raise ExprError(f"too much work (over {MAX_STEPS} steps)", col)
            try:
                result = FUNCTIONS[node.func.id](*args)
            except ExprError as exc:
                raise ExprError(exc.message, col) from None
            except (TypeError, ValueError, OverflowError) as exc:
                raise ExprError(f"{node.func.id}(...) failed: {exc}", col) from None
            return _check_size(result, col)
        raise ExprError(f"'{type(node).__name__}' is not allowed", col)  # pragma: no cover


def compile_expr(source: str, names: Sequence[str]) -> Expr:
    """Parse and check an expression that may read ``names``; raise ExprError if not safe."""
    if len(source) > MAX_SOURCE:
        raise ExprError(f"the expression is too long ({len(source)} > {MAX_SOURCE} characters)")
    if not source.strip():
        raise ExprError("the expression is empty")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        column = max(0, (exc.offset or 1) - 1)
        raise ExprError(f"not a valid expression ({exc.msg})", column) from None
    offset = len(source) - len(source.lstrip())
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExprError(f"the expression is too big ({len(nodes)} > {MAX_NODES} parts)")
    used: set[str] = set()
    for node in nodes:
        col = offset + getattr(node, "col_offset", 0)
        if not isinstance(node, _ALLOWED):
            what = {
                ast.Attribute: "attribute access ('.')",
                ast.Subscript: "indexing ('[...]')",
                ast.Lambda: "lambda",
            }.get(type(node), f"'{type(node).__name__}'")
            raise ExprError(f"{what} is not allowed in an expression", col)
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, str)):
            raise ExprError(f"the constant {node.value!r} is not allowed", col)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            _check_size(node.value, col)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                name = node.func.id if isinstance(node.func, ast.Name) else "this"
                raise ExprError(
                    f"calling {name} is not allowed (functions: {', '.join(sorted(FUNCTIONS))})",
                    col,
                )
            if node.keywords:
                raise ExprError("keyword arguments are not allowed", col)
        if isinstance(node, ast.Name) and not (
            isinstance(getattr(node, "ctx", None), ast.Load)
        ):  # pragma: no cover - only Load reaches an eval-mode tree
            raise ExprError("assignment is not allowed", col)
        if isinstance(node, ast.Name) and node.id not in FUNCTIONS:
            if node.id not in names and node.id not in CONSTANTS:
                from grader._yaml import suggest

                raise ExprError(f"unknown name '{node.id}'" + suggest(node.id, names), col)
            used.add(node.id)
    _shift(tree, offset)
    return Expr(source, tree, frozenset(used))


def _shift(tree: ast.AST, offset: int) -> None:
    """Columns relative to the unstripped source."""
    if offset:
        for node in ast.walk(tree):
            if hasattr(node, "col_offset"):
                node.col_offset += offset
