"""Per-user folders: where attempts and results are kept, and where caches go."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "GRADER_DATA_DIR"


def data_home() -> Path:
    """The per-user data directory: $GRADER_DATA_DIR, else $XDG_DATA_HOME/grader,
    else ~/.local/share/grader (%LOCALAPPDATA%\\grader on Windows)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_DATA_HOME")
    if xdg:
        return Path(xdg) / "grader"
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "grader"
    return Path.home() / ".local" / "share" / "grader"


def cache_home() -> Path:
    """Where caches go (safe to delete): $GRADER_DATA_DIR/cache, else
    $XDG_CACHE_HOME/grader, else ~/.cache/grader."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override) / "cache"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "grader"
