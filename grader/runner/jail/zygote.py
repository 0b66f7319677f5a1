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

import contextlib
import json
import os
import signal
import socket
import struct
import sys
import tempfile
from typing import NoReturn

from grader.runner import _linux
from grader.runner.jail import cgroups, seccomp, spares
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
    ready: list[spares.Spare] = []  # oldest first: the most likely to be built already
    spare_root = ""
    try:
        if _linux.available():
            _linux.set_pdeathsig(signal.SIGKILL)
        # Nothing here is secret, but a same-uid jail must not be able to steer the
        # process that forks every later jail.
        _linux.make_undumpable()
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # supervisors are reaped by the kernel
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        seccomp.prepare()
        if os.geteuid() == 0:
            cgroups.sweep_stale()  # what graders killed before us left behind
        ctrl.sendall(b"R")  # warm and ready
        while True:
            try:
                (size,) = _U32.unpack(_recv_exact(ctrl, 4))
                if size > MAX_REQUEST:
                    break
                spec = JailSpec.from_json(json.loads(_recv_exact(ctrl, size)))
            except EOFError:
                break
            for stale in [s for s in ready if not spares.fits(s.spec, spec)]:
                stale.discard()
                ready.remove(stale)
            if ready:
                spare = ready.pop(0)
                spare.go(spec)
                pid, handed = spare.pid, spare.handed()
            else:
                pid, handed, _ = _fork_jail(ctrl, spec, ready, go=False)
            socket.send_fds(ctrl, [json.dumps({"pid": pid}).encode()], handed)
            for fd in handed:
                os.close(fd)
            if spares.wanted(spec):
                spare_root = spare_root or tempfile.mkdtemp(prefix="jail-spare-root-")
                while len(ready) < spares.COUNT:
                    ready.append(_make_spare(ctrl, spares.template(spec, spare_root), ready))
    finally:
        for spare in ready:
            spare.discard(wait=True)
        if spare_root:
            with contextlib.suppress(OSError):
                os.rmdir(spare_root)
        os._exit(0)


def _fork_jail(
    ctrl: socket.socket, spec: JailSpec, others: list[spares.Spare], *, go: bool
) -> tuple[int, list[int], int]:
    """Fork a supervisor: (its pid, the judge's three descriptors, the go pipe or -1).

    The child keeps nothing of the zygote's: not its control socket, not the ends of
    the ``others`` (spares waiting), which are another jail's.
    """
    before_fork(spec)  # what every supervisor would otherwise find out again
    jail_sock, judge_sock = socket.socketpair()
    out_r, out_w = os.pipe()
    status_r, status_w = os.pipe()
    go_r, go_w = os.pipe() if go else (-1, -1)
    pid = os.fork()
    if pid == 0:
        ctrl.close()  # no jail may ask the zygote for anything
        theirs = [fd for other in others for fd in (*other.handed(), other.go_w)]
        for fd in (judge_sock.detach(), out_r, status_r, go_w, *theirs):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        supervise(spec, jail_sock.detach(), out_w, status_w, go_r)
    jail_sock.close()
    for fd in (out_w, status_w, go_r):
        if fd >= 0:
            os.close(fd)
    return pid, [judge_sock.detach(), out_r, status_r], go_w


def _make_spare(ctrl: socket.socket, spec: JailSpec, others: list[spares.Spare]) -> spares.Spare:
    pid, (judge_fd, out_r, status_r), go_w = _fork_jail(ctrl, spec, others, go=True)
    return spares.Spare(spec, pid, judge_fd, out_r, status_r, go_w)


def main(argv: list[str]) -> NoReturn:  # pragma: no cover - runs in the zygote
    ctrl = socket.socket(fileno=int(argv[0]))
    warm_up()
    sys.stdout.flush()
    serve(ctrl)
