"""Things that go wrong around grader, not in it: the CLI must not call them a bug."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_reader_that_stops_reading_ends_quietly(tmp_path: Path) -> None:
    """`grader quiz take ... | head -3`: the pipe closes while grader still writes."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader", "quiz", "take", "vanishing-gradients",
         "--student", "piped", "--seed", "1", "--no-color"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        cwd=tmp_path, env={**os.environ, "GRADER_DATA_DIR": str(tmp_path / "data")},
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the first question is written: every write hits EPIPE
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "bug" not in err and "BrokenPipe" not in err and "Traceback" not in err, err


def test_the_shell_pipe_to_head_too() -> None:
    command = f"'{sys.executable}' -m grader quiz export vanishing-gradients --format md -o -"
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{command} | head -3"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# ") and len(proc.stdout.splitlines()) == 3
    assert proc.stderr == ""


def test_a_missing_dependency_is_named_with_how_to_install_it() -> None:
    # markdown-it made unimportable, as in an environment that lacks it.
    code = (
        "import sys; sys.modules['markdown_it'] = None\n"
        "from grader.cli import main\n"
        "sys.argv = ['grader', 'quiz', 'check', 'vanishing-gradients']\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 2, proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith("error: the Python package 'markdown-it-py' is not installed")
    assert "python -m pip install markdown-it-py" in line and "bug" not in line


def test_a_missing_module_of_grader_itself_is_still_a_bug() -> None:
    code = (
        "import sys; sys.modules['grader.bank.loader'] = None\n"
        "from grader.cli import main\n"
        "sys.argv = ['grader', 'quiz', 'check', 'vanishing-gradients']\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 3 and "bug in grader" in proc.stderr, proc.stderr
