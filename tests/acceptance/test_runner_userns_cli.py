"""`--require-isolation userns` end to end through the CLI (the level a grader without root
gets where the kernel allows unprivileged user namespaces)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOLUTION = REPO / "exercises" / "sigmoid-basics" / "solution" / "sigmoid.py"


def grade(*args: str, level: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "grader",
            "exercise",
            "grade",
            "sigmoid-basics",
            str(SOLUTION),
            *args,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "GRADER_MAX_ISOLATION": level},
        timeout=120,
    )


@pytest.mark.skipif(sys.platform != "linux", reason="user namespaces are Linux only")
def test_require_isolation_userns_grades_at_that_level() -> None:
    proc = grade("--format", "json", "--require-isolation", "userns", level="userns")
    if proc.returncode == 2 and "below the required 'userns'" in proc.stderr:
        pytest.skip("this machine refuses unprivileged user namespaces")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["isolation"] == "userns" and data["score"] == data["max_score"]


def test_require_isolation_userns_refuses_below_it() -> None:
    proc = grade("--require-isolation", "userns", level="uid")
    assert proc.returncode == 2
    assert "isolation level 'uid' is below the required 'userns'" in proc.stderr
    assert "levels from weakest: none, rlimits, uid, userns, namespaces" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
