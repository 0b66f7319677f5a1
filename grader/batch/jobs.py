"""What a backend is given (a job per submission) and what it gives back (an answer)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class Job:
    id: int
    student: str
    path: Path


Answer = dict[str, Any]  # {"result": Result JSON, "report": str, "internal": bool}


class Backend(Protocol):
    def grade(self, jobs: list[Job]) -> Iterator[tuple[Job, Answer]]:
        """Every job's answer, in the order they finish; every job gets exactly one."""
        ...

    def close(self) -> None: ...


def internal_error(job: Job, reason: str, *, exercise_id: str, max_score: float) -> Answer:
    """The row of a submission whose judge failed on it (died, hung, vanished)."""
    from grader.report.model import Result

    result = Result(
        kind="exercise",
        id=exercise_id,
        student=job.student,
        score=0.0,
        max_score=max_score,
        status="error",
        duration_s=0.0,
        extra={"reason": reason, "internal_error": True},
    )
    return {"result": result.to_json(), "report": "", "internal": True}
