"""Judge processes on this machine: ``--jobs`` of them, each holding its own warm judge.

Processes, not threads: one judge's GIL never serialises another's work, and a judge that
crashes, hangs or is killed for memory takes only the submission it was grading with it
(an internal ``error`` row naming why); its process is replaced and the batch goes on.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from grader.batch import wire
from grader.batch.jobs import Answer, Job, internal_error
from grader.batch.judging import Options
from grader.errors import BadInput

START_TIMEOUT_S = 180.0


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class JudgeProcess:
    """One ``python -m grader.batch.worker`` and the thread that reads its answers."""

    def __init__(self, options: Options, sealed: Path | None, key: bytearray | None) -> None:
        self.log: IO[bytes] = tempfile.TemporaryFile(prefix="grader-judge-")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "grader.batch.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            close_fds=True,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()
        init: dict[str, Any] = {"options": options.to_json()}
        if sealed is not None:
            init["sealed"] = str(sealed)
        try:
            wire.send(self.proc.stdin, init)
            if sealed is not None and key is not None:
                wire.send_raw(self.proc.stdin, key)  # through the pipe, never argv or env
        except OSError:
            pass  # it died at once; hello() says why

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self, stream: IO[bytes]) -> None:
        try:
            while (message := wire.receive(stream)) is not None:
                self.inbox.put(message)
        except (OSError, ValueError):
            pass
        self.inbox.put(None)

    def hello(self) -> dict[str, Any]:
        """The worker's first answer; a refusal (wrong key, level too low) is bad input."""
        message = self._next(START_TIMEOUT_S)
        if message is None:
            raise RuntimeError(f"a judge process did not start: {self.why_gone()}")
        if not message.get("ok"):
            raise BadInput(str(message.get("message")))
        return message

    def ask(self, job: Job, timeout_s: float) -> Answer | None:
        """The answer for ``job``, or None if the process died or hung (then it is killed)."""
        assert self.proc.stdin is not None
        try:
            wire.send(
                self.proc.stdin, {"id": job.id, "student": job.student, "path": str(job.path)}
            )
        except OSError:
            return None
        return self._next(timeout_s)

    def _next(self, timeout_s: float) -> dict[str, Any] | None:
        try:
            message = self.inbox.get(timeout=timeout_s)
        except queue.Empty:
            self.hung_after = timeout_s
            self.kill()
            return None
        if message is None:
            self.kill()
        return message

    hung_after: float | None = None

    def why_gone(self) -> str:
        if self.hung_after is not None:
            return f"the judge gave no answer within {self.hung_after:.0f} s and was killed"
        code = self.proc.wait()
        if code < 0:
            name = signal.Signals(-code).name
            hint = " (out of memory?)" if -code == signal.SIGKILL else ""
            why = f"the judge process was killed by {name}{hint}"
        else:
            why = f"the judge process exited with code {code}"
        tail = self._log_tail()
        return f"{why}: {tail}" if tail else why

    def _log_tail(self) -> str:
        with contextlib.suppress(OSError):
            self.log.seek(0, os.SEEK_END)
            size = self.log.tell()
            self.log.seek(max(0, size - 2000))
            lines = self.log.read().decode("utf-8", "replace").strip().splitlines()
            return lines[-1][:300] if lines else ""
        return ""

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        self.proc.wait()

    def close(self) -> None:
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        self.log.close()


class LocalPool:
    """``size`` judge processes fed from one queue; answers come back as they finish."""

    def __init__(
        self,
        options: Options,
        *,
        size: int,
        timeout_s: float,
        exercise_id: str,
        sealed: Path | None = None,
        key: bytearray | None = None,
    ) -> None:
        self.options, self.sealed, self.key = options, sealed, key
        self.timeout_s, self.exercise_id = timeout_s, exercise_id
        self.max_score = 0.0
        self.busy: dict[int, Job] = {}  # pid -> the job it is grading (tests watch this)
        self.lock = threading.Lock()
        processes = [self._spawn() for _ in range(size)]
        try:
            for process in processes:
                self.max_score = float(process.hello()["max_score"])
        except BaseException:
            for process in processes:
                process.kill()
            raise
        self.slots: list[JudgeProcess | None] = list(processes)

    def _spawn(self) -> JudgeProcess:
        return JudgeProcess(self.options, self.sealed, self.key)

    def grade(self, jobs: list[Job]) -> Iterator[tuple[Job, Answer]]:
        todo: queue.Queue[Job] = queue.Queue()
        for job in jobs:
            todo.put(job)
        done: queue.Queue[tuple[Job, Answer]] = queue.Queue()
        threads = [
            threading.Thread(target=self._drive, args=(slot, todo, done), daemon=True)
            for slot in range(len(self.slots))
        ]
        for thread in threads:
            thread.start()
        for _ in jobs:
            yield done.get()
        for thread in threads:
            thread.join()

    def _drive(
        self, slot: int, todo: queue.Queue[Job], done: queue.Queue[tuple[Job, Answer]]
    ) -> None:
        while True:
            try:
                job = todo.get_nowait()
            except queue.Empty:
                return
            done.put((job, self._one(slot, job)))

    def _one(self, slot: int, job: Job) -> Answer:
        process = self.slots[slot]
        if process is None or process.proc.poll() is not None:
            try:
                process = self._spawn()
                process.hello()
            except (RuntimeError, BadInput) as exc:
                self.slots[slot] = None
                return self._lost(job, f"no judge process could be started: {exc}")
            self.slots[slot] = process
        with self.lock:
            self.busy[process.pid] = job
        answer = process.ask(job, self.timeout_s)
        with self.lock:
            self.busy.pop(process.pid, None)
        if answer is None:
            reason = process.why_gone()
            self.slots[slot] = None  # replaced before its next submission
            return self._lost(job, reason)
        return answer

    def _lost(self, job: Job, reason: str) -> Answer:
        return internal_error(job, reason, exercise_id=self.exercise_id, max_score=self.max_score)

    def close(self) -> None:
        for process in self.slots:
            if process is not None:
                process.close()
