"""`grader quiz check` on malformed banks: exit 2, one located line each, never a traceback.

The expectations live next to the fixtures in `tests/fixtures/banks/malformed/expected.yaml`
(file -> [line, message fragment]), so adding a fixture without saying what it must
produce fails `test_every_fixture_has_an_expectation`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from grader._yaml import MAX_FILE_BYTES
from grader.cli import main

ROOT = Path(__file__).resolve().parents[2]
MALFORMED = ROOT / "tests" / "fixtures" / "banks" / "malformed"
EXPECTED: dict[str, list[int | str | None]] = yaml.safe_load(
    (MALFORMED / "expected.yaml").read_text(encoding="utf-8")
)


def where(path: str, line: int | None) -> str:
    """The location prefix the check prints: `FILE:LINE:` or, for whole-file problems, `FILE:`."""
    return f"{path}:{line}:" if line is not None else f"{path}: "


def test_every_fixture_has_an_expectation() -> None:
    on_disk = {p.name for p in MALFORMED.glob("*.yaml")} - {"expected.yaml"}
    assert on_disk == set(EXPECTED)
    assert len(on_disk) >= 18


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_reports_one_located_line(name: str) -> None:
    line, fragment = EXPECTED[name]
    assert isinstance(fragment, str)
    path = str(MALFORMED / name)
    result = CliRunner().invoke(main, ["quiz", "check", path])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""  # problems go to stderr, nothing claims success
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(where(path, line if isinstance(line, int) else None)), lines[0]
    assert fragment in lines[0]


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    head = b"id: big\ntitle: Far too big\nquestions: []\n"
    big.write_bytes(head + b"#" * (MAX_FILE_BYTES + 1 - len(head)))
    result = CliRunner().invoke(main, ["quiz", "check", str(big)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{big}: ")
    assert f"the limit is {MAX_FILE_BYTES:,}" in lines[0]


def test_all_malformed_banks_in_one_real_process() -> None:
    """A real `python -m grader` run over every fixture lists every problem and exits 2."""
    names = sorted(EXPECTED)
    rel = [f"tests/fixtures/banks/malformed/{n}" for n in names]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader",
            "quiz",
            "check",
            *rel,
            "tests/fixtures/banks/all-types.yaml",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    problems = proc.stderr.strip().splitlines()
    assert len(problems) == len(names), proc.stderr
    for name, path in zip(names, rel, strict=True):
        line, fragment = EXPECTED[name]
        prefix = where(path, line if isinstance(line, int) else None)
        assert any(p.startswith(prefix) and str(fragment) in p for p in problems), (name, problems)
    # The one good bank in the list is still checked and reported as fine.
    assert "all-types.yaml: ok" in proc.stdout


def test_shipped_bank_checks_clean_by_name() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "quiz", "check", "vanishing-gradients"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.startswith("vanishing-gradients: ok — ")
    assert "cloze, matching, multi, numeric, ordering, single, text, true_false" in proc.stdout


def test_ok_line_counts_in_words(tmp_path: Path) -> None:
    one = tmp_path / "one.yaml"
    one.write_text(
        "id: one\ntitle: One\nquestions:\n"
        "  - {id: q, type: true_false, prompt: Sigmoid saturates., answer: true}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["quiz", "check", str(one)])
    assert result.exit_code == 0
    assert result.stdout == f"{one}: ok — 1 question, 1 point (true_false)\n"
