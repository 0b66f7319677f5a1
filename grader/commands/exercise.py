"""The ``grader exercise`` commands, each a keyword-only ``main`` called by the CLI."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from grader.errors import EXIT_FAILED, EXIT_OK, BadInput
from grader.exercise import text
from grader.exercise.catalog import entry_lines
from grader.exercise.load import load_exercise
from grader.exercise.model import Exercise
from grader.exercise.submission import materialize
from grader.report.model import Result
from grader.resources import data_dir, resolve_exercise

if TYPE_CHECKING:  # the runner (and torch) load only when a command needs them
    from grader.exercise.seal import Sealed
    from grader.runner.judge import Grader

Echo = Callable[..., None]


def _load(name: str) -> Exercise:
    return load_exercise(resolve_exercise(name), display=name)


def list_main(*, directory: str | None, echo: Echo) -> int:
    root = Path(directory) if directory else data_dir("exercises")
    if not root.is_dir():
        raise BadInput(f"{root}: no such folder")
    found = sorted(p.parent for p in root.glob("*/exercise.yaml"))
    if not found:
        echo(f"no exercises in {root}")
    for folder in found:
        for line in entry_lines(load_exercise(folder)):
            echo(line)
    return EXIT_OK


def release_main(*, exercise: str, out: str, echo: Echo) -> int:
    from grader.exercise.release import release

    ex = _load(exercise)
    written = release(ex, Path(out))
    echo(
        f"released {ex.id} to {Path(out) / ex.id} "
        f"({len(written)} files; no solution, no hidden tests)"
    )
    return EXIT_OK


def grade_main(
    *,
    exercise: str,
    submission: str,
    fmt: str,
    output: str | None,
    require_isolation: str | None,
    student: str | None,
    echo: Echo,
    style: text.Style,
    sealed: str | None = None,
) -> int:
    # The key leaves the environment first, before anything can fork a jail.
    opened = _sealed(sealed)
    from grader.runner.judge import grade

    ex = _load(exercise)
    _must_exist(Path(submission), ex)
    with tempfile.TemporaryDirectory(prefix="grader-sub-") as tmp:
        folder = materialize(Path(submission), ex.entry, Path(tmp) / "submission")
        result = grade(ex, folder, student=student, require_level=require_isolation, sealed=opened)
    _emit(result, fmt, output, echo, style)
    return EXIT_OK if result.passed else EXIT_FAILED


def grade_all_main(
    *,
    exercise: str,
    submissions: str,
    out: str,
    fmt: str,
    jobs: int | None,
    require_isolation: str | None,
    echo: Echo,
    sealed: str | None = None,
    force: bool = False,
    cluster: str | None = None,
) -> int:
    """Grade every submission in ``submissions`` (a folder or a bulk-download zip)."""
    from grader.batch.engine import Request, run

    request = Request(
        exercise=exercise,
        submissions=Path(submissions),
        out=Path(out),
        fmt=fmt,
        jobs=jobs,
        require_level=require_isolation,
        sealed=Path(sealed) if sealed else None,
        force=force,
        cluster=cluster,
    )
    return run(request, echo=echo)


def seal_main(*, exercise: str, out: str, echo: Echo) -> int:
    """Encrypt the instructor-only files of EXERCISE into OUT with ``GRADER_SEAL_KEY``."""
    from grader.exercise.seal import parse_key, seal, take_key

    key = parse_key(take_key())
    ex = _load(exercise)
    blob, digest, count = seal(ex, key)
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(blob)
    echo(f"sealed {ex.id} to {target} ({count} files; content sha256 {digest})")
    return EXIT_OK


def seal_key_main(*, echo: Echo) -> int:
    from grader.exercise.seal import new_key

    echo(new_key())
    return EXIT_OK


def _sealed(path: str | None) -> Sealed | None:
    if path is None:
        return None
    from grader.exercise.seal import Sealed, take_key

    return Sealed.read(path, take_key())


def check_main(
    *, exercise: str, path: str | None, watch: bool, echo: Echo, style: text.Style
) -> int:
    """Public tests only, on the student's own file: fast, friendly, never a grade."""
    from grader.runner.judge import Grader

    ex = _load(exercise)
    target = Path(path) if path else Path(ex.entry)
    _must_exist(target, ex)  # before the judge starts: a typo costs no torch import
    hidden_left = _count_hidden(ex)
    with Grader(ex, include_hidden=False) as grader:
        # The stamp is taken before each run, so a save made while it runs is not missed.
        stamp = _stamp(target)
        code = _check_once(grader, ex, target, hidden_left, echo, style)
        if not watch:
            return code
        echo(style(f"watching {target} — save to re-run, Ctrl-C to stop", dim=True))
        try:
            while True:
                time.sleep(0.3)
                now = _stamp(target)
                if now != stamp:
                    stamp = now
                    echo(style("— change detected, re-running —", dim=True))
                    code = _check_once(grader, ex, target, hidden_left, echo, style)
        except KeyboardInterrupt:
            return code


def _must_exist(target: Path, ex: Exercise) -> None:
    if target.exists():
        return
    starter = ex.root / "starter" / ex.entry
    hint = ""
    if starter.is_file():
        hint = f"; to start from the starter, copy it first: cp {starter} {ex.entry}"
    raise BadInput(f"{target}: no such file or folder{hint}")


def _stamp(path: Path) -> tuple[float, int]:
    try:
        st = path.stat()
    except OSError:
        return (0.0, -1)
    return (st.st_mtime, st.st_size)


def _check_once(
    grader: Grader, ex: Exercise, target: Path, hidden_left: int, echo: Echo, style: text.Style
) -> int:
    with tempfile.TemporaryDirectory(prefix="grader-sub-") as tmp:
        try:
            folder = materialize(target, ex.entry, Path(tmp) / "submission")
        except BadInput as exc:
            echo(f"error: {exc.message}", err=True)
            return exc.exit_code
        result = grader.grade(folder)
    echo(text.render(result, style=style, hidden_left=hidden_left), nl=False)
    return EXIT_OK if result.passed else EXIT_FAILED


def _count_hidden(ex: Exercise) -> int:
    """How many hidden tests exist, counted without importing them."""
    import ast

    count = 0
    if ex.hidden_tests.is_dir():
        for path in ex.hidden_tests.glob("test_*.py"):
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except (SyntaxError, OSError, UnicodeDecodeError):
                continue
            count += sum(
                isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
                for node in tree.body
            )
    return count


def _emit(result: Result, fmt: str, output: str | None, echo: Echo, style: text.Style) -> None:
    from grader.report.registry import render

    if fmt == "text":
        report = text.render(result, style=style if output is None else text.plain)
    else:
        report = render(result, fmt)
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(report, encoding="utf-8")
    else:
        echo(report, nl=False)
