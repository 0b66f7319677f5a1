"""Memory and process-count limits through cgroups (v1 controllers, or the v2 tree).

A jail gets its own leaf group; the supervisor removes it after the run and reads
whether the kernel's OOM killer fired there, which is how a memory verdict is told
apart from any other SIGKILL.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
CPU_PERIOD_US = 100_000
V1_CONTROLLERS = ("memory", "pids", "cpu")
V1_PARENT = "grader"  # v1: under each controller, the folder of the jails' groups
V2_PREFIX = "grader-"  # v2: one group per jail, at the top of the tree
JAIL_PREFIX = "jail-"


def jail_group(supervisor_pid: int) -> str:
    """A jail's group is named after its supervisor, which lives as long as it is used."""
    return f"{JAIL_PREFIX}{supervisor_pid}"


def sweep_stale() -> int:
    """Remove the groups of supervisors that died without cleaning up (SIGKILLed with
    their grader); returns how many. Only groups of pids that are gone (see
    ``jail_group``), and that hold no process, are removed."""
    folders = [(ROOT / c / V1_PARENT, JAIL_PREFIX) for c in V1_CONTROLLERS]
    removed = 0
    for folder, prefix in [*folders, (ROOT, V2_PREFIX + JAIL_PREFIX)]:
        with contextlib.suppress(OSError):
            for group in folder.iterdir():
                pid = group.name.removeprefix(prefix)
                if not group.name.startswith(prefix) or not pid.isdigit():
                    continue
                if Path(f"/proc/{pid}").exists():
                    continue
                with contextlib.suppress(OSError):
                    if not (group / "cgroup.procs").read_text().strip():
                        os.rmdir(group)
                        removed += 1
    return removed


class Cgroup:
    def __init__(self, dirs: dict[str, Path], v2: bool) -> None:
        self.dirs = dirs
        self.v2 = v2

    @classmethod
    def create(cls, name: str, memory_bytes: int, pids: int) -> Cgroup | None:
        """A new leaf group with the limits set, or None if this machine does not allow it."""
        try:
            if (ROOT / "cgroup.controllers").is_file():
                return cls._create_v2(name, memory_bytes, pids)
            return cls._create_v1(name, memory_bytes, pids)
        except OSError:
            return None

    @classmethod
    def _create_v1(cls, name: str, memory_bytes: int, pids: int) -> Cgroup:
        dirs = {
            "memory": ROOT / "memory" / V1_PARENT / name,
            "pids": ROOT / "pids" / V1_PARENT / name,
        }
        made = cls(dirs, v2=False)
        try:
            for d in dirs.values():
                d.mkdir(parents=True, exist_ok=True)
            mem = dirs["memory"]
            (mem / "memory.limit_in_bytes").write_text(str(memory_bytes))
            swap = mem / "memory.memsw.limit_in_bytes"
            if swap.exists():  # no swapping around the limit
                with contextlib.suppress(OSError):
                    swap.write_text(str(memory_bytes))
            (dirs["pids"] / "pids.max").write_text(str(pids))
        except OSError:
            made.remove()
            raise
        made._limit_cpu_v1(name)
        return made

    def _limit_cpu_v1(self, name: str) -> None:
        """One CPU at most, so that a jail's spinning children cannot starve a neighbour."""
        cpu = ROOT / "cpu" / V1_PARENT / name
        try:
            cpu.mkdir(parents=True, exist_ok=True)
            (cpu / "cpu.cfs_period_us").write_text(str(CPU_PERIOD_US))
            (cpu / "cpu.cfs_quota_us").write_text(str(CPU_PERIOD_US))
        except OSError:
            with contextlib.suppress(OSError):
                os.rmdir(cpu)
            return  # no cpu controller here: CPU-time deadlines still keep tests fair
        self.dirs["cpu"] = cpu

    @classmethod
    def _create_v2(cls, name: str, memory_bytes: int, pids: int) -> Cgroup:
        d = ROOT / f"{V2_PREFIX}{name}"
        d.mkdir()
        made = cls({"memory": d, "pids": d}, v2=True)
        try:
            (d / "memory.max").write_text(str(memory_bytes))
            with contextlib.suppress(OSError):
                (d / "memory.swap.max").write_text("0")
            (d / "pids.max").write_text(str(pids))
        except OSError:
            made.remove()
            raise
        with contextlib.suppress(OSError):  # needs the cpu controller enabled for the parent
            (d / "cpu.max").write_text(f"{CPU_PERIOD_US} {CPU_PERIOD_US}")
        return made

    def join(self) -> None:
        """Move the calling process in ("0" means "me", whatever my PID namespace)."""
        for d in set(self.dirs.values()):
            (d / "cgroup.procs").write_text("0")

    def oom_killed(self) -> bool:
        mem = self.dirs["memory"]
        with contextlib.suppress(OSError):
            text = (mem / ("memory.events" if self.v2 else "memory.oom_control")).read_text()
            for line in text.splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill" and value.strip() not in ("", "0"):
                    return True
            if not self.v2 and (mem / "memory.failcnt").read_text().strip() != "0":
                # Older kernels lack the oom_kill counter; a hit limit plus a SIGKILL is it.
                return True
        return False

    def procs(self) -> list[int]:
        out: list[int] = []
        for d in set(self.dirs.values()):
            with contextlib.suppress(OSError):
                out += [int(p) for p in (d / "cgroup.procs").read_text().split()]
        return out

    def remove(self) -> None:
        for d in set(self.dirs.values()):
            with contextlib.suppress(OSError):
                os.rmdir(d)
