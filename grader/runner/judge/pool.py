"""The judge's handle on the zygote, the warm process that forks every jail.

The zygote is started by exec, never by fork: a forked child would carry the judge's
whole memory (its original environment block with every CI secret and the seal key's
string, the list of every submission, argv), and student code can read its own memory.
The exec'd interpreter gets a minimal environment, a clean working directory and no
argument that says anything about the grading, and it is started before any hidden test
or reference solution is loaded (which no longer matters for secrecy, only for speed:
it imports torch while the judge loads the tests).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import socket
import struct
import subprocess
import threading

from grader.runner.host import spawn_wanted
from grader.runner.judge.launch import CLEAN_ENV, clean_command
from grader.runner.judge.session import Session
from grader.runner.judge.spawn import Spawner
from grader.runner.limits import JailSpec

_U32 = struct.Struct(">I")
START_TIMEOUT_S = 120.0

_shared: Zygote | None = None
_shared_lock = threading.Lock()


def shared() -> Zygote | Spawner:
    """The process-wide zygote, started on first use.

    Without ``fork`` (or with ``GRADER_JAIL=spawn``) jails are fresh interpreters instead.
    """
    global _shared
    if spawn_wanted():
        return Spawner()
    with _shared_lock:
        if _shared is None or not _shared.alive():
            _shared = Zygote.start()
            atexit.register(_shared.close)
        return _shared


class Zygote:
    """Judge-side handle on the zygote process."""

    def __init__(self, popen: subprocess.Popen[bytes], ctrl: socket.socket) -> None:
        self.popen = popen
        self.pid = popen.pid
        self.ctrl = ctrl
        self.lock = threading.Lock()
        self._ready = False

    @classmethod
    def start(cls) -> Zygote:
        judge_end, zygote_end = socket.socketpair()
        fd = zygote_end.fileno()
        popen = subprocess.Popen(
            clean_command("grader.runner.jail.zygote", str(fd)),
            pass_fds=[fd],
            stdin=subprocess.DEVNULL,
            cwd="/",
            env=CLEAN_ENV,
        )
        zygote_end.close()
        return cls(popen, judge_end)

    def _wait_ready(self) -> None:
        """The zygote says one byte once torch is imported; wait for it once."""
        if self._ready:
            return
        self.ctrl.settimeout(START_TIMEOUT_S)
        try:
            if self.ctrl.recv(1) != b"R":
                raise RuntimeError("the zygote ended while starting")
        finally:
            self.ctrl.settimeout(None)
        self._ready = True

    def alive(self) -> bool:
        return self.ctrl.fileno() >= 0 and self.popen.poll() is None

    def spawn(self, spec: JailSpec) -> tuple[socket.socket, int, int, int]:
        """A new jail: (protocol socket, output pipe, status pipe, supervisor pid)."""
        data = json.dumps(spec.to_json()).encode()
        with self.lock:  # one request/answer at a time on the control socket (grade-all --jobs)
            try:
                self._wait_ready()
                self.ctrl.sendall(_U32.pack(len(data)) + data)
                msg, fds, _flags, _addr = socket.recv_fds(self.ctrl, 4096, 3)
            except (OSError, TimeoutError) as exc:
                raise RuntimeError(f"the zygote did not answer: {exc}") from None
        if len(fds) != 3:
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
            raise RuntimeError("the zygote did not hand over a jail")
        info = json.loads(msg)
        return socket.socket(fileno=fds[0]), fds[1], fds[2], int(info["pid"])

    def new_session(self, spec: JailSpec) -> Session:
        return Session(*self.spawn(spec), spec.limits)

    def close(self) -> None:
        self.ctrl.close()
        try:
            self.popen.wait(5)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
