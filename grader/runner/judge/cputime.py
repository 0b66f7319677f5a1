"""CPU seconds used by a jail and everything it started, read from /proc.

A test's time limit is counted in the jail's CPU time, not the wall clock: an honest,
slow-but-correct submission then needs the same budget whether it runs alone or beside a
neighbour whose children spin, and a submission that sleeps while its children spin is
charged for the children. The wall clock stays as a backstop (see ``Session.arm``).

Counted: every live process under the supervisor (the jail, its children, and orphans
re-parented to the supervisor, which is a child subreaper), each with the time of the
children it has reaped.
"""

from __future__ import annotations

import contextlib
import os

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def available() -> bool:
    return os.path.isdir("/proc/self/task")


def _stat_times(pid: int) -> int:
    with open(f"/proc/{pid}/stat", "rb") as f:
        fields = f.read().rsplit(b")", 1)[1].split()
    # utime, stime, cutime, cstime are fields 14-17 (index 11-14 after the name).
    return sum(int(x) for x in fields[11:15])


def _children(pid: int) -> list[int]:
    out: list[int] = []
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(c) for c in f.read().split()]
    return out


def tree_seconds(root: int) -> float:
    """CPU seconds of every descendant of ``root`` (not ``root`` itself); 0.0 without /proc."""
    ticks = 0
    todo = _children(root)
    seen: set[int] = set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        with contextlib.suppress(OSError, ValueError, IndexError):
            ticks += _stat_times(pid)
        todo += _children(pid)
    return ticks / _TICK
