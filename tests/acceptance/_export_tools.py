"""External tools the export tests drive: node packages, the Nu checker, Chromium.

Locally a missing tool skips its tests; in CI (CI=true) it fails them, so that a
broken CI setup cannot pass by skipping.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / "tests/node"
NODE_MODULES = NODE_DIR / "node_modules"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def missing(what: str) -> None:
    message = f"{what} is missing (run `npm ci --prefix tests/node`; see .ci/run)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def need_path(path: Path, what: str) -> Path:
    if not path.exists():
        missing(what)
    return path


def need_program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        missing(f"the program '{name}'")
        raise AssertionError  # unreachable: missing() raises
    return found
