"""Outcomes of a test, turned into verdicts and messages a student understands."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from grader.exercise.api import Partial
from grader.report.model import Status, TestResult
from grader.runner.judge.errors import (
    JailDied,
    JailGone,
    JailTimeout,
    ProtocolViolation,
    StudentError,
)

if TYPE_CHECKING:
    from grader.runner.judge.collect import Case


def _result(case: Case, status: Status, message: str, score: float = 0.0) -> TestResult:
    return TestResult(
        name=case.name,
        id=case.id,
        score=score,
        max_score=case.points,
        status=status,
        message=message,
        visibility=case.visibility,
    )


def returned(case: Case, value: Any) -> TestResult:
    """A test that returned: full marks, or the partial credit it asked for."""
    if isinstance(value, Partial) or (type(value) is float):
        fraction = value.fraction if isinstance(value, Partial) else value
        message = value.message if isinstance(value, Partial) else ""
        if not math.isfinite(fraction):
            fraction = 0.0
        fraction = min(1.0, max(0.0, fraction))
        if fraction < 1.0:
            note = f"partial credit: {fraction:.0%} of the points"
            return _result(
                case, "failed", f"{message} ({note})" if message else note, fraction * case.points
            )
    return _result(case, "passed", "", case.points)


def assertion(case: Case, exc: AssertionError) -> TestResult:
    text = str(exc).strip() or "an assertion failed"
    return _result(case, "failed", text)


def student_error(case: Case, exc: StudentError) -> TestResult:
    if isinstance(exc, ProtocolViolation):
        return _result(
            case,
            "error",
            f"your code returned something that cannot be checked: {exc.message}",
        )
    if exc.memory:
        detail = f"{exc.type_name}: {exc.message}" if exc.message else exc.type_name
        return _result(case, "memory", f"your code ran out of memory ({detail})")
    head = f"your code raised {exc.type_name}" + (f": {exc.message}" if exc.message else "")
    if exc.type_name == "RecursionError":
        head += " (a function calls itself without end?)"
    return _result(case, "error", head + (f"\n{exc.traceback.rstrip()}" if exc.traceback else ""))


def gone(exc: JailGone, label: str, case: Case | None) -> TestResult:
    """The jail timed out or died while running ``label`` (a student function, or the import)."""
    what = f"in {case.name!r}, " if case else ""
    if isinstance(exc, JailTimeout):
        status: Status = "timeout"
        message = f"{what}{label} {_timeout_words(exc)}"
    elif isinstance(exc, JailDied) and exc.memory:
        status = "memory"
        message = f"{what}{label} used more memory than allowed and was stopped"
    else:
        status = "crashed"
        how = exc.info.describe() if exc.info else "ended unexpectedly"
        message = f"{what}your code {how} while {label} was running"
        if exc.info and exc.info.signal is not None and exc.info.signal == 24:  # SIGXCPU
            status = "timeout"
    if case is None:
        return TestResult(name="import", score=0.0, max_score=0.0, status=status, message=message)
    return _result(case, status, message)


def _timeout_words(exc: JailTimeout) -> str:
    if exc.on == "cpu":
        head = f"used more than its {exc.seconds:g} s of CPU time and was stopped"
    else:
        head = (
            f"did not answer in time (limit {exc.seconds:g} s of CPU time; it was waiting or "
            "sleeping rather than computing) and was stopped"
        )
    importing = exc.where.get("importing")
    student = exc.where.get("student")
    if importing:
        return (
            f"{head}: the time went to importing {importing}"
            + (f" (imported from {student})" if student else "")
            + "; import heavy libraries once at the top of your file, or ask your instructor"
        )
    if exc.on != "cpu":
        return head + (f"; it was at {student}" if student else "")
    if student:
        return f"{head}; it was at {student} (an endless loop, or far too slow?)"
    return f"{head} (an endless loop, or far too slow?)"


def import_error(entry: str, exc: StudentError) -> TestResult:
    status: Status = "memory" if exc.memory else "error"
    text = f"{entry} could not be imported: {exc.type_name}" + (
        f": {exc.message}" if exc.message else ""
    )
    if exc.traceback:
        text += "\n" + exc.traceback.rstrip()
    return TestResult(name="import", score=0.0, max_score=0.0, status=status, message=text)


def sandbox_failed(why: str) -> TestResult:
    return TestResult(
        name="import",
        score=0.0,
        max_score=0.0,
        status="error",
        message=f"the sandbox could not be started for this submission (tried twice): {why}",
    )


def never_started() -> TestResult:
    return TestResult(
        name="import", score=0.0, max_score=0.0, status="crashed", message="the jail did not start"
    )


def same_as(failure: TestResult, case: Case) -> TestResult:
    return _result(case, failure.status, failure.message)


def out_of_time(case: Case, total: float) -> TestResult:
    return _result(
        case,
        "timeout",
        f"not run: the submission used up its total time limit of {total:g} s on earlier tests",
    )


def test_crashed(case: Case, exc: Exception, tb: str) -> TestResult:
    """The test raised something other than an assertion, usually on a wrong return value."""
    return _result(case, "failed", f"{type(exc).__name__}: {exc}")


def test_hung(case: Case, seconds: float) -> TestResult:
    """The test function itself, in the judge, did not finish: a problem with the test."""
    return _result(
        case,
        "timeout",
        f"the test did not finish within {seconds:g} s outside your code's calls "
        "(a problem with the test itself; please tell your instructor)",
    )
