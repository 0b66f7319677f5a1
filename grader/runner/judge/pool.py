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
import sys
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

    def __init__(
        self, popen: subprocess.Popen[bytes] | None, ctrl: socket.socket, pid: int = 0
    ) -> None:
        self.popen = popen
        self.pid = popen.pid if popen is not None else pid
        self.ctrl = ctrl
        self.lock = threading.Lock()
        self._ready = False
        # How the zygote came to be: "exec" (clean by construction) or the fallback.
        self.origin = "exec"

    @classmethod
    def start(cls) -> Zygote:
        judge_end, zygote_end = socket.socketpair()
        fd = zygote_end.fileno()
        try:
            popen = subprocess.Popen(
                clean_command("grader.runner.jail.zygote", str(fd)),
                pass_fds=[fd],
                stdin=subprocess.DEVNULL,
                cwd="/",
                env=CLEAN_ENV,
            )
        except OSError as exc:
            # Our own interpreter cannot be run again (a grader that dropped privileges
            # after starting, say): fork instead, and wipe what a fork would carry.
            return cls._forked(judge_end, zygote_end, exc)
        zygote_end.close()
        return cls(popen, judge_end)

    @classmethod
    def _forked(cls, judge_end: socket.socket, zygote_end: socket.socket, why: OSError) -> Zygote:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            judge_end.close()
            _wipe_inherited_memory()
            # The one place the judge reaches across, in a child that is no judge any more.
            from grader.runner.jail import warm, zygote

            warm.warm_up()
            zygote.serve(zygote_end)
        zygote_end.close()
        made = cls(None, judge_end, pid)
        made.origin = f"fork (exec refused: {why.strerror or why})"
        return made

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
        if self.ctrl.fileno() < 0:
            return False
        if self.popen is not None:
            return self.popen.poll() is None
        try:
            return os.waitpid(self.pid, os.WNOHANG) == (0, 0)
        except ChildProcessError:
            return False

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
        if self.popen is None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            return
        try:
            self.popen.wait(5)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


def _wipe_inherited_memory() -> None:  # pragma: no cover - runs in the forked zygote
    """Zero the process's original argument and environment block and empty os.environ.

    The block (what /proc/self/environ and /proc/self/cmdline read) holds every secret the
    judge was started with. The judge's heap may still hold remnants: this fallback is
    weaker than exec, and the result says which one was used.
    """
    import ctypes

    with contextlib.suppress(OSError, ValueError, IndexError):
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # Fields 48-51 of stat (arg_start, arg_end, env_start, env_end); index from 3.
        arg_start, _arg_end, env_start, env_end = (int(x) for x in fields[45:49])
        if env_end > env_start > 0:
            ctypes.memset(env_start, 0, env_end - env_start)
        if env_start > arg_start > 0:
            ctypes.memset(arg_start, 0, env_start - arg_start)
    os.environ.clear()
    os.environ.update(CLEAN_ENV)
    sys.argv[:] = [sys.argv[0][:0]]
