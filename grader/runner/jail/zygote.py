"""The zygote: a clean, warm interpreter that forks one jail supervisor per request.

The judge starts it by exec (``grader.runner.judge.pool``), with a minimal environment,
no arguments but a socket number, and nothing of the judge's memory: no CI secret, no
seal key, no list of classmates' submissions, no test or reference solution ever was in
this process, so no jail forked from it can find one. It imports numpy and torch once
(see ``warm``), so each jail costs a fork, not a fresh interpreter.

Requests arrive as length-prefixed JSON ``JailSpec``s on the control socket; each answer
is the jail's protocol socket, output pipe and status pipe, passed back as descriptors.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import sys
from typing import Any, NoReturn

from grader.runner import _linux
from grader.runner.jail.sandbox import before_fork
from grader.runner.jail.supervisor import supervise
from grader.runner.jail.warm import warm_up
from grader.runner.limits import JailSpec

_U32 = struct.Struct(">I")
MAX_REQUEST = 1 << 20


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def serve(ctrl: socket.socket) -> NoReturn:  # pragma: no cover - runs in the zygote
    try:
        if _linux.available():
            _linux.set_pdeathsig(signal.SIGKILL)
        # Nothing here is secret, but a same-uid jail must not be able to steer the
        # process that forks every later jail.
        _linux.make_undumpable()
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # supervisors are reaped by the kernel
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        ctrl.sendall(b"R")  # warm and ready
        while True:
            try:
                (size,) = _U32.unpack(_recv_exact(ctrl, 4))
                if size > MAX_REQUEST:
                    break
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


def main(argv: list[str]) -> NoReturn:  # pragma: no cover - runs in the zygote
    ctrl = socket.socket(fileno=int(argv[0]))
    warm_up()
    sys.stdout.flush()
    serve(ctrl)
