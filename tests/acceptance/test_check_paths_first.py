"""A missing submission file is reported before the judge starts (no torch import)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("command", ["check", "grade"])
def test_a_missing_file_is_one_line_exit_2_without_loading_torch(
    command: str, tmp_path: Path
) -> None:
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['grader', 'exercise', sys.argv[1], 'sigmoid-basics', 'nope.py']\n"
        "try:\n"
        "    runpy.run_module('grader', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    print('torch loaded:', 'torch' in sys.modules, file=sys.stderr)\n"
        "    raise\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, command],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("error: nope.py: no such file or folder"), lines
    assert "cp " in lines[0] and "starter/sigmoid.py" in lines[0]
    assert lines[-1] == "torch loaded: False"
