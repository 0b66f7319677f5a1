"""Progress of a batch: a live bar on a terminal, one plain line per submission elsewhere."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from typing import IO, Any

from grader.exercise.text import points

MAX_NAMED_FAILURES = 3


def row_line(row: dict[str, Any]) -> str:
    """``alice    12/12 passed   0.41s``: the student id is sanitised, so one line stays one."""
    extra = " (unchanged, kept)" if row.get("skipped") else ""
    reason = f"  {row['reason']}" if row.get("reason") else ""
    return (
        f"{row['student']:20} {points(row['score'])}/{points(row['max_score'])} "
        f"{row['status']:8} {row['duration_s']:.2f}s{extra}{reason}"
    )


class Progress:
    def __init__(
        self,
        total: int,
        *,
        stream: IO[str] | None = None,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty() if tty is None else tty
        self.total, self.done, self.clock = total, 0, clock
        self.started = clock()
        self.failures: list[str] = []

    def update(self, row: dict[str, Any]) -> None:
        self.done += 1
        if row["status"] != "passed":
            self.failures.append(row["student"])
        if self.tty:
            self._clear()
            if row["status"] != "passed":
                self.stream.write(row_line(row)[:400] + "\n")  # failures stay on screen
            self.stream.write(self.bar())
        else:
            self.stream.write(row_line(row) + "\n")
        self.stream.flush()

    def bar(self) -> str:
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        named = ", ".join(self.failures[-MAX_NAMED_FAILURES:])
        failing = f"  {len(self.failures)} failing" + (f" ({named})" if named else "")
        text = (
            f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}  "
            f"{rate:.1f}/s  ETA {_clock(left)}{failing if self.failures else ''}"
        )
        return text[: shutil.get_terminal_size((100, 20)).columns - 1]

    def _clear(self) -> None:
        self.stream.write("\r\x1b[2K")

    def close(self) -> None:
        if self.tty:
            self._clear()
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"
