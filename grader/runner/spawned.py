"""The portable jail: a fresh interpreter talking over its stdin/stdout pipes.

Used where ``fork`` is missing (Windows) or unsafe (macOS), or when ``GRADER_JAIL=spawn``
asks for it (``GRADER_JAIL=fork`` forces the zygote). It
gets what the platform offers: its own process, wall-clock timeouts, captured output, and
rlimits on POSIX; no namespaces and no other user. The level is recorded as ``rlimits``
(POSIX) or ``none`` (Windows). Each jail pays for a fresh interpreter importing torch.

Run as ``python -m grader.runner.spawned SPEC_JSON``; the parent is ``SpawnSession``.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from typing import NoReturn

from grader.runner import protocol
from grader.runner.errors import ExitInfo
from grader.runner.limits import JailSpec, Limits
from grader.runner.session import OutputCapture, Session


def spawn_level() -> str:
    return "none" if sys.platform == "win32" else "rlimits"


class _Pipes:
    """The two ends of the protocol, with the socket-like methods the server uses."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd = read_fd
        self.write_fd = write_fd

    def recv(self, n: int) -> bytes:
        return os.read(self.read_fd, n)

    def sendall(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.write_fd, view) :]


def main(argv: list[str]) -> NoReturn:  # pragma: no cover - runs in the child
    from grader.runner.jail import Server
    from grader.runner.zygote import warm_up

    spec = JailSpec.from_json(json.loads(argv[1]))
    # The protocol keeps the original pipes; anything the student prints goes to stderr.
    proto_in, proto_out = os.dup(0), os.dup(1)
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    sys.stdout = open(1, "w", buffering=1, closefd=False, errors="backslashreplace")  # noqa: SIM115
    warm_up()  # before the hello: the import deadline must not pay for torch
    if sys.platform != "win32":
        from grader.runner import sandbox

        sandbox._set_rlimits(spec, None)
    os.chdir(spec.scratch)
    keep = {k: os.environ[k] for k in ("SYSTEMROOT", "PATH", "TEMP", "TMP") if k in os.environ}
    os.environ.clear()
    os.environ.update({**keep, "HOME": spec.scratch, "OMP_NUM_THREADS": "1"})
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
    server = Server(_Pipes(proto_in, proto_out), spec.scratch, spec.entry)  # type: ignore[arg-type]
    server.send(
        {"hello": {"level": spawn_level(), "detail": {"spawned": True}, "work": spec.scratch}}
    )
    code = 0
    try:
        server.serve()
    except BaseException:
        code = 70
    with contextlib.suppress(BaseException):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


class SpawnSession(Session):
    """The judge's side of a spawned jail: frames arrive through a reader thread."""

    def __init__(self, spec: JailSpec) -> None:
        flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "grader.runner.spawned", json.dumps(spec.to_json())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=spec.scratch,
            creationflags=flags,
            start_new_session=sys.platform != "win32",
        )
        assert self.popen.stdin and self.popen.stdout and self.popen.stderr
        self._frames: queue.Queue[bytes | BaseException] = queue.Queue()
        self._in = self.popen.stdin.fileno()
        self._out = self.popen.stdout.fileno()
        threading.Thread(target=self._reader, daemon=True).start()
        self._init_common(self.popen.stderr.fileno(), spec.limits)
        self.jail_pid = self.popen.pid

    def _init_common(self, out_fd: int, limits: Limits) -> None:
        self.limits = limits
        self.capture = OutputCapture(out_fd, limits.output_kb * 1024)
        self.capture.start()
        self.level = "none"
        self.detail = {}
        self.deadline = time.monotonic() + limits.time_s
        self.budget_s = limits.time_s
        self.exit = None
        self._killed = False

    def _reader(self) -> None:
        try:
            while True:
                self._frames.put(protocol.read_frame(lambda n: os.read(self._out, n)))
        except BaseException as exc:  # EOF, or a frame over the cap
            self._frames.put(exc)

    def start(self, timeout: float = 120.0) -> None:
        try:
            hello = self._receive(time.monotonic() + timeout, "starting the jail")
        except BaseException as exc:
            raise RuntimeError(
                "the jail could not be set up: " + self.capture.text()[-500:].strip()
            ) from exc
        self._accept_hello(hello)

    def _send(self, frame: bytes, deadline: float) -> None:
        _Pipes(-1, self._in).sendall(frame)

    def _read_body(self, deadline: float) -> bytes:
        try:
            item = self._frames.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError from None
        if isinstance(item, BaseException):
            self._frames.put(item)  # every later read sees the same end
            raise item
        return item

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
        with contextlib.suppress(OSError):
            os.close(self._in)
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


def wanted() -> bool:
    """Spawn where fork is missing (Windows) or unsafe once system frameworks are loaded
    (macOS, where Python's own multiprocessing spawns for the same reason)."""
    if os.environ.get("GRADER_JAIL") in ("spawn", "fork"):
        return os.environ["GRADER_JAIL"] == "spawn"
    return not hasattr(os, "fork") or sys.platform == "darwin"


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv)
