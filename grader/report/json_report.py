"""The Result JSON contract."""

from __future__ import annotations

import json

from grader.report.model import Result


def render(result: Result) -> str:
    return json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"
