"""Safe YAML reading that keeps the position of every value.

We compose YAML to nodes (never construct arbitrary objects), refuse every tag outside
the plain JSON-like core, and size the alias-expanded node graph in linear time before
anything reads it, so that an alias bomb ("billion laughs") is refused in milliseconds
instead of exhausting memory.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from grader._yaml_syntax import explain
from grader.errors import Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null")}
_MERGE_TAG = _CORE + "merge"
_MAP_TAG = _CORE + "map"
_SEQ_TAG = _CORE + "seq"

T = TypeVar("T")
# libyaml's composer is ~15x faster than the pure-Python one; both keep line/column marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LOOSE_FLOAT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


@dataclass
class Checker:
    """Reads YAML nodes into plain values, recording every problem with its position."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    # The document's lines, so that a problem inside a value (a formula) gets its column.
    lines: list[str] = field(default_factory=list)
    _constructor: yaml.constructor.SafeConstructor = field(
        default_factory=yaml.constructor.SafeConstructor
    )

    # -- reporting -------------------------------------------------------------------
    def error(self, node: yaml.Node | None, path: str, message: str) -> None:
        line = col = None
        if node is not None:
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        self.problems.append(Problem(self.file, line, col, path, message))

    # -- shapes ----------------------------------------------------------------------
    def mapping(
        self,
        node: yaml.Node,
        path: str,
        *,
        allowed: Iterable[str],
        required: Iterable[str] = (),
        what: str = "a mapping",
    ) -> dict[str, yaml.Node] | None:
        """Check that ``node`` is a mapping with only ``allowed`` keys, all ``required`` ones."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, path, f"expected {what}, found {describe(node)}")
            return None
        allowed = list(allowed)
        out: dict[str, yaml.Node] = {}
        suggested: set[str] = set()
        for key_node, value_node in _merged_pairs(node):
            key = self.scalar(key_node, path)
            if not isinstance(key, str):
                self.error(key_node, path, f"keys must be strings, found {describe(key_node)}")
                continue
            sub = join(path, key)
            if key in out:
                self.error(key_node, sub, "duplicate key (YAML would silently keep the last)")
                continue
            if key not in allowed:
                hint = suggest(key, allowed)
                self.error(key_node, sub, "unknown key" + hint)
                suggested.update(close_match(key, allowed))
                continue
            out[key] = value_node
        for key in required:
            # A misspelt required key is one mistake: the did-you-mean already names it.
            if key not in out and key not in suggested:
                self.error(node, join(path, key), "missing required key")
        return out

    def sequence(self, node: yaml.Node, path: str, *, nonempty: bool = True) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, path, f"expected a list, found {describe(node)}")
            return []
        if nonempty and not node.value:
            self.error(node, path, "must not be empty")
        return list(node.value)

    def scalar(self, node: yaml.Node, path: str) -> Any:
        """The plain value of a scalar node; None (with an error) for anything else."""
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, path, f"expected a single value, found {describe(node)}")
            return None
        return self._constructor.construct_object(node, deep=True)

    # -- typed values ----------------------------------------------------------------
    def string(self, node: yaml.Node, path: str, *, nonempty: bool = True) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _CORE + "str":
            # Numbers and booleans are accepted where text is expected only if quoted,
            # so that `answer: yes` does not silently become True.
            if isinstance(node, yaml.ScalarNode) and node.tag in _SCALAR_TAGS - {_CORE + "null"}:
                self.error(node, path, f"expected text, found {describe(node)} (quote it)")
                return None
            self.error(node, path, f"expected text, found {describe(node)}")
            return None
        value = self.scalar(node, path)
        if nonempty and not str(value).strip():
            self.error(node, path, "must not be empty")
            return None
        return str(value)

    def number(self, node: yaml.Node, path: str) -> float | None:
        plain_float = (
            isinstance(node, yaml.ScalarNode)
            and not node.style
            and _LOOSE_FLOAT.match(node.value) is not None
        )  # YAML 1.1 reads `1e-10` (no dot) as text; authors mean a number
        if isinstance(node, yaml.ScalarNode) and (
            node.tag in (_CORE + "int", _CORE + "float") or plain_float
        ):
            value = node.value if plain_float else self.scalar(node, path)
            number = float(value)
            if number != number or number in (float("inf"), float("-inf")):
                self.error(node, path, "must be a finite number")
                return None
            return number
        self.error(node, path, f"expected a number, found {describe(node)}")
        return None

    def boolean(self, node: yaml.Node, path: str) -> bool | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _CORE + "bool":
            return bool(self.scalar(node, path))
        self.error(node, path, f"expected true or false, found {describe(node)}")
        return None

    def choice(self, node: yaml.Node, path: str, options: Sequence[str]) -> str | None:
        value = self.string(node, path)
        if value is None:
            return None
        if value not in options:
            self.error(
                node,
                path,
                f"'{value}' is not one of {', '.join(options)}" + suggest(value, options),
            )
            return None
        return value

    def strings(self, node: yaml.Node, path: str, *, nonempty: bool = True) -> list[str]:
        items = self.sequence(node, path, nonempty=nonempty)
        out = []
        for i, item in enumerate(items):
            value = self.string(item, f"{path}[{i}]")
            if value is not None:
                out.append(value)
        return out

    def each(
        self, node: yaml.Node, path: str, read: Callable[[yaml.Node, str], T | None]
    ) -> list[T]:
        """Read every item of a list with ``read``, keeping the ones that are valid."""
        out = []
        for i, item in enumerate(self.sequence(node, path)):
            value = read(item, f"{path}[{i}]")
            if value is not None:
                out.append(value)
        return out


def _merged_pairs(node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
    """Key/value pairs with YAML merge keys (``<<: *defaults``) expanded, own keys last."""
    merged: list[tuple[yaml.Node, yaml.Node]] = []
    own: list[tuple[yaml.Node, yaml.Node]] = []
    for key, value in node.value:
        if key.tag == _MERGE_TAG:
            sources = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for source in sources:
                if isinstance(source, yaml.MappingNode):
                    merged.extend(_merged_pairs(source))
        else:
            own.append((key, value))
    own_keys = {k.value for k, _ in own if isinstance(k, yaml.ScalarNode)}
    return [(k, v) for k, v in merged if k.value not in own_keys] + own


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def close_match(word: str, options: Iterable[str]) -> list[str]:
    return difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)


def suggest(word: str, options: Iterable[str]) -> str:
    close = close_match(word, options)
    return f" (did you mean '{close[0]}'?)" if close else ""


def describe(node: yaml.Node | None) -> str:
    if node is None:
        return "nothing"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    kind = {
        "str": "text",
        "int": "a number",
        "float": "a number",
        "bool": "a boolean",
        "null": "nothing (null)",
    }.get(node.tag.removeprefix(_CORE), node.tag)
    shown = node.value if len(node.value) <= 30 else node.value[:27] + "..."
    return f"{kind} '{shown}'" if node.tag != _CORE + "null" else kind


def _check_tags(node: yaml.Node, checker: Checker, seen: set[int]) -> None:
    """Refuse every non-core tag (``!!python/object``, custom ``!tags``) anywhere."""
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue  # an alias: the target was (or will be) checked once
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            ok = current.tag in _SCALAR_TAGS or current.tag == _CORE + "timestamp"
            if current.tag == _CORE + "timestamp":
                # Dates are not a value any field takes; read them as the text they are.
                current.tag = _CORE + "str"
        elif isinstance(current, yaml.MappingNode):
            ok = current.tag == _MAP_TAG
            for key, value in current.value:
                if key.tag == _MERGE_TAG:
                    stack.append(value)
                else:
                    stack.extend((key, value))
        else:
            ok = current.tag == _SEQ_TAG
            stack.extend(current.value)
        if not ok:
            checker.error(current, "", f"YAML tag '{current.tag}' is not allowed")


def compose(path: Path, checker: Checker, *, max_bytes: int = MAX_FILE_BYTES) -> yaml.Node | None:
    """Read and compose one YAML file; problems go to ``checker``, never raise."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            checker.error(None, "", f"file is {size:,} bytes; the limit is {max_bytes:,}")
            return None
        data = path.read_bytes()
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Point at the offending line so the author can find the stray byte.
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        checker.problems.append(
            Problem(
                checker.file,
                line,
                col,
                "",
                f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8",
            )
        )
        return None
    except OSError as exc:
        checker.error(None, "", f"cannot read: {exc.strerror or exc}")
        return None
    return compose_text(text, checker)


def compose_text(text: str, checker: Checker) -> yaml.Node | None:
    checker.lines = text.split("\n")
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = explain(exc, text)
        checker.problems.append(Problem(checker.file, line, col, "", f"YAML syntax error: {what}"))
        return None
    except yaml.YAMLError as exc:
        checker.error(None, "", f"YAML syntax error: {exc}")
        return None
    except RecursionError:
        checker.error(None, "", "the document is nested too deeply to be a bank")
        return None
    if node is not None:
        _check_tags(node, checker, set())
        if checker.problems:
            return None
        memo: dict[int, int] = {}
        try:
            too_big = _expanded_size(node, memo) > MAX_NODES
        except RecursionError:
            too_big = True
        if too_big:
            checker.error(
                _first_too_big(node, memo),
                "",
                f"the document expands to more than {MAX_NODES:,} values through YAML aliases; "
                "this looks like an alias bomb ('billion laughs') and is refused",
            )
            return None
    return node


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many values the document has once aliases are expanded (memoised: linear time)."""
    if id(node) in memo:
        return memo[id(node)]
    memo[id(node)] = MAX_NODES + 1  # a cycle through aliases expands forever
    if isinstance(node, yaml.ScalarNode):
        size = 1
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, memo) for child in node.value)
    else:
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    size = min(size, MAX_NODES + 1)
    memo[id(node)] = size
    return size


def _first_too_big(root: yaml.Node, memo: dict[int, int]) -> yaml.Node | None:
    """The innermost node that alone expands past the limit: where the bomb is built."""
    if memo.get(id(root), 0) <= MAX_NODES:
        return None  # gave up on depth before sizing: no better place to point at
    node, seen = root, {id(root)}
    while True:
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        bigger = next(
            (c for c in children if memo.get(id(c), 0) > MAX_NODES and id(c) not in seen), None
        )
        if bigger is None:
            return node
        seen.add(id(bigger))
        node = bigger
