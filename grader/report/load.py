"""A Result read back from its JSON contract (``--format json``), for the commands that
turn one grading into several reports (``grader ci report``) without grading again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.errors import BadInput
from grader.report.model import STATUSES, Attachment, Result, TestResult

_TEST_KEYS = {
    "name", "score", "max_score", "status", "message", "visibility", "id", "duration_s",
    "output", "tags", "attachments", "response", "expected",
}  # fmt: skip
_RESULT_KEYS = {
    "kind", "id", "student", "score", "max_score", "status", "duration_s", "tests", "title",
    "isolation", "output",
}  # fmt: skip


def read_result(path: Path) -> Result:
    """The Result in ``path``; one clear BadInput naming the file when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput(f"{path}: not a JSON result: {exc}") from None
    return result_from_json(data, source=str(path))


def result_from_json(data: Any, *, source: str) -> Result:
    if not isinstance(data, dict):
        raise BadInput(f"{source}: not a grader result (expected a JSON object)")
    try:
        _check(data, ("kind", "id", "score", "max_score", "status", "tests"), source)
        if data["kind"] not in ("quiz", "exercise") or not isinstance(data["tests"], list):
            raise ValueError("'kind' must be quiz or exercise and 'tests' a list")
        tests = [_test(t, f"{source}: tests[{i}]") for i, t in enumerate(data["tests"])]
        return Result(
            kind=data["kind"],
            id=str(data["id"]),
            student=data.get("student"),
            score=float(data["score"]),
            max_score=float(data["max_score"]),
            status=_status(data["status"]),
            duration_s=float(data.get("duration_s") or 0.0),
            tests=tests,
            title=str(data.get("title") or ""),
            isolation=data.get("isolation"),
            output=str(data.get("output") or ""),
            extra={k: v for k, v in data.items() if k not in _RESULT_KEYS},
        )
    except (TypeError, ValueError) as exc:
        raise BadInput(f"{source}: not a grader result: {exc}") from None


def _check(data: Any, required: tuple[str, ...], where: str) -> None:
    if not isinstance(data, dict):
        raise ValueError(f"{where} is not an object")
    missing = [key for key in required if key not in data]
    if missing:
        raise ValueError(f"missing {', '.join(repr(k) for k in missing)}")


def _status(value: Any) -> Any:
    if value not in STATUSES:
        raise ValueError(f"unknown status {value!r}")
    return value


def _test(data: Any, where: str) -> TestResult:
    _check(data, ("name", "score", "max_score", "status"), where)
    return TestResult(
        name=str(data["name"]),
        score=float(data["score"]),
        max_score=float(data["max_score"]),
        status=_status(data["status"]),
        message=str(data.get("message") or ""),
        visibility=data.get("visibility", "visible"),
        id=data.get("id"),
        duration_s=data.get("duration_s"),
        output=str(data.get("output") or ""),
        tags=[str(t) for t in data.get("tags") or []],
        attachments=[
            Attachment(kind=a["kind"], title=a["title"], content=a["content"])
            for a in data.get("attachments") or []
        ],
        response=data.get("response"),
        expected=data.get("expected"),
        extra={k: v for k, v in data.items() if k not in _TEST_KEYS},
    )
