"""A tiny raw-mode terminal: read key names, redraw a screen. POSIX termios only.

Why not prompt_toolkit: importing it costs more than the whole 150 ms start-up budget
on the reference machine; what the quiz needs (arrows, digits, space, enter, a line
editor) fits in this module. Ctrl-C keeps working (ISIG stays on) and raises
KeyboardInterrupt, which the caller turns into "saved, here is how to continue".
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import sys
import time
from types import TracebackType
from typing import Any, TextIO

_SEQUENCES = {
    "\x1b[A": "up",
    "\x1b[B": "down",
    "\x1b[C": "right",
    "\x1b[D": "left",
    "\x1bOA": "up",
    "\x1bOB": "down",
    "\x1bOC": "right",
    "\x1bOD": "left",
    "\x1b[H": "home",
    "\x1b[F": "end",
    "\x1b[3~": "delete",
    "\x1b[5~": "pageup",
    "\x1b[6~": "pagedown",
    "\x1b[Z": "shift-tab",
}
_SINGLE = {
    "\r": "enter",
    "\n": "enter",
    " ": "space",
    "\t": "tab",
    "\x7f": "backspace",
    "\x08": "backspace",
    "\x15": "ctrl-u",
    "\x04": "ctrl-d",
    "\x03": "ctrl-c",
}


def parse_keys(data: str) -> list[str]:
    """Key names in a chunk of terminal input (several keys may arrive at once)."""
    keys: list[str] = []
    i = 0
    while i < len(data):
        if data[i] == "\x1b":
            for seq, name in _SEQUENCES.items():
                if data.startswith(seq, i):
                    keys.append(name)
                    i += len(seq)
                    break
            else:
                # An unknown CSI sequence: skip it whole rather than typing its letters.
                if data.startswith("\x1b[", i):
                    j = i + 2
                    while j < len(data) and not ("@" <= data[j] <= "~"):
                        j += 1
                    i = j + 1
                else:
                    keys.append("esc")
                    i += 1
            continue
        ch = data[i]
        keys.append(_SINGLE.get(ch, ch))
        i += 1
    return keys


ENTER_SCREEN = "\x1b[?1049h\x1b[?25l"  # alternate screen on, cursor hidden (the UI draws one)
LEAVE_SCREEN = "\x1b[?25h\x1b[?1049l"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class Terminal:
    """Raw-ish mode on a TTY (no line buffering, no echo; signals still work)."""

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
        self.stdin = stdin or sys.stdin
        self.out = stdout or sys.stdout
        self.fd = self.stdin.fileno()
        self._saved: list[Any] | None = None
        self._pending: list[str] = []
        self._decoder_buffer = b""
        self._handlers: dict[int, Any] = {}

    def __enter__(self) -> Terminal:
        import termios

        self._saved = termios.tcgetattr(self.fd)
        mode = termios.tcgetattr(self.fd)
        mode[3] &= ~(termios.ICANON | termios.ECHO | termios.IEXTEN)  # lflags
        mode[0] &= ~(termios.ICRNL | termios.IXON)  # iflags: keep \r distinct, no Ctrl-S stop
        mode[6][termios.VMIN] = 1
        mode[6][termios.VTIME] = 0
        termios.tcsetattr(self.fd, termios.TCSADRAIN, mode)
        # `kill` or a closed terminal: unwind like Ctrl-C, so that the terminal is
        # restored and progress saved on the way out.
        for sig in (signal.SIGTERM, signal.SIGHUP):
            self._handlers[sig] = signal.signal(sig, _interrupt)
        # The alternate screen: redraws never reach the scrollback, and leaving it gives
        # the student their terminal back as it was.
        self.write(ENTER_SCREEN)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        import termios

        for sig, handler in self._handlers.items():
            signal.signal(sig, handler)
        try:
            self.write(LEAVE_SCREEN)
            if self._saved is not None:
                termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
        except OSError:
            pass  # the terminal is gone (hang-up): nothing left to restore

    def write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def size(self) -> tuple[int, int]:
        size = shutil.get_terminal_size((80, 24))
        return size.columns, size.lines

    def draw(self, lines: list[str]) -> None:
        """Replace the screen with ``lines`` (fitted to it already, see quiz.layout):
        overwrite in place and clear what is left, which neither flickers nor scrolls."""
        _, rows = self.size()
        self.write("\x1b[H" + "\x1b[K\r\n".join(lines[:rows]) + "\x1b[K\x1b[J")

    def read_key(self, timeout: float | None = None) -> str | None:
        """The next key name, or None if ``timeout`` seconds pass without one or the
        terminal is resized (either way the caller redraws)."""
        if self._pending:
            return self._pending.pop(0)
        size = self.size()
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = 0.25 if end is None else max(0.0, min(0.25, end - time.monotonic()))
            ready, _, _ = select.select([self.fd], [], [], wait)
            if ready:
                break
            if self.size() != size:
                return None
            if end is not None and time.monotonic() >= end:
                return None
        data = self._decoder_buffer + os.read(self.fd, 1024)
        if not data:
            return "ctrl-d"  # the terminal went away
        try:
            text = data.decode("utf-8")
            self._decoder_buffer = b""
        except UnicodeDecodeError:  # a multi-byte character split across reads
            self._decoder_buffer = data
            return self.read_key(timeout)
        keys = parse_keys(text)
        if "ctrl-c" in keys:
            raise KeyboardInterrupt
        self._pending.extend(keys)
        return self._pending.pop(0) if self._pending else None
