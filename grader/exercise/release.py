"""The student copy of an exercise: statement, starter and public tests, nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

from grader.errors import BadInput
from grader.exercise.model import Exercise

# Exactly what a student may see; everything else in the folder stays with the instructor.
RELEASED = ("exercise.yaml", "README.md", "starter", "tests/public")


def release(exercise: Exercise, out: Path) -> list[Path]:
    """Write the student copy to ``out/<id>``; returns the files written."""
    target = out / exercise.id
    if target.exists() and any(target.iterdir()):
        raise BadInput(f"{target}: already exists and is not empty")
    written: list[Path] = []
    for rel in RELEASED:
        src = exercise.root / rel
        if src.is_file():
            dst = target / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            written.append(dst)
        elif src.is_dir():
            for path in sorted(src.rglob("*")):
                if path.is_symlink() or "__pycache__" in path.parts or not path.is_file():
                    continue
                dst = target / rel / path.relative_to(src)
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, dst)
                written.append(dst)
    return written
