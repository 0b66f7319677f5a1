"""The CLI root: version, help, and the exit-code contract for bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from grader import __version__
from grader.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=60,
    )


def test_version_via_python_dash_m() -> None:
    proc = run("--version")
    assert proc.returncode == 0
    assert __version__ in proc.stdout


def test_help_lists_both_groups() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "quiz" in result.output and "exercise" in result.output


def test_unknown_bank_name_is_one_line_exit_2() -> None:
    proc = run("quiz", "check", "no-such-bank")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "no-such-bank" in lines[0] and "Traceback" not in proc.stderr


def test_missing_file_path_is_exit_2(tmp_path: Path) -> None:
    proc = run("quiz", "check", str(tmp_path / "absent.yaml"))
    assert proc.returncode == 2
    assert "no such file" in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_option_is_usage_error_exit_2() -> None:
    result = CliRunner().invoke(main, ["quiz", "check", "--bogus"])
    assert result.exit_code == 2


def test_check_valid_fixture_exit_0() -> None:
    proc = run("quiz", "check", "tests/fixtures/banks/all-types.yaml")
    assert proc.returncode == 0, proc.stderr
    assert "9 questions" in proc.stdout


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = "python -m pytest -n 2"
    assert command in readme
    assert ci.rstrip().splitlines()[-1].strip() == command


def test_quiz_path_never_imports_torch() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from grader.cli import main\n"
        "r = CliRunner().invoke(main, ['quiz', 'check', 'tests/fixtures/banks/all-types.yaml'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = sorted(m for m in ('torch', 'numpy') if m in sys.modules)\n"
        "print(','.join(heavy) or 'none')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "none"
