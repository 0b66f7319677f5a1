"""The supervisor: builds one jail, waits for it, sweeps up after it.

Process tree (namespaces level)::

    zygote ── supervisor (setsid, subreaper, outer setup, waits) ── jail (PID 1 of its
              own PID namespace; its own uid; serves the judge's calls on one socket)

The supervisor runs no student code. It outlives the jail only to sweep up anything it
left behind, read the cgroup's OOM counter and tell the judge, on a pipe the jail cannot
write to, which level the jail reached and how it ended. Its word on the level is the
one the judge records, never the jail's.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
import traceback
from pathlib import Path
from typing import Any, NoReturn

from grader.runner import _linux
from grader.runner.jail import spares
from grader.runner.jail.sandbox import outer_setup
from grader.runner.jail.server import run_jail
from grader.runner.limits import JailSpec

# -- supervisor -----------------------------------------------------------------------------


def supervise(spec: JailSpec, sock_fd: int, out_w: int, status_w: int, go_r: int = -1) -> NoReturn:
    """Build the jail, run it, clean up after it; reports to the judge on ``status_w``.

    With a go pipe (``go_r``), a spare: built ahead for the template ``spec``, it serves
    the request that arrives on the pipe later (see ``spares``).
    """
    try:
        os.setsid()  # our own session and process group, away from the terminal
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if _linux.available():
            _linux.set_pdeathsig(signal.SIGKILL)
            # Orphans of the jail (daemons) are re-parented to us, so we can find them.
            with contextlib.suppress(OSError):
                _linux.prctl(_linux.PR_SET_CHILD_SUBREAPER, 1)
        outer = outer_setup(spec, fall_back=go_r < 0)
        if outer is None:
            # No namespaces for this spare after all: wait for its request, then build the
            # jail the plain way (the next spare is built the same way and fails the same).
            request = spares.read_go(go_r)
            if request is None:
                os._exit(0)
            spec, go_r = request, -1
            outer = outer_setup(spec)
            assert outer is not None
        pid = os.fork()
        if pid == 0:
            os.close(status_w)
            run_jail(spec, outer, sock_fd, out_w, go_r)
        os.close(sock_fd)
        os.close(out_w)
        if go_r >= 0:
            os.close(go_r)
        _report(status_w, {"pid": pid, "level": outer.level, "uid": outer.uid})
        _, status = os.waitpid(pid, 0)
        if _linux.available():
            # The jail is gone: finish cleaning up even if the judge no longer waits.
            _linux.set_pdeathsig(0)
        leftover = sweep_descendants(os.getpid())
        oom = False
        if outer.cgroup is not None:
            oom = outer.cgroup.oom_killed()
            for _ in range(100):
                if not outer.cgroup.procs():
                    break
                time.sleep(0.01)
            outer.cgroup.remove()
        _report(status_w, {"exit": status, "oom": oom, "leftover": leftover})
    except BaseException:
        with contextlib.suppress(BaseException):
            os.write(2, traceback.format_exc().encode())
    os._exit(0)


def _report(fd: int, data: dict[str, Any]) -> None:
    # A judge that stopped listening (it ended the jail first) needs no report.
    with contextlib.suppress(BrokenPipeError):
        os.write(fd, json.dumps(data).encode() + b"\n")


def _children_map() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after the last ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _children(pid: int, tree: dict[int, list[int]] | None) -> list[int]:
    """Direct children of ``pid``: from /proc/<pid>/task/*/children where the kernel has it."""
    if tree is not None:
        return tree.get(pid, [])
    out: list[int] = []
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                out += [
                    int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
                ]
    return out


def sweep_descendants(me: int, rounds: int = 200) -> int:
    """SIGKILL every descendant of ``me`` until none is left; returns how many were found."""
    if not os.path.isdir("/proc"):
        return 0
    fast = os.path.exists(f"/proc/{me}/task/{me}/children")
    found: set[int] = set()
    for _ in range(rounds):
        tree = None if fast else _children_map()
        todo, victims = [me], []
        while todo:
            for child in _children(todo.pop(), tree):
                victims.append(child)
                todo.append(child)
        for pid in victims:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        found.update(victims)
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        if not victims:
            break
        time.sleep(0.005)
    return len(found)
