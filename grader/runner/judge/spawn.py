"""The judge's side of a spawned jail (``grader.runner.jail.spawned``).

Used where ``fork`` is missing (Windows) or unsafe (macOS), or when ``GRADER_JAIL=spawn``
asks for it (``GRADER_JAIL=fork`` forces the zygote). Each jail is a fresh, isolated
interpreter with a clean environment. The level recorded is the judge's own knowledge of
what a spawned jail gets (``host.spawn_level``), never what the jail says.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

from grader.runner import protocol
from grader.runner.host import spawn_level
from grader.runner.judge.errors import ExitInfo
from grader.runner.judge.launch import CLEAN_ENV, clean_command
from grader.runner.judge.session import POLL_S, OutputCapture, Session
from grader.runner.limits import JailSpec, Limits


class SpawnSession(Session):
    """The judge's side of a spawned jail: frames arrive through a reader thread."""

    def __init__(self, spec: JailSpec) -> None:
        flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
        # Raw pipes, each end owned by exactly one closer. Popen's own file objects would
        # close the same numbers again when collected, and by then a number may belong
        # to another jail's socket (a neighbour's grade would break).
        in_r, self._in = os.pipe()
        self._out, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            self.popen = subprocess.Popen(
                clean_command("grader.runner.jail.spawned", json.dumps(spec.to_json())),
                env=CLEAN_ENV,
                stdin=in_r,
                stdout=out_w,
                stderr=err_w,
                cwd=spec.scratch,
                creationflags=flags,
                start_new_session=sys.platform != "win32",
            )
        except BaseException:
            for fd in (self._in, self._out, err_r):
                os.close(fd)
            raise
        finally:
            for fd in (in_r, out_w, err_w):
                os.close(fd)
        self._frames: queue.Queue[bytes | BaseException] = queue.Queue()
        threading.Thread(target=self._reader, daemon=True).start()
        self._init_common(err_r, spec.limits)  # the capture thread closes err_r
        self.jail_pid = self.popen.pid

    def _init_common(self, out_fd: int, limits: Limits) -> None:
        self.limits = limits
        self.capture = OutputCapture(out_fd, limits.output_kb * 1024)
        self.capture.start()
        self.level = "none"
        self.detail = {}
        self.exit = None
        self._killed = False
        self.jail_pid = None
        # On Linux the spawned process is a supervisor with the jail under it; elsewhere
        # there is no /proc, and the wall clock is the limit.
        self.cpu_root = self.popen.pid
        self.cpu_seen = 0.0
        self.arm(limits.time_s)

    def _reader(self) -> None:
        try:
            while True:
                self._frames.put(protocol.read_frame(lambda n: os.read(self._out, n)))
        except BaseException as exc:  # EOF, or a frame over the cap
            self._frames.put(exc)
        finally:
            with contextlib.suppress(OSError):
                os.close(self._out)  # this thread's alone

    def start(self, timeout: float = 120.0) -> None:
        self.disarm(timeout)
        try:
            hello = self._receive(time.monotonic() + timeout, "starting the jail")
        except BaseException as exc:
            raise RuntimeError(
                "the jail could not be set up: " + self.capture.text()[-500:].strip()
            ) from exc
        self._accept_hello(hello)
        self.level = spawn_level()

    def _send(self, frame: bytes, deadline: float) -> None:
        view = memoryview(frame)
        while view:
            view = view[os.write(self._in, view) :]

    def _read_body(self, deadline: float) -> bytes:
        while True:
            if time.monotonic() >= deadline or self._over_budget():
                raise TimeoutError
            try:
                item = self._frames.get(
                    timeout=min(POLL_S, max(0.001, deadline - time.monotonic()))
                )
                break
            except queue.Empty:
                continue
        if isinstance(item, BaseException):
            self._frames.put(item)  # every later read sees the same end
            raise item
        return item

    def _signal_where(self) -> None:
        # The server is the supervisor's child on Linux; the whole group hears it.
        if sys.platform != "win32":
            os.killpg(self.popen.pid, signal.SIGUSR1)

    def kill(self) -> None:
        self._killed = True
        with contextlib.suppress(OSError):
            self.popen.kill()

    def _wait_exit(self, timeout: float) -> ExitInfo:
        if self.exit is None:
            try:
                code = self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                code = self.popen.wait()
            # As a wait status: a signal number, or the exit code shifted up a byte.
            status = -code if code < 0 else code << 8
            self.exit = ExitInfo(status, killed_by_judge=self._killed)
        return self.exit

    def close(self) -> ExitInfo:
        if self._in < 0:  # closed already: the number may be someone else's by now
            return self.exit or ExitInfo(None)
        self._cpu()
        with contextlib.suppress(OSError):
            os.close(self._in)
        self._in = -1
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(0.5)
        self.kill()
        info = self._wait_exit(3.0)
        if sys.platform != "win32":
            # The student may have started processes of its own in the session.
            with contextlib.suppress(OSError):
                os.killpg(self.popen.pid, 9)
        self.capture.join(timeout=2.0)
        return info


class Spawner:
    """Stands in for the zygote where jails are spawned instead of forked."""

    pid = -1
    popen = None

    def new_session(self, spec: JailSpec) -> Session:
        return SpawnSession(spec)

    def alive(self) -> bool:
        return True

    def close(self) -> None:
        pass
