"""A user's fresh clone has no `../shared/schemas`: the tests that validate against the
published schemas skip there, naming what is missing and GRADER_SCHEMAS, also under
CI=true; pointed at a copy, they run. Each run is pytest in a subprocess on a copy of
the repository placed where nothing is beside it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from published_schemas import schemas_dir

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_TESTS = [
    "tests/acceptance/test_quiz_grade.py::test_junit_report_validates_against_the_schema",
    "tests/unit/test_exercise_reports.py::test_junit_is_valid_against_the_jenkins_schema",
    "tests/unit/test_exercise_reports.py::test_gradescope_is_valid_against_its_schema",
    "tests/acceptance/test_export_lms.py::test_qti_validates_against_the_xsd_and_the_dtd[shipped-None]",
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("lonely") / "grader"
    junk = ("__pycache__", "*.pyc", ".git", "node_modules", ".*cache", "*.egg-info", "build")
    shutil.copytree(ROOT, where, ignore=shutil.ignore_patterns(*junk))
    assert not (where.parent / "shared").exists()
    return where


def pytest_in(clone: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("GRADER_SCHEMAS", "CI")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:randomly", "-p", "no:cacheprovider",
         "-o", "addopts=", *SCHEMA_TESTS],
        cwd=clone, env={**base, "PYTHONPATH": str(clone), **env},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize("ci", ["", "true"])
def test_without_schemas_they_skip_and_say_how_to_point_at_a_copy(clone: Path, ci: str) -> None:
    proc = pytest_in(clone, CI=ci)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert f"{len(SCHEMA_TESTS)} skipped" in out, out
    assert "OSError" not in out and "npm ci" not in out
    skips = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    assert skips, out
    for line in skips:
        assert "shared/schemas is absent" in line and "GRADER_SCHEMAS=DIR" in line, line


def test_pointed_at_a_copy_they_run(clone: Path) -> None:
    copy = schemas_dir()
    if not copy.is_dir():
        pytest.skip(f"no schemas to point at: {copy} is absent")
    proc = pytest_in(clone, CI="true", GRADER_SCHEMAS=str(copy))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and f"{len(SCHEMA_TESTS)} passed" in out, out


def test_a_wrong_copy_fails_rather_than_skips(clone: Path, tmp_path: Path) -> None:
    proc = pytest_in(clone, GRADER_SCHEMAS=str(tmp_path))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and f"GRADER_SCHEMAS={tmp_path} has no" in out, out
