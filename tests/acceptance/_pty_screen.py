"""A real pseudo-terminal (pexpect) read through a terminal emulator (pyte), so that
tests see the screen a student sees: what is on each row, at a given size."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte

ROOT = Path(__file__).resolve().parents[2]


class PtyScreen:
    def __init__(self, args: list[str], data: Path, columns: int, rows: int) -> None:
        env = {**os.environ, "GRADER_DATA_DIR": str(data), "NO_COLOR": "1", "TERM": "xterm"}
        for name in ("FORCE_COLOR", "COLUMNS", "LINES"):
            env.pop(name, None)
        self.columns, self.rows = columns, rows
        self.term = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.term)
        self.raw = ""  # everything the program wrote
        self.child = pexpect.spawn(
            sys.executable, ["-m", "grader", *args], cwd=str(ROOT), env=env,
            dimensions=(rows, columns), encoding="utf-8", timeout=20,
        )  # fmt: skip

    def pump(self, wait: float = 0.05) -> None:
        while True:
            try:
                chunk = self.child.read_nonblocking(65536, timeout=wait)
            except pexpect.TIMEOUT:
                return
            except pexpect.EOF:
                return
            self.raw += chunk
            self.stream.feed(chunk)

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.term.display]

    def text(self) -> str:
        return "\n".join(self.lines())

    def wait(self, *wanted: str, timeout: float = 20) -> str:
        """Read output until every ``wanted`` text is on the screen at once."""
        if not self._read_until(lambda: all(w in self.text() for w in wanted), timeout):
            raise AssertionError(f"never showed {wanted!r} on screen:\n{self.text()}")
        return self.text()

    def wait_written(self, wanted: str, timeout: float = 20) -> None:
        """Read output until ``wanted`` was written, even if a later screen covers it
        (a message on the main screen is hidden as soon as a pager opens)."""
        if not self._read_until(lambda: wanted in self.raw, timeout):
            raise AssertionError(f"never wrote {wanted!r}; the screen:\n{self.text()}")

    def _read_until(self, done: Callable[[], bool], timeout: float) -> bool:
        """Read output until ``done()`` (then the rest of that redraw too), the program
        ends, or ``timeout`` passes; whether ``done()`` came true."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump()
            if done():
                self.pump(0.2)  # the rest of this redraw
                return True
            if not self.child.isalive():
                self.pump()
                return False
        return False

    def send(self, keys: str) -> None:
        self.child.send(keys)
        time.sleep(0.1)

    def finish(self) -> int:
        self.child.expect(pexpect.EOF)
        self.raw += self.child.before or ""
        self.stream.feed(self.child.before or "")
        self.child.close()
        return self.child.exitstatus if self.child.exitstatus is not None else -1
