"""GitHub Actions workflow commands: one ``::error`` annotation per test that did not
pass and a ``::notice`` with the score, so a failing test shows on the run and, with a
file, on that file in the pull request.

Every value is escaped as the Actions toolkit escapes it, so that text from a test or a
student (a newline followed by ``::add-mask::``, say) can never start a command of its own.
"""

from __future__ import annotations

from grader.report.model import Result, TestResult

MAX_MESSAGE = 1000  # characters of a test's message an annotation carries

WORDS = {
    "failed": "failed",
    "error": "raised an exception",
    "timeout": "timed out",
    "memory": "ran out of memory",
    "crashed": "crashed",
}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, message: str, **properties: str | None) -> str:
    props = ",".join(f"{k}={escape_property(v)}" for k, v in properties.items() if v)
    return f"::{kind}{' ' + props if props else ''}::{escape_data(message)}"


def _points(value: float) -> str:
    return f"{round(value, 2):g}"


def _annotation(result: Result, test: TestResult, file: str | None) -> str:
    title = f"{result.id}: {test.name} ({_points(test.score)}/{_points(test.max_score)})"
    message = f"{test.name} {WORDS[test.status]}"
    if test.message:
        detail = test.message
        if len(detail) > MAX_MESSAGE:
            detail = detail[:MAX_MESSAGE] + " …"
        message += f": {detail}"
    return _command("error", message, file=file, title=title)


def workflow_commands(result: Result, *, file: str | None = None) -> list[str]:
    """The workflow commands for ``result``; ``file`` is the path (from the repository
    root) the failing tests point at, e.g. the student's submission or answers file."""
    lines = [_annotation(result, t, file) for t in result.tests if t.status != "passed"]
    passed = sum(t.status == "passed" for t in result.tests)
    summary = (
        f"{result.id}: {_points(result.score)}/{_points(result.max_score)} "
        f"({passed} of {len(result.tests)} passed, {result.status})"
    )
    lines.append(_command("notice", summary, title="grader"))
    return lines


def render(result: Result) -> str:
    file = result.extra.get("answers_file")
    return "\n".join(workflow_commands(result, file=file if isinstance(file, str) else None)) + "\n"
