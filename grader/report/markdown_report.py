"""A Markdown summary of a Result, as GitHub shows a job summary (``$GITHUB_STEP_SUMMARY``)
and most forges show a comment: a heading with the score and one table row per test.

Test messages are student-influenced text: they are HTML-escaped and kept to one table
cell, so they can neither break the table nor inject markup. The layout is the template
``templates/report/summary.md.j2``.
"""

from __future__ import annotations

import html

import jinja2

from grader.report.model import Result
from grader.resources import data_dir

MAX_DETAIL = 300  # characters of a message shown in the table

ICONS = {
    "passed": "✅",
    "failed": "❌",
    "error": "💥",
    "timeout": "⏱️",
    "memory": "📈",
    "crashed": "💥",
}


def points(value: float) -> str:
    return f"{round(value, 2):g}"


def cell(text: str) -> str:
    """Any text as the content of one Markdown table cell."""
    if len(text) > MAX_DETAIL:
        text = text[:MAX_DETAIL] + " …"
    escaped = html.escape(text, quote=False).replace("|", "&#124;").replace("`", "&#96;")
    return "<br>".join(line.strip() for line in escaped.splitlines() if line.strip())


def render(result: Result) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates"))),
        autoescape=False,  # Markdown, not HTML: values go through `cell`
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = cell
    env.filters["points"] = points
    template = env.get_template("report/summary.md.j2")
    passed = sum(t.status == "passed" for t in result.tests)
    return template.render(result=result, passed=passed, icons=ICONS)
