"""The published schemas (QTI, JUnit, Gradescope) that some tests validate against.

They live outside the project, in `../shared/schemas` beside the repository, and the
project never copies them. A clone without them skips those tests with a reason naming
the missing file and how to point `GRADER_SCHEMAS=DIR` at another copy. A directory named
explicitly through GRADER_SCHEMAS must hold the file: a wrong path is a failure, not a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BESIDE = ROOT.parent / "shared" / "schemas"


def schemas_dir() -> Path:
    chosen = os.environ.get("GRADER_SCHEMAS")
    return Path(chosen) if chosen else BESIDE


def need_schema(relative: str) -> Path:
    """The schema file at `relative` under the schemas directory, or skip saying why."""
    folder = schemas_dir()
    path = folder / relative
    if path.is_file():
        return path
    if os.environ.get("GRADER_SCHEMAS"):
        pytest.fail(f"GRADER_SCHEMAS={folder} has no {relative}")
    pytest.skip(
        f"published schema {relative} not found: {BESIDE} is absent; "
        f"set GRADER_SCHEMAS=DIR to a copy of the schemas folder to run this test"
    )
