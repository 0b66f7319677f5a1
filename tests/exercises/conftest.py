"""Shared machinery for the tests that prove an exercise.

Each ``tests/exercises/test_<slug>.py`` grades, through the real judge and jail, the
reference solution (full marks), the starter (below full), every file in ``wrong/`` (it
loses exactly the tests aimed at its mistake) and every file in ``alternatives/``
(correct solutions written another way: full marks).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.exercise.load import load_exercise
from grader.report.model import Result
from grader.runner.judge import Grader

REPO = Path(__file__).resolve().parents[2]
EXERCISES = REPO / "exercises"


class Prover:
    """One warm judge for one exercise; grades files by path."""

    def __init__(self, slug: str) -> None:
        self.root = EXERCISES / slug
        self.exercise = load_exercise(self.root)
        self.grader = Grader(self.exercise)

    def grade(self, source: Path) -> Result:
        """Grade one .py file as if it were the student's entry file."""
        with tempfile.TemporaryDirectory(prefix="prove-") as tmp:
            folder = Path(tmp) / "submission"
            folder.mkdir()
            shutil.copyfile(source, folder / self.exercise.entry)
            return self.grader.grade(folder, student=source.stem)

    def solution(self) -> Path:
        return self.root / "solution" / self.exercise.entry

    def starter(self) -> Path:
        return self.root / "starter" / self.exercise.entry

    def wrong(self) -> dict[str, Path]:
        return {p.stem: p for p in sorted((self.root / "wrong").glob("*.py"))}

    def alternatives(self) -> dict[str, Path]:
        return {p.stem: p for p in sorted((self.root / "alternatives").glob("*.py"))}


def failing_tests(result: Result) -> set[str]:
    """Function names of the tests that did not pass (``hidden::test_x`` -> ``test_x``)."""
    return {str(t.id).split("::")[-1] for t in result.tests if t.status != "passed"}


_provers: dict[str, Prover] = {}


@pytest.fixture(scope="session")
def prover() -> Iterator[object]:
    """``prover(slug)`` -> a warm :class:`Prover`, shared by every test of the session."""

    def get(slug: str) -> Prover:
        if slug not in _provers:
            _provers[slug] = Prover(slug)
        return _provers[slug]

    yield get
    for p in _provers.values():
        p.grader.close()
    _provers.clear()
