"""CSV: one row per question or test, for spreadsheets and gradebooks."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from grader.report.model import Result

COLUMNS = (
    "result_id",
    "student",
    "test_id",
    "name",
    "score",
    "max_score",
    "status",
    "tags",
    "response",
    "expected",
    "message",
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def render(result: Result) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for test in result.tests:
        writer.writerow(
            [
                result.id,
                result.student or "",
                test.id or "",
                test.name,
                f"{test.score:g}",
                f"{test.max_score:g}",
                test.status,
                ";".join(test.tags),
                _cell(test.response),
                _cell(test.expected),
                test.message,
            ]
        )
    return buffer.getvalue()
