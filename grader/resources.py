"""Where shipped content lives: in a checkout, or inside an installed wheel.

In a checkout the content sits at the top level (``quizzes/``, ``templates/``,
``exercises/``); a wheel carries the same folders as ``grader/_data/<name>``.

What a name means on the command line (``grader exercise grade sigmoid-basics ...``):
an existing path first; then the course repository the command runs in
(``./exercises/NAME/`` for an exercise, ``./quizzes/NAME.yaml`` for a bank), so that an
instructor's full copy wins over the student copy a wheel ships; then what is shipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from grader.errors import BadInput

Kind = Literal["quizzes", "templates", "exercises"]

_PACKAGE = Path(__file__).resolve().parent


def data_dir(kind: Kind) -> Path:
    installed = _PACKAGE / "_data" / kind
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / kind).is_dir():
        return checkout / kind
    raise BadInput(f"cannot find the shipped '{kind}' folder (is grader installed correctly?)")


def shipped_banks() -> dict[str, Path]:
    return {p.stem: p for p in sorted(data_dir("quizzes").glob("*.yaml"))}


def resolve_bank(name_or_path: str) -> Path:
    """A path to a bank file, or the name of a bank shipped with the package."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    local = course_bank(name_or_path)
    if local is not None:
        return local
    banks = shipped_banks()
    if name_or_path in banks:
        return banks[name_or_path]
    if path.suffix or "/" in name_or_path:
        raise BadInput(f"{name_or_path}: no such file")
    names = ", ".join(banks) or "none"
    raise BadInput(f"no bank file or shipped bank named '{name_or_path}' (shipped: {names})")


def _is_name(text: str) -> bool:
    return bool(text) and "/" not in text and "\\" not in text and text not in (".", "..")


def course_bank(name: str) -> Path | None:
    """``./quizzes/NAME.yaml`` of the course repository in the current folder, if any."""
    candidate = Path("quizzes") / f"{name}.yaml"
    return candidate if _is_name(name) and candidate.is_file() else None


def course_exercise(name: str) -> Path | None:
    """``./exercises/NAME/`` of the course repository in the current folder, if any."""
    candidate = Path("exercises") / name
    ok = _is_name(name) and (candidate / "exercise.yaml").is_file()
    return candidate if ok else None


def shipped_exercises() -> dict[str, Path]:
    root = data_dir("exercises")
    return {p.parent.name: p.parent for p in sorted(root.glob("*/exercise.yaml"))}


def resolve_exercise(name_or_path: str) -> Path:
    """A path to an exercise folder, or the name of an exercise shipped with the package."""
    path = Path(name_or_path)
    if path.is_dir():
        return path
    local = course_exercise(name_or_path)
    if local is not None:
        return local
    exercises = shipped_exercises()
    if name_or_path in exercises:
        return exercises[name_or_path]
    names = ", ".join(exercises) or "none"
    raise BadInput(
        f"no exercise folder or shipped exercise named '{name_or_path}' (shipped: {names})"
    )
