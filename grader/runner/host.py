"""What this machine offers a jail, as far as can be told without building one.

Shared by both sides: the judge uses it to pick the level to ask for, the jail side to
cap what it tries. The level a jail really reached is reported by its supervisor (which
runs no student code), never by the jail itself.
"""

from __future__ import annotations

import os
import sys

from grader.runner import _linux
from grader.runner.limits import LEVELS, rank


def spawn_wanted() -> bool:
    """Spawn fresh interpreters where fork is missing (Windows) or unsafe once system
    frameworks are loaded (macOS, where Python's own multiprocessing spawns for the same
    reason); ``GRADER_JAIL=spawn|fork`` decides for tests and odd platforms."""
    choice = os.environ.get("GRADER_JAIL")
    if choice in ("spawn", "fork"):
        return choice == "spawn"
    return not hasattr(os, "fork") or sys.platform == "darwin"


def spawn_level() -> str:
    """The level a spawned jail reaches: rlimits (and more on Linux) on POSIX, none on Windows."""
    return "none" if sys.platform == "win32" else "rlimits"


def machine_max_level() -> str:
    """The highest level worth trying here (the real one is known once a jail is built)."""
    cap = os.environ.get("GRADER_MAX_ISOLATION", "namespaces")
    if cap not in LEVELS:
        cap = "namespaces"
    if spawn_wanted():
        best = spawn_level()
    elif not _linux.available():
        best = "rlimits"
    elif os.geteuid() == 0:
        best = "namespaces"
    else:
        best = "userns"  # if the kernel allows it; probed when a jail is built
    return LEVELS[min(rank(cap), rank(best))]
