"""Student ids taken from file names: safe to print, to put in a CSV cell and to name a file.

A file name is student-controlled text: a newline in it would forge a summary line, a
control character would reach the terminal, a ``/`` would name another folder.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_ID = 64
_KEEP = set("-_.@+")


def sanitise(name: str) -> str:
    """Letters, digits and ``-_.@+`` kept; every other character (controls, separators,
    spaces, lone surrogates from undecodable bytes) becomes one ``_``."""
    name = unicodedata.normalize(
        "NFC", name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    )
    out = "".join(c if (c.isalnum() and c.isprintable()) or c in _KEEP else "_" for c in name)
    out = re.sub("_+", "_", out).strip("._") or "student"
    return out[:MAX_ID]


def unique(names: Iterable[str]) -> list[str]:
    """The sanitised ids, in order, with ``-2``, ``-3``... added where two would clash
    (case-insensitively, since reports land on file systems that fold case)."""
    taken: set[str] = set()
    result: list[str] = []
    for raw in names:
        base = sanitise(raw)
        candidate, n = base, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{base[: MAX_ID - len(str(n)) - 1]}-{n}"
        taken.add(candidate.casefold())
        result.append(candidate)
    return result
