"""The Result contract: what grading a quiz or an exercise produces.

The JSON form (``Result.to_json``) is a published contract (see ../shared/DESIGN.md):
keys may be added, never renamed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["passed", "failed", "error", "timeout", "memory", "crashed"]
STATUSES: tuple[Status, ...] = ("passed", "failed", "error", "timeout", "memory", "crashed")
Visibility = Literal["visible", "hidden", "after_due_date", "after_published"]


@dataclass
class Attachment:
    """A figure or note a test attached (shown by the HTML report)."""

    kind: Literal["svg", "png", "text"]
    title: str
    content: str  # SVG markup, base64 PNG, or plain text

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "content": self.content}


@dataclass
class TestResult:
    """One graded unit: a question of a quiz or a test of an exercise."""

    name: str
    score: float
    max_score: float
    status: Status
    message: str = ""
    visibility: Visibility = "visible"
    id: str | None = None
    duration_s: float | None = None
    output: str = ""
    tags: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    # Quiz questions carry the student's response and the expected one.
    response: Any = None
    expected: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    __test__ = False  # keep pytest from collecting this class

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "score": self.score,
            "max_score": self.max_score,
            "status": self.status,
            "message": self.message,
            "visibility": self.visibility,
        }
        if self.id is not None:
            out["id"] = self.id
        if self.duration_s is not None:
            out["duration_s"] = round(self.duration_s, 4)
        if self.output:
            out["output"] = self.output
        if self.tags:
            out["tags"] = list(self.tags)
        if self.attachments:
            out["attachments"] = [a.to_json() for a in self.attachments]
        if self.response is not None:
            out["response"] = self.response
        if self.expected is not None:
            out["expected"] = self.expected
        out.update(self.extra)
        return out


@dataclass
class Result:
    """The outcome of grading one submission (a quiz attempt or an exercise)."""

    kind: Literal["quiz", "exercise"]
    id: str
    student: str | None
    score: float
    max_score: float
    status: Status
    duration_s: float
    tests: list[TestResult] = field(default_factory=list)
    title: str = ""
    isolation: str | None = None  # exercises: the sandbox level reached
    output: str = ""  # captured, capped stdout/stderr of the student code
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "id": self.id,
            "student": self.student,
            "score": round(self.score, 6),
            "max_score": round(self.max_score, 6),
            "status": self.status,
            "duration_s": round(self.duration_s, 4),
            "tests": [t.to_json() for t in self.tests],
        }
        if self.title:
            out["title"] = self.title
        if self.isolation is not None:
            out["isolation"] = self.isolation
        if self.output:
            out["output"] = self.output
        out.update(self.extra)
        return out

    @property
    def passed(self) -> bool:
        return self.status == "passed"
