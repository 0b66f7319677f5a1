"""Spare jails: the next jail built while the current one runs.

Most of a jail's start is waiting on the kernel (new namespaces, moving into three
cgroups, mounting its root), none of which needs the submission. So after handing out a
jail, the zygote keeps ``COUNT`` spares for the same kind of request: each supervisor makes
the namespaces and cgroups, each jail mounts its private root (``sandbox.inner_prepare``),
and then it waits on a pipe. The next request that fits is sent down that pipe, and the jail
only copies the student's files in, drops its privileges and says hello.

A spare has run no student code and holds nothing but what any fresh jail would: its
own uid lease, cgroups and namespaces. One that does not fit the next request (another
exercise, other limits) is discarded: its pipe is closed unread, and it ends.
Spares are made only at the ``namespaces`` level, the one whose start is slow.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import select
import struct
from dataclasses import dataclass

from grader.runner.jail.sandbox import level_wanted
from grader.runner.limits import JailSpec

COUNT = 2  # one may still be building when the next request comes: two overlap
MAX_GO = 1 << 20
_U32 = struct.Struct(">I")
DISCARD_WAIT_S = 2.0


def wanted(spec: JailSpec) -> bool:
    """Whether requests like ``spec`` get spares: only where the ``namespaces`` level can
    be had (root, and cgroups allowed; without them the jail falls back to ``userns``)."""
    return os.geteuid() == 0 and spec.cgroups and level_wanted(spec) == "namespaces"


def template(spec: JailSpec, root: str) -> JailSpec:
    """The request a spare is built for: ``spec`` without its submission (no files, and
    ``root``, a mount point that each spare covers in its own mount namespace)."""
    return dataclasses.replace(spec, scratch="", root=root, entry="")


def fits(spare: JailSpec, spec: JailSpec) -> bool:
    """Whether a spare built for ``spare`` may serve ``spec``: what its cgroups and level
    were made for agrees. (Folders ``spec`` hides beyond the spare's are covered when the
    request arrives: the submission's own folder differs from one to the next.)"""
    return (
        spare.limits == spec.limits
        and spare.max_level == spec.max_level
        and spare.cgroups == spec.cgroups
    )


@dataclass
class Spare:
    """The zygote's end of a spare: the judge's three descriptors and the go pipe."""

    spec: JailSpec  # the template it was built for
    pid: int  # its supervisor
    judge_fd: int
    out_r: int
    status_r: int
    go_w: int

    def handed(self) -> list[int]:
        return [self.judge_fd, self.out_r, self.status_r]

    def go(self, spec: JailSpec) -> None:
        """Send the request down the pipe (its length first), and close it."""
        data = json.dumps(spec.to_json()).encode()
        try:
            # Well under a pipe's buffer: one write that does not block.
            os.write(self.go_w, _U32.pack(len(data)) + data)
        finally:
            os.close(self.go_w)

    def close_handed(self) -> None:
        for fd in self.handed():
            with contextlib.suppress(OSError):
                os.close(fd)

    def discard(self, *, wait: bool = False) -> None:
        """End it unused. With ``wait``, until its supervisor has cleaned up (briefly): the
        zygote is about to exit, and with it, by parent-death signal, that supervisor."""
        with contextlib.suppress(OSError):
            os.close(self.go_w)
        with contextlib.suppress(OSError, ValueError):
            while wait and select.select([self.status_r], [], [], DISCARD_WAIT_S)[0]:
                if not os.read(self.status_r, 4096):
                    break  # the supervisor ended
        self.close_handed()


def read_go(fd: int) -> JailSpec | None:
    """In a spare: block until the zygote sends its request (None: discarded)."""
    try:
        head = _read_exact(fd, _U32.size)
        (size,) = _U32.unpack(head) if head else (0,)
        data = _read_exact(fd, size) if 0 < size <= MAX_GO else b""
    finally:
        os.close(fd)
    if not data:
        return None
    return JailSpec.from_json(json.loads(data))


def _read_exact(fd: int, n: int) -> bytes:
    """``n`` bytes, or b"" if the pipe ends first."""
    data = b""
    while len(data) < n:
        chunk = os.read(fd, n - len(data))
        if not chunk:
            return b""
        data += chunk
    return data
