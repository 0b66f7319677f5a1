"""Golden files for every export format: any change to an export shows up as a diff.

Regenerate after an intended change with:
    GRADER_REGEN_GOLDEN=1 python -m pytest tests/unit/test_export_golden.py
and review the diff of tests/golden/export/ before committing it.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from grader.bank import load_bank
from grader.export import export_bank

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests/golden/export"
BANK = ROOT / "tests/fixtures/banks/all-types.yaml"
CASES = [
    ("html", None, "all-types.html"),
    ("html-key", None, "all-types.key.html"),
    ("html", 3, "all-types.seed3.html"),
    ("html-key", 3, "all-types.seed3.key.html"),
    ("qti", None, "all-types.qti"),
    ("moodle", None, "all-types.moodle.xml"),
    ("gift", None, "all-types.gift.txt"),
    ("md", None, "all-types.md"),
    ("md", 3, "all-types.seed3.md"),
]


def _files(fmt: str, data: bytes, name: str) -> dict[str, str]:
    """The export as text files (a zip is unpacked so that its diff is readable)."""
    if fmt != "qti":
        return {name: data.decode()}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {f"{name}/{member}": zf.read(member).decode() for member in zf.namelist()}


@pytest.mark.parametrize(("fmt", "seed", "name"), CASES)
def test_export_matches_golden_file(fmt: str, seed: int | None, name: str) -> None:
    result = export_bank(load_bank(BANK), fmt, seed=seed)
    files = _files(fmt, result.data, name)
    warnings = "\n".join(result.warnings) + "\n"
    files[f"{name}.warnings.txt"] = warnings
    for rel, text in files.items():
        path = GOLDEN / rel
        if os.environ.get("GRADER_REGEN_GOLDEN"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        assert path.is_file(), f"missing golden file {rel}: run with GRADER_REGEN_GOLDEN=1"
        assert text == path.read_text(), f"{rel} differs from the golden file"
