"""Terminal styling: colour only when wanted, and wrapping that knows what is visible.

Colour follows the conventions people expect: off when ``NO_COLOR`` is set (to
anything non-empty, see no-color.org), off with ``--no-color``, off when the output
is not a terminal or TERM is "dumb"; ``FORCE_COLOR`` turns it on for pipes.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

CODES = {
    "bold": "1",
    "dim": "2",
    "italic": "3",
    "underline": "4",
    "reverse": "7",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
    "grey": "90",
}
RESET = "\x1b[0m"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

Segment = tuple[str, str]  # (text, space-separated style names)


def color_wanted(*, no_color: bool = False, stream: TextIO | None = None) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    stream = stream or sys.stdout
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM", "") != "dumb"


def terminal_width(default: int = 80, *, cap: int = 100) -> int:
    """Width to wrap at: the terminal's (COLUMNS wins), never wider than ``cap``."""
    columns = shutil.get_terminal_size((default, 24)).columns
    return max(20, min(columns, cap))


@dataclass(frozen=True)
class Painter:
    """Applies named styles, or does nothing when colour is off."""

    color: bool

    def __call__(self, text: str, style: str = "") -> str:
        if not self.color or not style or not text:
            return text
        codes = ";".join(CODES[s] for s in style.split() if s in CODES)
        return f"\x1b[{codes}m{text}{RESET}" if codes else text


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def char_width(ch: str) -> int:
    if unicodedata.combining(ch) or ch in "\u200b\u200d":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def width(text: str) -> int:
    """How many terminal columns ``text`` takes (escape codes take none)."""
    plain = strip_ansi(text)
    if plain.isascii():
        return len(plain)
    return sum(char_width(ch) for ch in plain)


def pad(text: str, columns: int, align: str = "left") -> str:
    gap = max(0, columns - width(text))
    return " " * gap + text if align == "right" else text + " " * gap


def truncate(text: str, columns: int) -> str:
    """Plain text cut to ``columns`` with an ellipsis."""
    if width(text) <= columns:
        return text
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > columns - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def wrap_segments(
    segments: Iterable[Segment],
    columns: int,
    paint: Painter,
    *,
    indent: str = "",
    subsequent: str | None = None,
) -> list[str]:
    """Word-wrap styled text to ``columns``; each piece carries its own style so that a
    line break never leaves a colour open. Pieces written without a space between them
    (a formula and the full stop after it) move to the next line together."""
    rest = indent if subsequent is None else subsequent
    lines: list[str] = []
    current: list[str] = [indent]
    used = width(indent)
    line_start = used  # columns taken by the indent of the current line
    pending_space = False
    word_at = 0  # where in ``current`` the word being built starts (0: none yet)
    word_used = 0  # ``used`` just before that word

    def new_line(carry: list[str]) -> None:
        nonlocal current, used, line_start, word_at, word_used
        lines.append("".join(current).rstrip())
        current = [rest, *carry]
        line_start = width(rest)
        word_used = line_start
        used = line_start + sum(width(c) for c in carry)
        word_at = 1 if carry else 0

    for text, style in segments:
        for part in _BREAKS.split(text):
            if not part:
                continue
            if part[0] in _BREAKABLE:
                if "\n" in part:  # a hard line break inside the text
                    new_line([])
                    pending_space = False
                else:
                    pending_space = used > line_start
                word_at = 0
                continue
            w = width(part)
            space = 1 if pending_space else 0
            glued = not pending_space and word_at > 1
            if used + space + w > columns and used > line_start:
                if glued and used - word_used + w <= columns - width(rest):
                    carry = current[word_at:]
                    del current[word_at:]
                    new_line(carry)
                else:
                    new_line([])
                    glued = False
                space = 0
            if space:
                current.append(" ")
            if not glued and not (word_at and not space):
                word_at, word_used = len(current), used + space
            while w > columns - width(rest) and len(part) > 1:  # a word longer than a line
                room = max(1, columns - used - space)
                head, part = part[:room], part[room:]
                current.append(paint(head, style))
                new_line([])
                space = 0
                w = width(part)
            current.append(paint(part, style))
            used += space + w
            pending_space = False
    if len(current) > 1 or not lines:
        lines.append("".join(current).rstrip())
    return lines


_BREAKABLE = " \t\n\r\f\v"  # not the no-break space
_BREAKS = re.compile(f"([{_BREAKABLE}]+)")


def table(rows: Sequence[Sequence[str]], aligns: str, *, gap: int = 2) -> list[str]:
    """Columns padded to their widest cell (cells may carry escape codes)."""
    if not rows:
        return []
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [
            pad(cell, widths[i], "right" if aligns[i] == "r" else "left")
            for i, cell in enumerate(row)
        ]
        out.append((" " * gap).join(cells).rstrip())
    return out


def bar(fraction: float, columns: int, paint: Painter, style: str = "green") -> str:
    """A progress bar: filled blocks then light shade (plain # and . without colour)."""
    fraction = min(1.0, max(0.0, fraction))
    filled = round(fraction * columns)
    if paint.color:
        return paint("█" * filled, style) + paint("░" * (columns - filled), "dim")
    return "#" * filled + "." * (columns - filled)
