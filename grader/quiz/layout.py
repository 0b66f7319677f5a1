"""Fitting a rendered screen to the terminal by priority, so nothing important is cut.

The terminal templates mark their parts with section lines (``section(name, priority,
scroll)``) and the lines of the item under the cursor with ``FOCUS``. ``compose`` then
gives rows out in priority order (lower number first): priority 0 parts are always
whole, the cursor's lines come next, then each part in turn gets what it needs, and
blank separators only get the rows left over. A part that does not fit whole shows a
window: around the cursor for a list, from the scroll offset (PgUp/PgDn) for text,
with "more" markers where it is cut. No line is wider than the terminal, so the
terminal never wraps a line itself (which would push the header off the top).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.report.style import Painter, strip_ansi, truncate, width

SECTION = "\x1e"  # a line "\x1eNAME:PRIORITY:FLAGS" starts a part
FOCUS = "\x1f"  # a line starting with it belongs to the item under the cursor


def section(name: str, priority: int, scroll: bool = False, title: bool = False) -> str:
    """The marker line a template writes before a part of the screen; ``title``: its
    first line stays on screen when the rest scrolls."""
    return f"{SECTION}{name}:{priority}:{'s' if scroll else ''}{'t' if title else ''}"


@dataclass
class Block:
    name: str
    priority: int
    scroll: bool = False
    title: bool = False
    gap: int = 0  # blank lines before it: the first thing dropped on a small screen
    lines: list[str] = field(default_factory=list)
    focus: list[int] = field(default_factory=list)  # indices of the cursor's lines


@dataclass
class Composed:
    lines: list[str]
    cut: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (start, total)
    scroll_target: str | None = None  # the part PgUp/PgDn moves
    page: int = 1  # rows of that part on screen (one PgDn step)


def parse(text: str, columns: int) -> list[Block]:
    blocks: list[Block] = []
    current = Block("top", 0)
    for line in text.split("\n"):
        if line.startswith(SECTION):
            blocks.append(current)
            name, priority, flags = line[1:].split(":")
            current = Block(name, int(priority), scroll="s" in flags, title="t" in flags)
            continue
        focused = FOCUS in line
        line = line.replace(FOCUS, "")
        if not current.lines and not line.strip():
            current.gap += 1
            continue
        if width(line) > columns:  # never let the terminal wrap a line on its own
            line = truncate(strip_ansi(line), columns)
        if focused:
            current.focus.append(len(current.lines))
        current.lines.append(line)
    blocks.append(current)
    for block in blocks:
        while block.lines and not block.lines[-1].strip():
            block.lines.pop()
        block.gap = min(block.gap, 1)
    return [b for b in blocks if b.lines]


def compose(
    text: str,
    columns: int,
    rows: int,
    scroll: dict[str, int] | None = None,
    paint: Painter | None = None,
) -> Composed:
    """The screen's lines (at most ``rows``, each at most ``columns`` wide)."""
    scroll = scroll or {}
    paint = paint or Painter(False)
    blocks = parse(text, columns)
    alloc = {id(b): 0 for b in blocks}
    budget = rows
    for b in blocks:  # priority 0: whole, always (as far as the screen goes)
        if b.priority == 0:
            alloc[id(b)] = min(len(b.lines), budget)
            budget -= alloc[id(b)]
    by_priority = sorted((b for b in blocks if b.priority), key=lambda b: b.priority)
    for b in by_priority:  # the cursor's lines before anything else
        if b.focus and budget:
            need = min(max(b.focus) - min(b.focus) + 1, budget)
            alloc[id(b)] = need
            budget -= need
    for b in by_priority:
        more = min(len(b.lines) - alloc[id(b)], budget)
        alloc[id(b)] += more
        budget -= more
    gaps: set[int] = set()
    for b in blocks[1:]:  # separators, top down, with what is left
        if budget and alloc[id(b)] and b.gap:
            gaps.add(id(b))
            budget -= 1
    out = Composed([])
    for b in blocks:
        n = alloc[id(b)]
        if not n:
            continue
        if id(b) in gaps and out.lines:
            out.lines.append("")
        if n >= len(b.lines):
            out.lines.extend(b.lines)
            continue
        start, shown = _window(b, n, scroll.get(b.name, 0), paint)
        out.lines.extend(shown)
        out.cut[b.name] = (start, len(b.lines))
        if b.scroll and out.scroll_target is None:
            out.scroll_target, out.page = b.name, max(1, n - 2)
    return out


def _continues(line: str) -> bool:
    """A list item's wrapped second line (lists indent those deeper than item starts)."""
    return strip_ansi(line).startswith("   ")


def _window(b: Block, n: int, offset: int, paint: Painter) -> tuple[int, list[str]]:
    total = len(b.lines)
    if b.focus:
        first, last = min(b.focus), max(b.focus)
        span = last - first + 1
        start = max(0, min(first - max(0, (n - span) // 2), total - n))
        if span > n:
            start = first
        while start < first and _continues(b.lines[start]):
            start += 1  # begin on an item's first line, not the tail of the one above
        shown = b.lines[start : start + n]
        if n >= 4:  # mark the cut ends unless that would hide the cursor
            if start > 0 and start not in b.focus:
                shown[0] = paint(f"  ↑ {start} more", "dim")
            end = start + n
            if end < total and end - 1 not in b.focus:
                shown[-1] = paint(f"  ↓ {total - end + 1} more", "dim")
        return start, shown
    if b.title and n >= 3:
        start, shown = _window(Block(b.name, b.priority, lines=b.lines[1:]), n - 1, offset, paint)
        return start, [b.lines[0], *shown]
    if n == 1:
        start = max(0, min(offset, total - 1))
        return start, [b.lines[start]]
    start = max(0, min(offset, total - (n - 1)))
    top = 1 if start > 0 else 0
    room = n - top
    bottom = 1 if start + room < total else 0
    room -= bottom
    shown = []
    if top:
        shown.append(paint(f"  ↑ {start} more · PgUp", "dim"))
    shown.extend(b.lines[start : start + room])
    if bottom:
        shown.append(paint(f"  ↓ {total - start - room} more · PgDn", "dim"))
    return start, shown
