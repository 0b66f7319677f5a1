"""A cache of validated banks, so that `quiz take` shows its first question fast.

Validating a large bank (YAML with positions, every formula checked by converting it
to MathML) takes a few hundred milliseconds; the validated Bank is stored, keyed by
the SHA-256 of the bank file together with grader's version and the bank code's own
fingerprint, so a changed bank or a changed grader never reads a stale entry.

The entries are pickles. That is safe here because the cache lives in the user's own
data directory and is only ever written by the user's own grader; anyone who can
write there can already change the user's shell start-up files. A broken entry is
ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from grader import __version__
from grader.quiz import store

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
    import pickle

    from grader.bank.model import Bank

    sha = sha or file_sha256(path)
    entry = store.cache_home() / "banks" / f"{sha[:32]}-{code_fingerprint()}.pickle"
    try:
        bank = pickle.loads(entry.read_bytes())
        if isinstance(bank, Bank):
            return bank, sha
    except Exception:  # missing, truncated, or from an incompatible grader: rebuild
        pass
    from grader.bank.loader import load_bank

    bank = load_bank(path)
    # The cache only saves time: a read-only or full disk must not stop a quiz.
    with contextlib.suppress(OSError):
        store.write_atomic_bytes(entry, pickle.dumps(bank, protocol=pickle.HIGHEST_PROTOCOL))
    return bank, sha
