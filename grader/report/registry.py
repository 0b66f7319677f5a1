"""Which reporters exist. A new report format is one module plus one line here."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from grader.errors import BadInput
from grader.report.model import Result

# format name -> module in grader.report that defines render(result) -> str
REPORTERS: dict[str, str] = {
    "json": "grader.report.json_report",
    "junit": "grader.report.junit_report",
    "gradescope": "grader.report.gradescope_report",
    "html": "grader.report.html_report",
    "text": "grader.report.text_report",
    "csv": "grader.report.csv_report",
    "markdown": "grader.report.markdown_report",
    "github": "grader.report.github_report",
}


def render(result: Result, fmt: str) -> str:
    if fmt not in REPORTERS:
        raise BadInput(f"unknown report format '{fmt}' (choose from {', '.join(REPORTERS)})")
    module = import_module(REPORTERS[fmt])
    renderer: Callable[[Result], str] = module.render
    return renderer(result)
