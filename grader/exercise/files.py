"""Where the judge reads an exercise's test files and reference solution from.

Either the instructor's folder on disk, or the files of a sealed bundle held in memory
(decrypted into the judge's memory only, never written anywhere). The judge asks for
files by their path relative to the exercise folder (``tests/hidden/test_x.py``).
"""

from __future__ import annotations

import fnmatch
import linecache
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol


class ExerciseFiles(Protocol):
    def listing(self, folder: str, pattern: str) -> list[str]:
        """Relative paths of the files directly in ``folder`` matching ``pattern``, sorted."""

    def read(self, rel: str) -> bytes | None:
        """The bytes of ``rel``, or None if there is no such file."""

    def filename(self, rel: str) -> str:
        """What ``__file__`` and tracebacks call ``rel``."""

    def has_dir(self, folder: str) -> bool: ...


@dataclass(frozen=True)
class FolderFiles:
    root: Path

    def listing(self, folder: str, pattern: str) -> list[str]:
        base = self.root / folder
        if not base.is_dir():
            return []
        return sorted(f"{folder}/{p.name}" for p in base.glob(pattern) if p.is_file())

    def read(self, rel: str) -> bytes | None:
        path = self.root / rel
        return path.read_bytes() if path.is_file() else None

    def filename(self, rel: str) -> str:
        return str(self.root / rel)

    def has_dir(self, folder: str) -> bool:
        return (self.root / folder).is_dir()


@dataclass(frozen=True)
class MemoryFiles:
    """Files held in memory; ``label`` (the sealed file's path) prefixes their names."""

    files: dict[str, bytes]
    label: str

    def listing(self, folder: str, pattern: str) -> list[str]:
        return sorted(
            rel
            for rel in self.files
            if str(PurePosixPath(rel).parent) == folder
            and fnmatch.fnmatchcase(PurePosixPath(rel).name, pattern)
        )

    def read(self, rel: str) -> bytes | None:
        return self.files.get(rel)

    def filename(self, rel: str) -> str:
        return f"{self.label}/{rel}"

    def has_dir(self, folder: str) -> bool:
        return any(rel.startswith(folder + "/") for rel in self.files)


def remember_source(filename: str, source: bytes) -> None:
    """Let tracebacks quote lines of a file that exists only in memory.

    A ``None`` mtime tells linecache never to look for the file on disk.
    """
    text = source.decode("utf-8", errors="replace")
    lines = text.splitlines(keepends=True)
    linecache.cache[filename] = (len(text), None, lines, filename)
