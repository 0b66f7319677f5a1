"""``grader exercise gradescope EXERCISE -o autograder.zip``: a Gradescope autograder.

The zip holds, at its root, what Gradescope's autograder specification asks for
(``setup.sh``, ``run_autograder``) and what they need:

- ``lib/grader/``: this very grader (with its templates), so the autograder grades with
  the version that built it; ``requirements.txt`` pins its dependencies to the versions
  installed here (setup.sh installs them, or nothing when they are there already);
- ``<id>/`` and the hidden tests: with ``--sealed`` (the default) the student copy,
  ``<id>.sealed`` and ``seal.key`` (run_autograder deletes the key file before grading, so
  the container holds only ciphertext while student code runs); with ``--include-hidden``
  the instructor's folder itself (without ``wrong/``), in the clear.

Gradescope unpacks the zip into ``/autograder/source``; both scripts take that root from
``GRADER_AUTOGRADER_ROOT`` (default ``/``), so a test can lay the same tree anywhere.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path

import jinja2

import grader
from grader import __version__
from grader.errors import EXIT_OK, BadInput
from grader.exercise.load import load_exercise
from grader.exercise.model import Exercise
from grader.exercise.release import RELEASED
from grader.resources import data_dir, resolve_exercise

Echo = Callable[..., None]
# The instructor's folder without what grading never reads.
NOT_SHIPPED = ("wrong",)
SKIP = {"__pycache__", ".pytest_cache", ".mypy_cache"}
STAMP = (2020, 1, 1, 0, 0, 0)  # fixed times: the same inputs give the same entries


def requirements() -> list[str]:
    """grader's dependencies, pinned to the versions installed here (no local labels)."""
    try:
        declared = metadata.requires("grader") or []
    except metadata.PackageNotFoundError:
        raise BadInput("grader's package metadata is missing: install it (pip install .)") from None
    pins = []
    for spec in declared:
        if "extra ==" in spec:
            continue
        name = spec.split(";")[0].strip()
        for sep in "<>=!~ [":
            name = name.split(sep)[0]
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            raise BadInput(f"grader needs {name}, which is not installed") from None
        pins.append(f"{name}=={installed.split('+')[0]}")
    return pins


def _files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and not SKIP & set(path.parts):
            yield path


def _package_files() -> Iterator[tuple[str, Path]]:
    """(name in the zip, file) for grader itself, with its templates and banks in _data."""
    package = Path(grader.__file__).resolve().parent
    for path in _files(package):
        rel = path.relative_to(package)
        if rel.parts[0] == "_data" and rel.parts[1:2] == ("exercises",):
            continue  # the autograder grades its own exercise, never a shipped one
        yield f"lib/grader/{rel.as_posix()}", path
    if not (package / "_data").is_dir():  # a checkout: the content sits beside the package
        for kind in ("templates", "quizzes"):
            root = data_dir(kind)  # type: ignore[arg-type]
            for path in _files(root):
                yield f"lib/grader/_data/{kind}/{path.relative_to(root).as_posix()}", path


def _exercise_files(ex: Exercise, *, student_copy: bool) -> Iterator[tuple[str, Path]]:
    for path in _files(ex.root):
        rel = path.relative_to(ex.root).as_posix()
        if student_copy:
            keep = any(rel == r or rel.startswith(r + "/") for r in RELEASED)
        else:
            keep = rel.split("/")[0] not in NOT_SHIPPED
        if keep:
            yield f"{ex.id}/{rel}", path


def _add(zf: zipfile.ZipFile, name: str, data: bytes, *, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = ((0o755 if executable else 0o644) | 0o100000) << 16
    zf.writestr(info, data)


def _scripts(ex: Exercise, *, sealed: bool, require_isolation: str | None) -> dict[str, str]:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates"))),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    context = {
        "version": __version__,
        "exercise_id": ex.id,
        "exercise_dir": ex.id,
        "sealed": sealed,
        "sealed_file": f"{ex.id}.sealed",
        "require_isolation": require_isolation,
    }
    return {
        name: env.get_template(f"gradescope/{name}.j2").render(**context)
        for name in ("setup.sh", "run_autograder")
    }


def build(
    ex: Exercise, target: Path, *, sealed: bool, require_isolation: str | None
) -> tuple[int, str | None]:
    """Write the autograder zip; (files in it, the sealed content's sha256 or None)."""
    if not ex.hidden_tests.is_dir() and not ex.solution.is_dir():
        raise BadInput(
            f"{ex.root} is a student copy (no hidden tests, no solution): build the "
            "autograder from the instructor's copy"
        )
    scripts = _scripts(ex, sealed=sealed, require_isolation=require_isolation)
    digest = None
    blob = b""
    key = ""
    if sealed:
        from grader.exercise.seal import new_key, parse_key, seal

        # Gradescope has no secret store: the key travels in the zip, which students
        # never see; a key of its own per build, unless GRADER_SEAL_KEY names one.
        key = os.environ.get("GRADER_SEAL_KEY") or new_key()
        blob, digest, _ = seal(ex, parse_key(key.encode()))
    target.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with zipfile.ZipFile(target, "w") as zf:
        for name, text in scripts.items():
            _add(zf, name, text.encode(), executable=True)
        _add(zf, "requirements.txt", ("\n".join(requirements()) + "\n").encode())
        count += 3
        for name, path in [*_package_files(), *_exercise_files(ex, student_copy=sealed)]:
            _add(zf, name, path.read_bytes())
            count += 1
        if sealed:
            _add(zf, f"{ex.id}.sealed", blob)
            _add(zf, "seal.key", key.encode() + b"\n")
            count += 2
    return count, digest


def main(
    *,
    exercise: str,
    output: str,
    sealed: bool,
    include_hidden: bool,
    require_isolation: str | None,
    echo: Echo,
) -> int:
    if sealed and include_hidden:
        raise BadInput("choose one of --sealed and --include-hidden")
    ex = load_exercise(resolve_exercise(exercise), display=exercise)
    if include_hidden and require_isolation is None:
        # The hidden tests and the solution are files in the container: keep student code
        # out of them unless the instructor lowers this on purpose.
        require_isolation = "namespaces"
    count, digest = build(
        ex, Path(output), sealed=not include_hidden, require_isolation=require_isolation
    )
    how = f"hidden tests sealed, content sha256 {digest}" if digest else "hidden tests included"
    echo(f"wrote {output}: a Gradescope autograder for {ex.id} ({count} files; {how})")
    return EXIT_OK
