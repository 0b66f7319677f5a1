"""One warm judge grading one submission after another, whatever each one does.

Used inside a judge process (``worker``) and inside a Dask worker (``cluster``). Every
outcome is an answer: a graded result, an ``error`` row the submission earned (a corrupt
zip, no entry file), or an ``error`` row marked internal (grader itself failed on it).
"""

from __future__ import annotations

import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.errors import BadInput
from grader.exercise import text
from grader.exercise.model import Exercise
from grader.exercise.submission import materialize
from grader.report.model import Result

if TYPE_CHECKING:
    from grader.exercise.seal import Sealed
    from grader.runner.judge import Grader

SUFFIX = {"json": "json", "junit": "xml", "gradescope": "json", "html": "html"}
JAIL_START_FAILED = "cannot start the sandbox"
MAX_REASON = 500


@dataclass
class Options:
    """What every judge of one batch is built with (all plain data, no secret)."""

    exercise: str  # a path or a shipped exercise's name
    fmt: str = "json"
    require_level: str | None = None
    max_level: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "fmt": self.fmt,
            "require_level": self.require_level,
            "max_level": self.max_level,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Options:
        return cls(
            exercise=str(data["exercise"]),
            fmt=str(data.get("fmt", "json")),
            require_level=data.get("require_level"),
            max_level=data.get("max_level"),
        )


def load(name: str) -> Exercise:
    from grader.exercise.load import load_exercise
    from grader.resources import resolve_exercise

    return load_exercise(resolve_exercise(name), display=name)


class Judge:
    """A warm ``Grader`` plus the rules that turn any submission into an answer."""

    def __init__(self, options: Options, sealed: Sealed | None = None) -> None:
        from grader.runner.judge import Grader

        self.options = options
        self.grader: Grader = Grader(
            load(options.exercise),
            require_level=options.require_level,
            max_level=options.max_level,
            sealed=sealed,
        )
        self.max_score = sum(case.points for case in self.grader.cases)
        self._warm_up()

    def _warm_up(self) -> None:
        """Wait for the zygote to have imported torch, so that the first submission's
        time limit is not spent on it (the grade's clock starts before the jail does)."""
        zygote = self.grader.zygote
        wait = getattr(zygote, "_wait_ready", None)
        lock = getattr(zygote, "lock", None)
        if wait is not None and lock is not None:
            with lock:
                wait()

    def close(self) -> None:
        self.grader.close()

    def grade(self, source: Path, student: str) -> dict[str, Any]:
        """``{"result": Result JSON, "report": text, "internal": bool}`` for one submission."""
        started = time.monotonic()
        exercise = self.grader.exercise
        try:
            with tempfile.TemporaryDirectory(prefix="grader-sub-") as tmp:
                try:
                    folder = materialize(source, exercise.entry, Path(tmp) / "submission")
                except BadInput as exc:
                    return self._answer(self._error(student, exc.message, started), False)
                result = self._grade_with_retry(folder, student, started)
                internal = bool(result.extra.get("internal_error"))
                return self._answer(result, internal)
        except Exception as exc:  # grader's own failure on this one submission
            reason = f"grader failed on this submission: {type(exc).__name__}: {exc}"
            result = self._error(student, reason, started)
            result.extra["internal_error"] = True
            result.extra["traceback"] = traceback.format_exc(limit=-3)[-4000:]
            return self._answer(result, True)

    def _grade_with_retry(self, folder: Path, student: str, started: float) -> Result:
        # A jail that fails to start once (a busy cgroup, a uid in use) gets one more try.
        # (The zygote not answering surfaces as RuntimeError, a jail refusing as BadInput.)
        try:
            return self.grader.grade(folder, student=student)
        except RuntimeError:
            pass
        except BadInput as exc:
            if not exc.message.startswith(JAIL_START_FAILED):
                result = self._error(student, exc.message, started)
                result.extra["internal_error"] = True
                return result
        try:
            return self.grader.grade(folder, student=student)
        except BadInput as exc:
            result = self._error(student, exc.message, started)
            result.extra["internal_error"] = True
            return result

    def _error(self, student: str, reason: str, started: float) -> Result:
        exercise = self.grader.exercise
        return Result(
            kind="exercise",
            id=exercise.id,
            student=student,
            score=0.0,
            max_score=self.max_score,
            status="error",
            duration_s=time.monotonic() - started,
            title=exercise.title,
            extra={"reason": _cap(reason)},
        )

    def _answer(self, result: Result, internal: bool) -> dict[str, Any]:
        fmt = self.options.fmt
        if fmt == "text":
            report = text.render(result)
        else:
            from grader.report.registry import render

            report = render(result, fmt)
        return {"result": result.to_json(), "report": report, "internal": internal}


def _cap(message: str) -> str:
    return message if len(message) <= MAX_REASON else message[:MAX_REASON] + "…"
