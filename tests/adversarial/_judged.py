"""Grading one source file through a warm judge, for the hostile-submission suites of an
exercise (what each test then checks is its own)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from grader.exercise.load import load_exercise
from grader.report.model import Result
from grader.runner.judge import Grader


def warm_grader(exercise: Path) -> Iterator[Grader]:
    """A Grader for ``exercise`` for a module's tests (use with ``yield from``)."""
    g = Grader(load_exercise(exercise))
    try:
        yield g
    finally:
        g.close()


def grade_source(grader: Grader, source: str) -> Result:
    """Grade ``source`` as the student's entry file, from a folder of its own."""
    folder = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        (folder / grader.exercise.entry).write_text(source)
        return grader.grade(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def failing(result: Result) -> set[str]:
    """Function names of the tests that did not pass."""
    return {str(t.id).split("::")[-1] for t in result.tests if t.status != "passed"}
