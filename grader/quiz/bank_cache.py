"""Fingerprints that key the display cache, and loading the bank behind it.

`quiz take` paints its first question from a small JSON display cache (see
``display.py``), keyed by the SHA-256 of the bank file and the fingerprint of the code
that renders it, so a changed bank or a changed grader never shows a stale screen. The
validated bank itself is not cached: loading it takes a few tens of milliseconds once
the imports are done, and happens while the student reads the first question. (An
earlier version pickled the Bank; we never unpickle anything, anywhere.)
"""

from __future__ import annotations

import hashlib
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from grader import __version__

if TYPE_CHECKING:
    from grader.bank.model import Bank

_CODE = Path(__file__).resolve().parents[1]


@cache
def code_fingerprint() -> str:
    """Sizes and modification times of the code that turns YAML into a Bank, and of
    the code that renders it for the terminal (the display cache holds its output)."""
    parts = [__version__, sys.version]
    files = [
        _CODE / "_yaml.py",
        _CODE / "markup.py",
        _CODE / "report" / "markdown_term.py",
        _CODE / "report" / "latex_text.py",
        _CODE / "report" / "style.py",
        _CODE / "quiz" / "display.py",
        *sorted((_CODE / "bank").rglob("*.py")),
    ]
    for path in files:
        try:
            st = path.stat()
        except OSError:
            continue
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_bank_cached(path: Path, sha: str | None = None) -> tuple[Bank, str]:
    """The validated bank at ``path`` and the SHA-256 of its bytes."""
    from grader.bank.loader import load_bank

    return load_bank(path), sha or file_sha256(path)
