"""The terminal summary of an exercise Result (``--format text`` and ``check``)."""

from __future__ import annotations

from collections.abc import Callable

from grader.report.model import Result, TestResult

MARKS = {
    "passed": ("✓", "green"),
    "failed": ("✗", "red"),
    "error": ("!", "red"),
    "timeout": ("⏱", "yellow"),
    "memory": ("M", "yellow"),
    "crashed": ("☠", "magenta"),
}
WORDS = {
    "passed": "passed",
    "failed": "wrong answer",
    "error": "your code raised an error",
    "timeout": "took too long",
    "memory": "used too much memory",
    "crashed": "your code crashed",
}

Style = Callable[..., str]


def points(value: float) -> str:
    """Scores as people write them: 10.33, not 10.333333."""
    return f"{round(value, 2):g}"


def plain(text: str, **_: object) -> str:
    """A style that adds nothing (files, pipes)."""
    return text


def render(result: Result, *, style: Style = plain, hidden_left: int | None = None) -> str:
    """``hidden_left`` (``check`` only): hidden tests not run; we never claim "all passed"."""
    lines = [style(f"{result.id} — {result.title}", bold=True)]
    if result.student:
        lines[0] += f"  (student: {result.student})"
    for test in result.tests:
        lines += _test_lines(test, style)
    lines.append("")
    lines.append(_summary(result, style, hidden_left))
    if result.output.strip():
        lines.append("")
        lines.append(style("Output of your code:", bold=True))
        lines += ["  " + line for line in result.output.rstrip().splitlines()[-40:]]
    lines.append(style(f"isolation: {result.isolation}", dim=True))
    return "\n".join(lines) + "\n"


def _test_lines(test: TestResult, style: Style) -> list[str]:
    mark, colour = MARKS[test.status]
    earned = f"{points(test.score)}/{points(test.max_score)}"
    head = f"  {style(mark, fg=colour)} {test.name}"
    tail = "" if test.status == "passed" else style(f"  [{WORDS[test.status]}]", fg=colour)
    out = [f"{head}  {style(earned, dim=True)}{tail}"]
    for line in test.message.splitlines()[:12]:
        out.append("      " + line)
    return out


def _summary(result: Result, style: Style, hidden_left: int | None) -> str:
    passed = sum(t.status == "passed" for t in result.tests)
    total = len(result.tests)
    if hidden_left is not None:
        if passed == total:
            more = (
                f"{hidden_left} more test{'s' if hidden_left != 1 else ''} run"
                if hidden_left
                else "more tests may run"
            )
            text = (
                f"All {total} public tests passed. This is not your grade: "
                f"{more} when your work is graded."
            )
            return style(text, fg="green", bold=True)
        return style(f"{passed} of {total} public tests passed.", fg="red", bold=True)
    colour = "green" if result.passed else "red"
    return style(
        f"Score: {points(result.score)}/{points(result.max_score)} — "
        f"{passed} of {total} tests passed",
        fg=colour,
        bold=True,
    )
