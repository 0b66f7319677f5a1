"""The portable jail: a fresh interpreter talking over its stdin/stdout pipes.

Used where ``fork`` is missing (Windows) or unsafe (macOS), or when ``GRADER_JAIL=spawn``
asks for it. The judge starts it through ``clean_command``: the submission's folder, the
working directory and PYTHONPATH are not on the import path, so a ``grader/`` or
``numpy.py`` in a submission is never imported in our place, and every defence the
platform has is in force before the student module is imported (see
``sandbox.harden_in_place``). On Linux the process first forks: the parent stays behind
as a supervisor (a child subreaper) that sweeps up every process the jail left behind,
daemons included; the child serves the judge.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from typing import NoReturn

from grader.runner import _linux
from grader.runner.jail.sandbox import harden_in_place
from grader.runner.jail.server import Server
from grader.runner.jail.warm import warm_up
from grader.runner.limits import JailSpec


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
    spec = JailSpec.from_json(json.loads(argv[0]))
    # The protocol keeps the original pipes; anything the student prints goes to stderr.
    proto_in, proto_out = os.dup(0), os.dup(1)
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    sys.stdout = open(1, "w", buffering=1, closefd=False, errors="backslashreplace")  # noqa: SIM115
    warm_up()  # before the hello: the import deadline must not pay for torch
    if _linux.available():
        _supervise(spec, proto_in, proto_out)
    _serve(spec, proto_in, proto_out)


def _supervise(spec: JailSpec, proto_in: int, proto_out: int) -> NoReturn:
    from grader.runner.jail.supervisor import sweep_descendants

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)  # meant for the server, not for us
    with contextlib.suppress(OSError):
        _linux.set_pdeathsig(signal.SIGKILL)
        _linux.prctl(_linux.PR_SET_CHILD_SUBREAPER, 1)  # orphans come back to us
    pid = os.fork()
    if pid == 0:
        _linux.set_pdeathsig(signal.SIGKILL)
        _serve(spec, proto_in, proto_out)
    os.close(proto_in)
    os.close(proto_out)
    _, status = os.waitpid(pid, 0)
    sweep_descendants(os.getpid())
    sys.stderr.flush()
    if os.WIFSIGNALED(status):  # end the way the jail ended, for the judge's verdict
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)


def _serve(spec: JailSpec, proto_in: int, proto_out: int) -> NoReturn:
    detail = harden_in_place(spec, keep_fds=[0, 1, 2, proto_in, proto_out])
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
    server = Server(_Pipes(proto_in, proto_out), spec.scratch, spec.entry)  # type: ignore[arg-type]
    server.send({"hello": {"detail": detail, "work": spec.scratch}})
    code = 0
    try:
        server.serve()
    except BaseException:
        code = 70
    with contextlib.suppress(BaseException):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)
