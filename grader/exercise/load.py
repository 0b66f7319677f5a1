"""exercise.yaml -> validated Exercise, every problem located as file:line:col."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from grader._yaml import Checker, compose, compose_text
from grader.errors import BadInput, Problem, ValidationFailed
from grader.exercise.limits import Limits
from grader.exercise.model import TAG_VOCABULARY, VISIBILITIES, Exercise, TestOverride

KEYS = (
    "id",
    "title",
    "description",
    "entry",
    "points",
    "tags",
    "grade_time_s",
    "limits",
    "tests",
    "hidden_visibility",
)
LIMIT_KEYS = (
    "time_s",
    "total_time_s",
    "import_time_s",
    "memory_mb",
    "processes",
    "output_kb",
    "file_size_kb",
    "open_files",
    "scratch_mb",
)
# Bounds that keep a typo (memory_mb: 5120000) from becoming a denial of service.
LIMIT_RANGES = {
    "time_s": (0.05, 600),
    "total_time_s": (0.1, 3600),
    "import_time_s": (0.05, 600),
    "memory_mb": (16, 65536),
    "processes": (1, 4096),
    "output_kb": (1, 65536),
    "file_size_kb": (1, 1 << 22),
    "open_files": (16, 4096),
    "scratch_mb": (1, 4096),
}
TEST_KEYS = ("points", "visibility", "timeout_s", "name")
ENTRY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.py$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def load_exercise(
    folder: Path | str, *, display: str | None = None, text: str | None = None, label: str = ""
) -> Exercise:
    """Read and validate ``folder/exercise.yaml``; raise ValidationFailed on any problem.

    ``text`` (with ``label`` naming it in errors) replaces the file's content: a sealed
    exercise.yaml, which wins over the student copy's.
    """
    folder = Path(folder)
    path = folder / "exercise.yaml"
    if text is None and not path.is_file():
        raise BadInput(f"{display or folder}: not an exercise folder (no exercise.yaml)")
    checker = Checker(label or str(path))
    root = compose(path, checker) if text is None else compose_text(text, checker)
    exercise = None
    if root is None and not checker.problems:
        checker.error(None, "", "the file is empty; an exercise needs id, title and entry")
    elif root is not None:
        exercise = _read(checker, root, folder)
    if exercise is not None:
        _check_folder(checker, exercise)
    if checker.problems or exercise is None:
        raise ValidationFailed(sorted(checker.problems, key=lambda p: (p.line or 0, p.column or 0)))
    return exercise


def _read(c: Checker, root: yaml.Node, folder: Path) -> Exercise | None:
    top = c.mapping(root, "", allowed=KEYS, required=("id", "title", "entry"))
    if top is None:
        return None
    ident = c.string(top["id"], "id") if "id" in top else None
    if ident is not None and not ID_RE.match(ident):
        c.error(top["id"], "id", "use lowercase letters, digits and dashes (e.g. sigmoid-basics)")
    title = c.string(top["title"], "title") if "title" in top else None
    entry = c.string(top["entry"], "entry") if "entry" in top else None
    if entry is not None and not ENTRY_RE.match(entry):
        c.error(top["entry"], "entry", "must be a Python file name such as sigmoid.py")
        entry = None
    points = None
    if "points" in top:
        points = c.number(top["points"], "points")
        if points is not None and points <= 0:
            c.error(top["points"], "points", "must be positive")
    description = c.string(top["description"], "description") if "description" in top else ""
    tags = _tags(c, top["tags"]) if "tags" in top else []
    limits = _limits(c, top["limits"]) if "limits" in top else Limits()
    grade_time = None
    if "grade_time_s" in top:
        grade_time = c.number(top["grade_time_s"], "grade_time_s")
        if grade_time is not None and not 0 < grade_time <= limits.total_time_s:
            c.error(
                top["grade_time_s"],
                "grade_time_s",
                f"must be positive and at most limits.total_time_s ({limits.total_time_s:g})",
            )
            grade_time = None
    tests = _tests(c, top["tests"]) if "tests" in top else {}
    hidden = "hidden"
    if "hidden_visibility" in top:
        hidden = c.choice(top["hidden_visibility"], "hidden_visibility", VISIBILITIES) or "hidden"
    if ident is None or title is None or entry is None:
        return None
    return Exercise(
        root=folder,
        id=ident,
        title=title,
        entry=entry,
        points=points,
        limits=limits,
        tests=tests,
        hidden_visibility=hidden,  # type: ignore[arg-type]
        description=description or "",
        tags=tags,
        grade_time_s=grade_time,
    )


def _tags(c: Checker, node: yaml.Node) -> list[str]:
    out: list[str] = []
    for i, item in enumerate(c.sequence(node, "tags")):
        tag = c.choice(item, f"tags[{i}]", TAG_VOCABULARY)
        if tag is None:
            continue
        if tag in out:
            c.error(item, f"tags[{i}]", f"'{tag}' is listed twice")
            continue
        out.append(tag)
    return out


def _limits(c: Checker, node: yaml.Node) -> Limits:
    found = c.mapping(node, "limits", allowed=LIMIT_KEYS) or {}
    limits = Limits()
    for key, value_node in found.items():
        value = c.number(value_node, f"limits.{key}")
        if value is None:
            continue
        low, high = LIMIT_RANGES[key]
        if not low <= value <= high:
            c.error(value_node, f"limits.{key}", f"must be between {low:g} and {high:g}")
            continue
        current = getattr(limits, key)
        setattr(limits, key, int(value) if isinstance(current, int) else float(value))
    if limits.total_time_s < limits.time_s:
        c.error(node, "limits.total_time_s", "must be at least limits.time_s")
    return limits


def _tests(c: Checker, node: yaml.Node) -> dict[str, TestOverride]:
    # Any test name may appear here; whether a test of that name exists is checked once
    # the test files are collected.
    names = [k.value for k, _ in node.value] if isinstance(node, yaml.MappingNode) else []
    found = c.mapping(node, "tests", allowed=names, what="a mapping of test names") or {}
    out: dict[str, TestOverride] = {}
    for name, value_node in found.items():
        path = f"tests.{name}"
        key_line = value_node.start_mark.line + 1
        settings = c.mapping(value_node, path, allowed=TEST_KEYS) or {}
        override = TestOverride(line=key_line)
        if "points" in settings:
            override.points = c.number(settings["points"], f"{path}.points")
            if override.points is not None and override.points < 0:
                c.error(settings["points"], f"{path}.points", "must not be negative")
        if "visibility" in settings:
            v = c.choice(settings["visibility"], f"{path}.visibility", VISIBILITIES)
            override.visibility = v  # type: ignore[assignment]
        if "timeout_s" in settings:
            override.timeout_s = c.number(settings["timeout_s"], f"{path}.timeout_s")
            if override.timeout_s is not None and not 0.05 <= override.timeout_s <= 600:
                c.error(settings["timeout_s"], f"{path}.timeout_s", "must be between 0.05 and 600")
        if "name" in settings:
            override.name = c.string(settings["name"], f"{path}.name")
        out[name] = override
    return out


def _check_folder(c: Checker, ex: Exercise) -> None:
    yaml_file = str(ex.yaml_path)
    for sub in ("starter", "tests/public"):
        if not (ex.root / sub).is_dir():
            c.problems.append(Problem(yaml_file, None, None, "", f"the folder has no {sub}/"))
    if (ex.root / "starter").is_dir() and not (ex.root / "starter" / ex.entry).is_file():
        c.problems.append(
            Problem(yaml_file, None, None, "entry", f"starter/{ex.entry} does not exist")
        )
