"""``grade-all``: find the submissions, skip the unchanged, grade the rest on a backend,
and write a report per student, the gradebook and the class report.

Exit code: 0 every submission passed, 1 some did not, 3 if any row is an internal error
of grader (a judge that died or hung on it); every row is written in every case.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.batch import cache as caching
from grader.batch import class_report, gradebook
from grader.batch.class_report import first_line
from grader.batch.jobs import Answer, Backend, Job
from grader.batch.judging import SUFFIX, Options, load
from grader.batch.progress import Progress
from grader.batch.sources import Submission, discover
from grader.errors import EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, BadInput

GRADEBOOK = "gradebook.csv"
CLASS_REPORT = "class-report.html"
JUDGE_GRACE_S = 60.0  # past the exercise's own total limit, before a judge counts as hung
MAX_TEST_MESSAGE = 400

Echo = Callable[..., None]


@dataclass
class Request:
    exercise: str
    submissions: Path
    out: Path
    fmt: str = "json"
    jobs: int | None = None
    require_level: str | None = None
    sealed: Path | None = None
    force: bool = False
    cluster: str | None = None


def run(request: Request, *, echo: Echo, progress: Progress | None = None,
        backend: Backend | None = None) -> int:  # fmt: skip
    # The key leaves the environment first, before any judge or jail exists.
    key = _take_key(request.sealed)
    exercise = load(request.exercise)
    if request.sealed is not None:
        from grader.exercise.seal import Sealed

        Sealed.read(request.sealed, bytearray(32)).check_exercise(exercise)
    jobs = request.jobs
    if jobs is not None and jobs < 1:
        raise BadInput("--jobs must be at least 1")
    out = request.out
    out.mkdir(parents=True, exist_ok=True)
    suffix = SUFFIX.get(request.fmt, "txt")
    options = Options(request.exercise, fmt=request.fmt, require_level=request.require_level)
    cache = caching.Cache(
        out,
        {
            "exercise": caching.exercise_hash(exercise.root, request.sealed),
            "format": request.fmt,
            "require": request.require_level or "",
        },
    )
    with tempfile.TemporaryDirectory(prefix="grader-batch-") as tmp:
        layout, found = discover(request.submissions, Path(tmp))
        rows: dict[str, dict[str, Any]] = {}
        todo: list[tuple[Job, Submission, str]] = []
        kept: list[dict[str, Any]] = []
        for number, sub in enumerate(found):
            digest = caching.content_hash(sub.path) if not sub.problem else ""
            report = out / f"{sub.student}.{suffix}"
            hit = None if request.force or sub.problem else cache.hit(sub.student, digest, report)
            if hit is not None:
                kept.append({**hit, "skipped": True})
            else:
                todo.append((Job(number, sub.student, sub.path), sub, digest))
        progress = progress or Progress(len(found))
        for row in kept:
            rows[row["student"]] = row
            progress.update(row)
        by_id = {job.id: (sub, digest) for job, sub, digest in todo}
        problems = [(job, sub) for job, sub, _ in todo if sub.problem]
        graded = [job for job, sub, _ in todo if not sub.problem]
        if problems:
            from grader.batch.jobs import internal_error

            for job, sub in problems:
                answer = internal_error(
                    job, sub.problem, exercise_id=exercise.id, max_score=float(exercise.points or 0)
                )
                answer["internal"] = False  # the student's own file in the download is damaged
                rows[sub.student] = _finish(job, answer, by_id, out, suffix, progress)
        if graded:
            backend = backend or _backend(request, options, exercise, key, jobs, len(graded))
            try:
                for job, answer in backend.grade(graded):
                    rows[job.student] = _finish(job, answer, by_id, out, suffix, progress)
            finally:
                backend.close()
        progress.close()
    ordered = [rows[sub.student] for sub in found]
    (out / GRADEBOOK).write_text(gradebook.render(exercise.title, ordered), encoding="utf-8")
    (out / CLASS_REPORT).write_text(
        class_report.render(exercise.title, exercise.id, ordered), encoding="utf-8"
    )
    cache.save({r["student"]: {k: v for k, v in r.items() if k != "skipped"} for r in ordered})
    passed = sum(r["status"] == "passed" for r in ordered)
    internal = sum(bool(r.get("internal")) for r in ordered)
    echo(
        f"{len(ordered)} submissions ({layout}): {passed} passed, {len(ordered) - passed} not"
        f"{f', {internal} internal errors' if internal else ''}"
        f", {len(kept)} unchanged; gradebook {out / GRADEBOOK}, class report {out / CLASS_REPORT}"
    )
    if internal:
        return EXIT_INTERNAL
    return EXIT_OK if ordered and passed == len(ordered) else EXIT_FAILED


def _take_key(sealed: Path | None) -> bytearray | None:
    if sealed is None:
        return None
    from grader.exercise.seal import take_key

    return take_key()


def _backend(
    request: Request,
    options: Options,
    exercise: Any,
    key: bytearray | None,
    jobs: int | None,
    count: int,
) -> Backend:
    timeout = exercise.limits.total_time_s + JUDGE_GRACE_S
    if request.cluster:
        try:
            from grader.batch.cluster import DaskBackend
        except ImportError:
            raise BadInput("--cluster needs Dask: pip install 'grader[cluster]'") from None

        return DaskBackend(
            request.cluster,
            options,
            sealed=request.sealed,
            exercise_id=exercise.id,
            key=key,  # for local:N only: the nannies' environment, as a real worker's
            max_score=float(exercise.points or 0),
        )
    from grader.batch.pool import LocalPool, usable_cores

    size = max(1, min(jobs or usable_cores(), count))
    return LocalPool(
        options,
        size=size,
        timeout_s=timeout,
        exercise_id=exercise.id,
        sealed=request.sealed,
        key=key,
    )


def _finish(
    job: Job,
    answer: Answer,
    by_id: dict[int, tuple[Submission, str]],
    out: Path,
    suffix: str,
    progress: Progress,
) -> dict[str, Any]:
    sub, digest = by_id[job.id]
    result = answer["result"]
    report = answer.get("report") or json.dumps(result, ensure_ascii=True, indent=2) + "\n"
    (out / f"{sub.student}.{suffix}").write_text(report, encoding="utf-8", errors="replace")
    row = {
        "student": sub.student,
        "origin": sub.origin,
        "lms_id": sub.lms_id,
        "name": sub.name,
        "score": float(result.get("score", 0.0)),
        "max_score": float(result.get("max_score", 0.0)),
        "status": str(result.get("status", "error")),
        "duration_s": float(result.get("duration_s", 0.0)),
        "isolation": result.get("isolation") or "",
        "content_hash": digest,
        "internal": bool(answer.get("internal")),
        "reason": first_line(str(result.get("reason", ""))),
        "tests": [
            {
                "name": str(t.get("name", "")),
                "status": str(t.get("status", "")),
                "message": str(t.get("message", ""))[:MAX_TEST_MESSAGE],
            }
            for t in result.get("tests", [])
        ],
    }
    progress.update(row)
    return row
