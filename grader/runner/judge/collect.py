"""Find the pytest-style tests of an exercise and the settings of each.

Test files are imported into the judge (trusted code written by the instructor). Their
``assert`` statements are rewritten the way pytest does it when pytest is installed, so
a failing ``assert y == 0.5`` says what ``y`` was; without pytest a plain message is used.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from grader.errors import BadInput, Problem, ValidationFailed
from grader.exercise.files import ExerciseFiles, FolderFiles, remember_source
from grader.exercise.model import VISIBILITIES, Exercise
from grader.report.model import Visibility

FIXTURES = ("submission", "reference", "attach", "source")


@dataclass
class Case:
    id: str  # "public::test_sigmoid_at_zero"
    function: str
    name: str  # what a person reads
    func: Callable[..., Any]
    points: float
    visibility: Visibility
    timeout_s: float
    fixtures: list[str]
    file: str
    line: int


def collect(
    exercise: Exercise, *, include_hidden: bool, files: ExerciseFiles | None = None
) -> list[Case]:
    """``files``: where the test files are read (default: the exercise folder on disk)."""
    files = files or FolderFiles(exercise.root)
    folders: list[tuple[str, str, Visibility]] = [("public", "tests/public", "visible")]
    if include_hidden and files.has_dir("tests/hidden"):
        folders.append(("hidden", "tests/hidden", exercise.hidden_visibility))
    cases: list[Case] = []
    problems: list[Problem] = []
    for kind, folder, default_vis in folders:
        for rel in files.listing(folder, "test_*.py"):
            stem = PurePosixPath(rel).stem
            module = _import(
                files.read(rel) or b"",
                files.filename(rel),
                f"grader_tests.{exercise.id.replace('-', '_')}.{kind}.{stem}",
                in_memory=not isinstance(files, FolderFiles),
            )
            for fname, func in vars(module).items():
                if not (fname.startswith("test_") and inspect.isfunction(func)):
                    continue
                if func.__module__ != module.__name__:
                    continue  # imported from elsewhere
                case = _case(exercise, kind, func, default_vis, files.filename(rel), problems)
                if case is not None:
                    cases.append(case)
    if include_hidden:  # only a full collection knows every test name
        known = {c.function for c in cases}
        for name, override in exercise.tests.items():
            if name not in known:
                where = str(exercise.yaml_path)
                problems.append(
                    Problem(
                        where, override.line, None, f"tests.{name}", "no test function of this name"
                    )
                )
    if problems:
        raise ValidationFailed(problems)
    if not cases:
        raise BadInput(f"{exercise.root}: no test functions found in tests/")
    if include_hidden and exercise.points is not None:
        total = sum(c.points for c in cases)
        if abs(total - exercise.points) > 1e-9:
            raise ValidationFailed(
                [
                    Problem(
                        str(exercise.yaml_path),
                        None,
                        None,
                        "points",
                        f"is {exercise.points:g} but the tests add up to {total:g}",
                    )
                ]
            )
    return cases


def _case(
    exercise: Exercise,
    kind: str,
    func: Callable[..., Any],
    default_vis: Visibility,
    path: str,
    problems: list[Problem],
) -> Case | None:
    override = exercise.tests.get(func.__name__)
    line = func.__code__.co_firstlineno
    params = list(inspect.signature(func).parameters)
    unknown = [p for p in params if p not in FIXTURES]
    if unknown:
        problems.append(
            Problem(
                str(path),
                line,
                None,
                func.__name__,
                f"unknown fixture '{unknown[0]}' (available: {', '.join(FIXTURES)})",
            )
        )
        return None
    if "reference" in params and kind == "public":
        problems.append(
            Problem(
                str(path),
                line,
                None,
                func.__name__,
                "public tests cannot use 'reference' (students do not have it)",
            )
        )
        return None
    points = getattr(func, "__grader_points__", 1.0)
    vis = getattr(func, "__grader_visibility__", default_vis)
    timeout = getattr(func, "__grader_timeout__", exercise.limits.time_s)
    doc = (inspect.getdoc(func) or "").strip().splitlines()
    name = doc[0] if doc else func.__name__.removeprefix("test_").replace("_", " ")
    if override is not None:
        points = override.points if override.points is not None else points
        vis = override.visibility or vis
        timeout = override.timeout_s or timeout
        name = override.name or name
    if vis not in VISIBILITIES:
        problems.append(
            Problem(
                str(path),
                line,
                None,
                func.__name__,
                f"visibility '{vis}' is not one of {', '.join(VISIBILITIES)}",
            )
        )
        return None
    return Case(
        id=f"{kind}::{func.__name__}",
        function=func.__name__,
        name=name,
        func=func,
        points=float(points),
        visibility=vis,
        timeout_s=float(timeout),
        fixtures=params,
        file=path,
        line=line,
    )


def _import(source: bytes, path: str, name: str, *, in_memory: bool) -> types.ModuleType:
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        raise ValidationFailed(
            [Problem(str(path), exc.lineno, exc.offset, "", f"syntax error: {exc.msg}")]
        ) from None
    _rewrite_asserts(tree, source, path)
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    if in_memory:
        remember_source(path, source)
    try:
        exec(compile(tree, path, "exec"), module.__dict__)
    except Exception as exc:
        raise BadInput(
            f"{path}: cannot import the test file: {type(exc).__name__}: {exc}"
        ) from None
    return module


def _rewrite_asserts(tree: ast.Module, source: bytes, path: str) -> None:
    try:
        from _pytest.assertion.rewrite import rewrite_asserts
    except ImportError:  # pytest is optional at run time
        return
    try:
        rewrite_asserts(tree, source, path, None)
    except Exception:  # an internal pytest API: if it changes, keep plain asserts
        return


def load_reference(
    exercise: Exercise, files: ExerciseFiles | None = None
) -> types.ModuleType | None:
    """The reference solution, imported into the judge (only ever for grading)."""
    name = f"grader_reference.{exercise.id.replace('-', '_')}"
    if files is None or isinstance(files, FolderFiles):
        path = exercise.solution / exercise.entry
        if not path.is_file():
            return None
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            return None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    # In memory (a sealed bundle): compiled from its source, never written to disk.
    rel = f"solution/{exercise.entry}"
    source = files.read(rel)
    if source is None:
        return None
    filename = files.filename(rel)
    module = types.ModuleType(name)
    module.__file__ = filename
    remember_source(filename, source)
    exec(compile(source, filename, "exec"), module.__dict__)
    return module
