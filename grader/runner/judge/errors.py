"""How a call into student code can go wrong, as the judge sees it.

``StudentError`` is an ordinary exception (student code raised; a test may expect it).
``JailGone`` and its subclasses derive from ``BaseException`` on purpose: a test that
writes ``except Exception`` must not swallow a timeout or a crash by accident.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass

from grader.exercise.errors import StudentError

__all__ = ["ExitInfo", "JailDied", "JailGone", "JailTimeout", "ProtocolViolation", "StudentError"]


class ProtocolViolation(StudentError):
    """The jail sent something that is not a valid reply (or a value that cannot cross)."""


@dataclass
class ExitInfo:
    """How a jail process ended."""

    status: int | None  # raw wait status from the supervisor, None if unknown
    oom: bool = False
    killed_by_judge: bool = False
    leftover: int = 0

    @property
    def signal(self) -> int | None:
        if self.status is not None and os.WIFSIGNALED(self.status):
            return os.WTERMSIG(self.status)
        return None

    @property
    def exit_code(self) -> int | None:
        if self.status is not None and os.WIFEXITED(self.status):
            return os.WEXITSTATUS(self.status)
        return None

    def describe(self) -> str:
        sig = self.signal
        if sig is not None:
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = f"signal {sig}"
            return f"killed by {name}" + (
                f" ({_SIGNAL_WORDS[name]})" if name in _SIGNAL_WORDS else ""
            )
        code = self.exit_code
        if code is not None:
            return f"ended the process with exit code {code}"
        return "ended unexpectedly"


_SIGNAL_WORDS = {
    "SIGSEGV": "a segmentation fault: memory was accessed that does not exist",
    "SIGABRT": "the process aborted itself",
    "SIGBUS": "a bus error: bad memory access",
    "SIGFPE": "an arithmetic fault",
    "SIGKILL": "it was killed from outside",
    "SIGXCPU": "it used up its CPU time",
    "SIGXFSZ": "it wrote a file larger than allowed",
    "SIGILL": "an illegal instruction",
}


class JailGone(BaseException):
    """The jail can no longer answer: it timed out, ran out of memory, or died."""

    def __init__(self, label: str, info: ExitInfo | None = None) -> None:
        super().__init__(label)
        self.label = label
        self.info = info


class JailTimeout(JailGone):
    """A call did not return before the deadline; the jail was killed."""

    def __init__(
        self, label: str, seconds: float, *, on: str = "wall", where: dict[str, str] | None = None
    ) -> None:
        super().__init__(label)
        self.seconds = seconds
        self.on = on  # "cpu": used its CPU budget; "wall": no answer in the backstop time
        self.where = where or {}  # what the jail said it was doing (student-controlled)


class JailDied(JailGone):
    """The jail process ended while (or before) a call was running."""

    @property
    def memory(self) -> bool:
        return self.info is not None and self.info.oom
