"""What a jail may use, and how a jail is asked for (plain data, sent to the zygote as JSON)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from grader.exercise.limits import Limits

__all__ = ["LEVELS", "LEVEL_HELP", "JailSpec", "Limits", "rank"]

# The isolation ladder, weakest first. A result records the level reached, and
# ``grade --require-isolation LEVEL`` refuses to grade below it.
LEVELS = ("none", "rlimits", "uid", "userns", "namespaces")

LEVEL_HELP = {
    "none": "a separate process with a timeout, and no other limits (non-Linux laptops)",
    "rlimits": "resource limits and a timeout, same user as the grader",
    "uid": "an unprivileged user, resource limits and a timeout",
    "userns": "own user/mount/network/PID namespaces without root, rlimits, no capabilities",
    "namespaces": "own mount/network/PID namespaces, cgroups, an unprivileged user, rlimits",
}


def rank(level: str) -> int:
    return LEVELS.index(level)


@dataclass
class JailSpec:
    """Everything a fresh jail needs to know; crosses to the zygote as JSON."""

    scratch: str  # host folder holding the submission's files
    root: str  # host folder used as the mount point of the jail's new root
    entry: str  # file name of the student module, e.g. "sigmoid.py"
    limits: Limits = field(default_factory=Limits)
    max_level: str = "namespaces"
    hide: list[str] = field(default_factory=list)  # host paths the jail must never see
    cgroups: bool = True  # False: build no cgroups (GRADER_CGROUPS=0, for broken trees)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["limits"] = self.limits.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JailSpec:
        return cls(
            scratch=data["scratch"],
            root=data["root"],
            entry=data["entry"],
            limits=Limits(**data["limits"]),
            max_level=data["max_level"],
            hide=list(data["hide"]),
            cgroups=bool(data.get("cgroups", True)),
        )
