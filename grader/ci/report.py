"""``grader ci report RESULT...``: the reports a CI job shows, from the JSON results it
graded (grading once, reporting many ways). Exit 0 when every result passed, else 1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from grader.errors import EXIT_FAILED, EXIT_OK, BadInput
from grader.report.load import read_result
from grader.report.registry import render

Echo = Callable[..., None]


def main(
    *,
    results: list[str],
    junit_dir: str | None,
    summary: str | None,
    annotate: bool,
    file: str | None,
    echo: Echo,
) -> int:
    if not results:
        raise BadInput("name at least one JSON result (from --format json)")
    loaded = [(Path(r), read_result(Path(r))) for r in results]  # all read before any write
    for path, result in loaded:
        if junit_dir is not None:
            target = Path(junit_dir) / f"{path.stem}.xml"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render(result, "junit"), encoding="utf-8")
        if summary is not None:
            with open(summary, "a", encoding="utf-8") as out:  # a job summary is appended to
                out.write(render(result, "markdown"))
        if annotate:
            from grader.report.github_report import workflow_commands

            target_file = file or _answers_file(result.extra.get("answers_file"))
            for line in workflow_commands(result, file=target_file):
                echo(line)
        echo(
            f"{result.id}: {_points(result.score)}/{_points(result.max_score)} {result.status}"
            + (f" ({result.student})" if result.student else "")
        )
    return EXIT_OK if all(r.passed for _, r in loaded) else EXIT_FAILED


def _answers_file(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _points(value: float) -> str:
    return f"{round(value, 2):g}"
