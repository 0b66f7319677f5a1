"""One self-contained HTML page per submission, from ``templates/report/exercise.html.j2``.

Figures attached by tests are embedded as ``<img>`` data URLs, never inlined: an image
cannot run script, whatever its SVG says. Everything else is escaped by autoescape.
"""

from __future__ import annotations

import base64

import jinja2

from grader.report.model import Attachment, Result
from grader.resources import data_dir

STATUS_WORDS = {
    "passed": "passed",
    "failed": "wrong answer",
    "error": "raised an error",
    "timeout": "took too long",
    "memory": "used too much memory",
    "crashed": "crashed",
}


def points(value: float) -> str:
    """Scores as people write them: 10.33, not 10.333333."""
    return f"{round(value, 2):g}"


def _data_url(attachment: Attachment) -> str:
    if attachment.kind == "svg":
        payload = base64.b64encode(attachment.content.encode()).decode()
        return f"data:image/svg+xml;base64,{payload}"
    if attachment.kind == "png":
        return f"data:image/png;base64,{attachment.content}"
    return ""


def render(result: Result) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["data_url"] = _data_url
    env.filters["points"] = points
    template = env.get_template("report/exercise.html.j2")
    passed = sum(t.status == "passed" for t in result.tests)
    return template.render(result=result, passed=passed, words=STATUS_WORDS)
