"""The gradebook: one CSV row per student, in a shape Canvas's and Moodle's imports accept.

Columns (docs/batch-grading.md has the mapping for each LMS)::

    Student, ID, SIS Login ID, <exercise title>, Max, Status, Duration (s), Isolation,
    Content SHA-256

Canvas matches a row by ``ID`` (its user id) or ``SIS Login ID`` and reads the column
named after the assignment; Moodle's CSV import maps any identifier column to a user
field and any column to a grade item. Every cell is student-controlled at most through a
sanitised id; a cell that a spreadsheet would run as a formula is quoted with ``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def header(title: str) -> list[str]:
    return [
        "Student",
        "ID",
        "SIS Login ID",
        title,
        "Max",
        "Status",
        "Duration (s)",
        "Isolation",
        "Content SHA-256",
    ]


def render(title: str, rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(c) for c in header(title)])
    for row in rows:
        writer.writerow(
            [
                _cell(row.get("name") or row["student"]),
                _cell(row.get("lms_id", "")),
                _cell(row["student"]),
                _number(row["score"]),
                _number(row["max_score"]),
                row["status"],
                f"{row['duration_s']:.2f}",
                row.get("isolation") or "",
                row.get("content_hash", ""),
            ]
        )
    return buffer.getvalue()


def _number(value: float) -> str:
    return f"{round(value, 4):g}"


def _cell(text: str) -> str:
    text = "".join(c if c.isprintable() else " " for c in str(text))
    return "'" + text if text.startswith(FORMULA_START) else text
