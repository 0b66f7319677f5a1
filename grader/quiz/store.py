"""Where attempts live on disk, and writing them so that nothing is ever half-saved.

Every save writes a temporary file in the same directory, fsyncs it, then renames it
over the old one (``os.replace`` is atomic on POSIX and Windows): a crash, a killed
terminal or a full disk leaves either the old state or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from grader._dirs import DATA_DIR_ENV, cache_home, data_home
from grader.errors import EXIT_BAD_INPUT, BadInput, GraderError
from grader.quiz.session import Session

__all__ = ["DATA_DIR_ENV", "cache_home", "data_home"]  # re-exported for the quiz modules


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._") or "_"


def session_path(bank_id: str, student: str) -> Path:
    return data_home() / "sessions" / f"{slug(bank_id)}--{slug(student)}.json"


def results_dir() -> Path:
    return data_home() / "results"


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` all at once, or leave the old file untouched."""
    write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        # ENOSPC, EIO, Ctrl-C in the middle: drop the partial temp file, keep the old state.
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_json(path: Path, data: Any) -> None:
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


class SaveFailed(GraderError):
    """The disk refused a save (full, read-only): the previous state is intact."""

    exit_code = EXIT_BAD_INPUT


def save_session(session: Session) -> Path:
    path = session_path(session.bank_id, session.student)
    try:
        write_json(path, session.to_json())
    except OSError as exc:
        raise SaveFailed(
            f"cannot save progress to {path}: {exc.strerror or exc}; "
            "the last saved state is intact — free some space, then continue with --resume"
        ) from None
    return path


def load_session(bank_id: str, student: str) -> Session | None:
    path = session_path(bank_id, student)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read the saved attempt: {exc.strerror or exc}") from None
    try:
        return Session.from_json(json.loads(text))
    except (ValueError, TypeError) as exc:
        raise BadInput(
            f"{path}: the saved attempt is unreadable ({exc}); "
            "start over with --restart (the file will be replaced)"
        ) from None


def discard_session(bank_id: str, student: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        session_path(bank_id, student).unlink()
