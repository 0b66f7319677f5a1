"""The class report: one self-contained HTML page (inline SVG, no script, no request).

Score histogram, per-test pass rates, the most common failure messages and the slowest
submissions, from the batch's rows (a skipped submission's row comes from the cache).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import jinja2

from grader.quiz.stats_render import histogram
from grader.resources import data_dir

TOP = 10
MESSAGE_CAP = 160
ROW_HEIGHT = 22


@dataclass
class PassRate:
    name: str
    passed: int
    graded: int
    width: float  # of the bar, in px

    @property
    def percent(self) -> float:
        return 100.0 * self.passed / self.graded if self.graded else 0.0


def first_line(message: str) -> str:
    line = next((part.strip() for part in message.splitlines() if part.strip()), "")
    line = "".join(c if c.isprintable() else " " for c in line)
    return line if len(line) <= MESSAGE_CAP else line[:MESSAGE_CAP] + "…"


def pass_rates(rows: list[dict[str, Any]], width: float = 300.0) -> list[PassRate]:
    passed: Counter[str] = Counter()
    graded: Counter[str] = Counter()
    for row in rows:
        for test in row.get("tests", []):
            graded[test["name"]] += 1
            passed[test["name"]] += test["status"] == "passed"
    return [
        PassRate(name, passed[name], graded[name], round(width * passed[name] / graded[name], 1))
        for name in graded  # in the order the tests first appeared
    ]


def common_failures(rows: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """(test or "submission", message, how many) for the most frequent failure messages."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        if row.get("reason"):
            counts[("whole submission", first_line(row["reason"]))] += 1
        for test in row.get("tests", []):
            if test["status"] != "passed":
                counts[(test["name"], first_line(test.get("message", "")) or test["status"])] += 1
    return [(where, message, n) for (where, message), n in counts.most_common(TOP)]


def render(title: str, exercise_id: str, rows: list[dict[str, Any]]) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    scores = [float(r["score"]) for r in rows]
    max_score = max((float(r["max_score"]) for r in rows), default=0.0)
    rates = pass_rates(rows)
    statuses = Counter(r["status"] for r in rows)
    return env.get_template("report/class.html.j2").render(
        title=title,
        exercise_id=exercise_id,
        count=len(rows),
        passed=statuses.get("passed", 0),
        statuses=sorted(statuses.items()),
        mean=sum(scores) / len(scores) if scores else 0.0,
        max_score=max_score,
        hist=histogram(scores, max_score),
        rates=rates,
        rates_height=ROW_HEIGHT * len(rates) + 10,
        row_height=ROW_HEIGHT,
        failures=common_failures(rows),
        slowest=sorted(rows, key=lambda r: -float(r["duration_s"]))[:TOP],
        skipped=sum(bool(r.get("skipped")) for r in rows),
    )
