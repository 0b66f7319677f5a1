"""A clean, warm process that forks one jail per request.

It is forked from the judge right after numpy and torch are imported and *before* any
test, reference solution or hidden file is loaded, so no jail ever has a secret in its
memory, and each jail costs a fork (milliseconds), not a fresh interpreter that imports
torch (seconds). This is the warm pool of the design, with a pool size of one.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, Any, NoReturn

from grader.runner import _linux
from grader.runner.limits import JailSpec

if TYPE_CHECKING:
    from grader.runner.session import Session
    from grader.runner.spawned import Spawner

_U32 = struct.Struct(">I")

# Imported before forking so that a jail (which may not be able to read the Python
# installation at the lower isolation levels) finds what student code commonly uses.
WARM_MODULES = (
    "numpy",
    "numpy.testing",  # np.testing.assert_allclose: common in student code
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "math",
    "random",
    "json",
    "collections",
    "itertools",
    "functools",
    "dataclasses",
    "typing",
    "statistics",
    "fractions",
    "decimal",
    "ctypes",
    "socket",
    "subprocess",
    "threading",
    "multiprocessing",
    "time",
    "re",
    "copy",
)


def warm_up() -> None:
    import importlib

    for name in WARM_MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


_shared: Zygote | None = None
_tainted = False


def mark_tainted() -> None:
    """Called before a test file or reference solution is imported into this process.

    From then on a fork of this process would carry them, so any zygote started later is
    a fresh interpreter instead (slower, but clean by construction).
    """
    global _tainted
    _tainted = True


def shared() -> Zygote | Spawner:
    """The process-wide zygote, started on first use (normally before any secret loads).

    Without ``fork`` (or with ``GRADER_JAIL=spawn``) jails are fresh interpreters instead.
    """
    global _shared
    from grader.runner.spawned import Spawner, wanted

    if wanted():
        return Spawner()
    if _shared is None or not _shared.alive():
        _shared = Zygote.start(fresh=_tainted)
        atexit.register(_shared.close)
    return _shared


class Zygote:
    """Judge-side handle on the zygote process."""

    def __init__(
        self, pid: int, ctrl: socket.socket, popen: subprocess.Popen[bytes] | None = None
    ) -> None:
        self.pid = pid
        self.ctrl = ctrl
        self.popen = popen
        self.lock = threading.Lock()

    @classmethod
    def start(cls, *, fresh: bool = False) -> Zygote:
        judge_end, zygote_end = socket.socketpair()
        if fresh:
            popen = subprocess.Popen(
                [sys.executable, "-m", "grader.runner.zygote", str(zygote_end.fileno())],
                pass_fds=[zygote_end.fileno()],
                stdin=subprocess.DEVNULL,
            )
            zygote_end.close()
            return cls(popen.pid, judge_end, popen)
        warm_up()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            judge_end.close()
            _serve(zygote_end)
        zygote_end.close()
        return cls(pid, judge_end)

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
            self.ctrl.sendall(_U32.pack(len(data)) + data)
            msg, fds, _flags, _addr = socket.recv_fds(self.ctrl, 4096, 3)
        if len(fds) != 3:
            raise RuntimeError("the zygote did not hand over a jail")
        info = json.loads(msg)
        return socket.socket(fileno=fds[0]), fds[1], fds[2], int(info["pid"])

    def new_session(self, spec: JailSpec) -> Session:
        from grader.runner.session import Session

        return Session(*self.spawn(spec), spec.limits)

    def close(self) -> None:
        self.ctrl.close()
        if self.popen is not None:
            self.popen.wait()
            return
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def _serve(ctrl: socket.socket) -> NoReturn:  # pragma: no cover - runs in the child
    from grader.runner.jail import supervise
    from grader.runner.sandbox import before_fork

    try:
        if _linux.available():
            _linux.set_pdeathsig(signal.SIGKILL)
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # supervisors are reaped by the kernel
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while True:
            try:
                (size,) = _U32.unpack(_recv_exact(ctrl, 4))
                spec = JailSpec.from_json(json.loads(_recv_exact(ctrl, size)))
            except EOFError:
                break
            before_fork(spec)  # what every supervisor would otherwise find out again
            jail_sock, judge_sock = socket.socketpair()
            out_r, out_w = os.pipe()
            status_r, status_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                ctrl.close()
                judge_sock.close()
                os.close(out_r)
                os.close(status_r)
                supervise(spec, jail_sock.detach(), out_w, status_w)
            jail_sock.close()
            os.close(out_w)
            os.close(status_w)
            reply: dict[str, Any] = {"pid": pid}
            socket.send_fds(
                ctrl, [json.dumps(reply).encode()], [judge_sock.fileno(), out_r, status_r]
            )
            judge_sock.close()
            os.close(out_r)
            os.close(status_r)
    finally:
        os._exit(0)


if __name__ == "__main__":  # pragma: no cover - the clean, exec-ed zygote
    warm_up()
    _serve(socket.socket(fileno=int(sys.argv[1])))
