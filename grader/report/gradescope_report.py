"""Gradescope's autograder ``results.json``, as its specification documents it.

Only the documented keys are written. A test's status is ``passed`` or ``failed`` there,
so our richer verdict (timeout, memory, ...) goes into its output text; isolation level
and verdicts also travel in ``extra_data``.
"""

from __future__ import annotations

import json
from typing import Any

from grader.report.model import Result, TestResult

VERDICT_WORDS = {
    "failed": "Failed",
    "error": "Error: your code raised an exception",
    "timeout": "Timed out",
    "memory": "Out of memory",
    "crashed": "Crashed",
}


def _test(test: TestResult, number: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": test.name,
        "number": str(number),
        "score": round(test.score, 6),
        "max_score": round(test.max_score, 6),
        "status": "passed" if test.status == "passed" else "failed",
        "visibility": test.visibility,
        "output_format": "text",
    }
    text = []
    if test.status != "passed":
        text.append(VERDICT_WORDS[test.status])
    if test.message:
        text.append(test.message)
    if text:
        out["output"] = "\n".join(text)
    if test.tags:
        out["tags"] = list(test.tags)
    out["extra_data"] = {"verdict": test.status, "id": test.id}
    return out


def render(result: Result) -> str:
    data: dict[str, Any] = {
        "score": round(result.score, 6),
        "execution_time": round(max(result.duration_s, 0.0), 3),
        "output_format": "text",
        "test_output_format": "text",
        "stdout_visibility": "hidden",
        "tests": [_test(t, i) for i, t in enumerate(result.tests, start=1)],
        "extra_data": {
            "status": result.status,
            "max_score": result.max_score,
            "isolation": result.isolation,
            "student": result.student,
        },
    }
    passed = sum(t.status == "passed" for t in result.tests)
    data["output"] = f"{passed} of {len(result.tests)} tests passed ({result.status})."
    if result.output:
        data["output"] += "\n\nOutput of your code:\n" + result.output
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
