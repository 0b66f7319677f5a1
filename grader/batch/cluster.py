"""``grade-all --cluster ADDRESS`` (or ``local:N``): the batch on Dask distributed.

Each Dask worker keeps its own warm judge (built on its first task, kept for the batch
in the worker process) and its own jails. A task carries only the student's id and the
submission's bytes: the options and the sealed hidden tests (ciphertext) reach every
worker once through a worker plugin, and the key comes from the worker's own environment
(``GRADER_SEAL_KEY``, read and wiped there), never from a task's arguments. A task on a
worker that dies is run again on another one by the scheduler.
"""

from __future__ import annotations

import io
import os
import tempfile
import threading
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

from grader.batch.jobs import Answer, Job, internal_error
from grader.batch.judging import Judge, Options
from grader.errors import BadInput

PLUGIN = "grader-batch"
_judges: dict[str, Judge] = {}
_judges_lock = threading.Lock()
_key: bytearray | None = None  # taken from this worker's environment once


def _dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise BadInput("--cluster needs Dask distributed: pip install 'grader[cluster]'") from None
    return distributed


class JudgeSetup(WorkerPlugin):  # type: ignore[misc]
    """A worker plugin carrying the batch's options and sealed file (no key) to workers."""

    def __init__(self, token: str, options: dict[str, Any], sealed: bytes | None) -> None:
        self.name = f"{PLUGIN}-{token}"
        self.token, self.options, self.sealed = token, options, sealed

    def setup(self, worker: Any) -> None:
        configs = getattr(worker, "_grader_batches", {})
        configs[self.token] = (self.options, self.sealed)
        worker._grader_batches = configs

    def teardown(self, worker: Any) -> None:
        with _judges_lock:
            judge = _judges.pop(self.token, None)
        if judge is not None:
            judge.close()


def _worker_key() -> bytearray:
    global _key
    if _key is None:
        from grader.exercise.seal import take_key

        _key = take_key()  # wiped from this worker's environment from here on
    return bytearray(_key)  # a copy: opening the sealed file zeroes what it was given


def _judge(token: str) -> Judge:
    from distributed import get_worker

    with _judges_lock:
        judge = _judges.get(token)
        if judge is not None:
            return judge
        options, sealed_blob = getattr(get_worker(), "_grader_batches")[token]  # noqa: B009
        sealed = None
        if sealed_blob is not None:
            from grader.exercise.seal import Sealed

            folder = Path(tempfile.mkdtemp(prefix="grader-sealed-"))
            path = folder / "hidden.sealed"
            path.write_bytes(sealed_blob)
            sealed = Sealed.read(path, _worker_key())
        judge = Judge(Options.from_json(options), sealed)
        _judges[token] = judge
        return judge


def grade_remote(token: str, student: str, name: str, payload: bytes) -> Answer:
    """The task: grade one submission (its bytes) on this worker's warm judge."""
    try:
        judge = _judge(token)
    except BadInput as exc:
        return {"refused": exc.message}
    with tempfile.TemporaryDirectory(prefix="grader-task-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(payload)
        answer = judge.grade(path, student)
    answer["worker"] = os.getpid()
    return answer


def pack(path: Path) -> tuple[str, bytes]:
    """A submission as (file name, bytes): a folder travels as a zip of its files."""
    if path.is_dir():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for item in sorted(path.rglob("*")):
                if item.is_file() and not item.is_symlink():
                    archive.write(item, item.relative_to(path).as_posix())
        return "submission.zip", buffer.getvalue()
    if path.is_file():
        return path.name, path.read_bytes()
    return "missing", b""


class DaskBackend:
    def __init__(
        self,
        address: str,
        options: Options,
        *,
        sealed: Path | None,
        exercise_id: str,
        key: bytearray | None = None,
        max_score: float = 0.0,
    ) -> None:
        import distributed

        self.exercise_id, self.max_score = exercise_id, max_score
        self.cluster = None
        if address.startswith("local:"):
            try:
                workers = int(address.split(":", 1)[1])
            except ValueError:
                raise BadInput(f"--cluster {address}: expected local:N, N a number") from None
            env = {"GRADER_SEAL_KEY": bytes(key).decode()} if key else {}
            self.cluster = distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                env=env,  # the nannies' environment: where a worker takes its key from
            )
            self.client = distributed.Client(self.cluster)
        else:
            try:
                self.client = distributed.Client(address, timeout=30)
            except OSError as exc:
                raise BadInput(f"--cluster {address}: cannot reach the scheduler: {exc}") from None
        self.token = uuid.uuid4().hex
        blob = sealed.read_bytes() if sealed is not None else None
        self.client.register_plugin(JudgeSetup(self.token, options.to_json(), blob))

    def grade(self, jobs: list[Job]) -> Iterator[tuple[Job, Answer]]:
        import distributed

        futures = {}
        for job in jobs:
            name, payload = pack(job.path)
            future = self.client.submit(
                grade_remote,
                self.token,
                job.student,
                name,
                payload,
                key=f"grade-{self.token}-{job.id}",
                pure=False,
            )
            futures[future.key] = (future, job)
        for future in distributed.as_completed([f for f, _ in futures.values()]):
            job = futures[future.key][1]
            try:
                answer: Answer = future.result()
            except Exception as exc:  # every worker it was tried on died
                answer = internal_error(
                    job,
                    f"lost on the cluster: {type(exc).__name__}: {exc}"[:500],
                    exercise_id=self.exercise_id,
                    max_score=self.max_score,
                )
            if "refused" in answer:
                raise BadInput(f"a cluster worker refused to grade: {answer['refused']}")
            yield job, answer

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
