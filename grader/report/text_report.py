"""The text reporter: a Result (quiz attempt or exercise) for a person at a terminal.

Colour follows ``grader.report.style.color_wanted`` (NO_COLOR, --no-color, a TTY);
the layout is the template ``templates/terminal/report.txt.j2``.
"""

from __future__ import annotations

from typing import Any

from grader.report import style
from grader.report.model import Result, TestResult
from grader.report.tags import tag_scores
from grader.report.terminal_templates import fmt_number
from grader.report.terminal_templates import render as render_template


def _mark(test: TestResult, paint: style.Painter) -> str:
    if test.status == "passed":
        return paint("✓", "green")
    if test.response is None and test.extra.get("type"):
        return paint("·", "yellow")  # a quiz question left unanswered
    if test.score > 0:
        return paint("◐", "yellow")
    return paint("✗", "red")


def _test_row(test: TestResult, paint: style.Painter, columns: int) -> list[str]:
    score = f"{fmt_number(test.score)}/{fmt_number(test.max_score)}"
    name = test.name
    if test.visibility == "hidden":
        name += " (hidden)"
    if test.status not in ("passed", "failed"):
        name += f" [{test.status}]"
    room = max(10, columns - 14)
    return [_mark(test, paint), style.truncate(name, room), score]


def render(result: Result, *, color: bool | None = None, columns: int | None = None) -> str:
    """The report as text; ``color=None`` decides from the environment and stdout."""
    paint = style.Painter(style.color_wanted() if color is None else color)
    columns = columns or style.terminal_width()
    tags = tag_scores(result) if result.kind == "quiz" else []
    tag_rows = [
        [t.tag, f"{fmt_number(t.score)}/{fmt_number(t.max_score)}", f"{t.percent:.0f}%"]
        for t in tags
    ]
    missed = [_missed(t) for t in result.tests if t.status != "passed" and t.response is not None]
    unanswered = [
        t.id or t.name for t in result.tests if t.response is None and t.extra.get("type")
    ]
    failing = [t for t in result.tests if t.status != "passed"]
    pass_mark = result.extra.get("pass_mark")
    text = render_template(
        "report.txt.j2",
        paint=paint,
        columns=columns,
        r=result,
        tags=tags if len(tags) > 1 or (tags and tags[0].tag != "(untagged)") else [],
        tag_rows=tag_rows,
        test_rows=[_test_row(t, paint, columns) for t in result.tests],
        missed=missed,
        unanswered=unanswered if result.kind == "quiz" else [],
        failing=failing,
        pass_mark=pass_mark,
    )
    return text.rstrip("\n") + "\n"


def _missed(test: TestResult) -> dict[str, Any]:
    return {
        "name": test.name,
        "score": test.score,
        "max_score": test.max_score,
        "response_text": str(test.extra.get("response_text", test.response)),
        "expected_text": str(test.extra.get("expected_text", test.expected)),
        "explanation": str(test.extra.get("explanation", "")),
    }
