"""Cached reruns: a submission whose content, exercise and grader version are unchanged
keeps its row and its report; ``--force`` regrades everything.

The cache is ``.grader-batch.json`` in the output folder: per student the content hash
and the row (with its per-test summary, so the class report still counts it).
"""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path
from typing import Any

import grader

CACHE_FILE = ".grader-batch.json"
CACHE_VERSION = 1


def content_hash(path: Path) -> str:
    """sha256 of a submission as given: a file's bytes, or a folder's sorted regular files
    (relative name and bytes each); links are skipped as the judge skips them."""
    digest = hashlib.sha256()
    if path.is_file():
        digest.update(b"file\0")
        _feed(digest, path)
    elif path.is_dir():
        for item in sorted(path.rglob("*")):
            mode = item.lstat().st_mode
            if stat.S_ISREG(mode):
                rel = item.relative_to(path).as_posix()
                digest.update(b"member\0" + rel.encode("utf-8", "surrogateescape") + b"\0")
                _feed(digest, item)
    return digest.hexdigest()


def _feed(digest: Any, path: Path) -> None:
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        digest.update(f"unreadable: {exc.errno}".encode())


def exercise_hash(root: Path, sealed: Path | None) -> str:
    """What the grade depends on besides the submission: the exercise folder's files
    (or the sealed file, whose content is the hidden tests)."""
    digest = hashlib.sha256()
    if sealed is not None:
        _feed(digest, sealed)
    for item in sorted(root.rglob("*")):
        parts = item.relative_to(root).parts
        if "__pycache__" in parts or item.suffix == ".pyc" or not item.is_file():
            continue
        digest.update("/".join(parts).encode() + b"\0")
        _feed(digest, item)
    return digest.hexdigest()


class Cache:
    def __init__(self, out: Path, key: dict[str, str]) -> None:
        self.path = out / CACHE_FILE
        self.key = {**key, "grader": grader.__version__, "cache": str(CACHE_VERSION)}
        self.rows: dict[str, dict[str, Any]] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("key") == self.key:
            rows = data.get("rows")
            self.rows = rows if isinstance(rows, dict) else {}

    def hit(self, student: str, digest: str, report: Path) -> dict[str, Any] | None:
        """The cached row, if this student's content is unchanged and the report is there."""
        row = self.rows.get(student)
        fresh = isinstance(row, dict) and row.get("content_hash") == digest and report.is_file()
        # A row that was grader's own failure is always graded again.
        return row if fresh and isinstance(row, dict) and not row.get("internal") else None

    def save(self, rows: dict[str, dict[str, Any]]) -> None:
        self.path.write_text(
            json.dumps({"key": self.key, "rows": rows}, ensure_ascii=True), encoding="utf-8"
        )
