"""The export commands shown in docs/instructor-guide.md run as documented."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs/instructor-guide.md"
README = ROOT / "README.md"


def export_commands(doc: Path) -> list[str]:
    """`grader quiz export` lines of the doc's console blocks (prompt and comment removed)."""
    return [
        line.removeprefix("$ ").split("  #")[0].strip()
        for block in re.findall(r"```console\n(.*?)```", doc.read_text(), re.S)
        for line in block.splitlines()
        if line.removeprefix("$ ").startswith("grader quiz export ")
    ]


COMMANDS = export_commands(GUIDE)


def test_the_guide_shows_every_format() -> None:
    assert len(export_commands(README)) >= 4
    shown = {re.search(r"--format (\S+)", c).group(1) for c in COMMANDS}  # type: ignore[union-attr]
    assert shown == {"html", "html-key", "qti", "moodle", "gift", "md"}


@pytest.mark.parametrize("command", COMMANDS + export_commands(README))
def test_documented_command_runs(tmp_path: Path, command: str) -> None:
    args = shlex.split(command)[1:]
    proc = subprocess.run(
        [sys.executable, "-m", "grader", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / args[args.index("-o") + 1]
    assert out.stat().st_size > 1000


def test_documented_warnings_are_what_the_exporter_prints(tmp_path: Path) -> None:
    shown = re.findall(r"^warning[:( ].*$", GUIDE.read_text(), re.M)
    bank = str(ROOT / "tests/fixtures/banks/all-types.yaml")
    printed: list[str] = []
    for fmt in ("qti", "gift"):
        proc = subprocess.run(
            [sys.executable, "-m", "grader", "quiz", "export", bank, "--format", fmt,
             "-o", str(tmp_path / f"x.{fmt}")],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        printed += proc.stderr.splitlines()
    assert shown and all(line in printed for line in shown)
