"""`grader exercise gradescope` builds an autograder that works as Gradescope runs it.

Gradescope's autograder specification: the zip is unpacked into /autograder/source,
run_autograder is copied to /autograder/run_autograder, the student's files are put in
/autograder/submission, setup.sh runs once (as root) and run_autograder once per
submission, with /autograder as the working directory, and it must write
/autograder/results/results.json. The tests lay that tree out under a temporary root
(GRADER_AUTOGRADER_ROOT), run setup.sh — which finds every requirement installed and
downloads nothing — and run_autograder, and check results.json against the published
Gradescope schema (../shared/schemas, or GRADER_SCHEMAS).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.published_schemas import need_schema

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = ROOT / "exercises" / "sigmoid-basics"
ENV = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}

pytestmark = pytest.mark.slow


def grader(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args],
        cwd=cwd, capture_output=True, text=True, timeout=300, env=ENV,
    )  # fmt: skip


@pytest.fixture(scope="module")
def zips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("gradescope")
    shutil.copytree(EXERCISE, work / "exercises" / "sigmoid-basics")
    built = {}
    for how in ("sealed", "include-hidden"):
        target = work / f"{how}.zip"
        proc = grader("exercise", "gradescope", "sigmoid-basics", f"--{how}", "-o", str(target),
                      cwd=work)  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert f"wrote {target}: a Gradescope autograder for sigmoid-basics" in proc.stdout
        built[how] = target
    return built


def lay_out(zip_path: Path, root: Path, submission: Path | None) -> Path:
    """The tree Gradescope builds: /autograder/{source,run_autograder,submission}."""
    autograder = root / "autograder"
    source = autograder / "source"
    source.mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(source)
        for info in zf.infolist():  # zipfile drops permission bits: put them back
            mode = info.external_attr >> 16 & 0o777
            if mode:
                (source / info.filename).chmod(mode)
    shutil.copy2(source / "run_autograder", autograder / "run_autograder")
    (autograder / "submission").mkdir()
    if submission is not None:
        shutil.copyfile(submission, autograder / "submission" / "sigmoid.py")
    return autograder


def run(script: Path, root: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    # No PYTHONPATH: the autograder must grade with the grader in its own zip.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GRADER_SEAL_KEY")}
    env |= {"GRADER_AUTOGRADER_ROOT": str(root), "GRADER_PYTHON": sys.executable, **extra}
    return subprocess.run(
        [str(script)], cwd=root / "autograder", env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip


def results_of(root: Path) -> dict[str, object]:
    import jsonschema

    data: dict[str, object] = json.loads(
        (root / "autograder" / "results" / "results.json").read_text()
    )
    schema = json.loads(need_schema("gradescope/results.schema.json").read_text())
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    return data


WRONG = EXERCISE / "wrong" / "unstable.py"


@pytest.fixture(scope="module")
def direct_score(tmp_path_factory: pytest.TempPathFactory) -> float:
    """WRONG graded by `grader exercise grade` with the instructor's copy."""
    work = tmp_path_factory.mktemp("direct")
    out = work / "direct.json"
    proc = grader("exercise", "grade", str(EXERCISE), str(WRONG), "--format", "json",
                  "-o", str(out), cwd=work)  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    return float(json.loads(out.read_text())["score"])


def test_the_sealed_zip_holds_no_hidden_test_in_the_clear(zips: dict[str, Path]) -> None:
    with zipfile.ZipFile(zips["sealed"]) as zf:
        names = zf.namelist()
        blobs = [zf.read(n) for n in names]
    assert {"setup.sh", "run_autograder", "requirements.txt"} <= set(names)
    assert "sigmoid-basics.sealed" in names and "seal.key" in names
    assert "lib/grader/cli.py" in names and "lib/grader/__main__.py" in names
    assert not [n for n in names if "/tests/hidden/" in n or "/solution/" in n or "/wrong/" in n]
    secret = (EXERCISE / "tests" / "hidden" / "test_sigmoid_hidden.py").read_text()
    lines = [line.strip() for line in secret.splitlines() if len(line.strip()) > 30]
    assert lines
    assert not any(line.encode() in blob for blob in blobs for line in lines)
    requirements = zipfile.ZipFile(zips["sealed"]).read("requirements.txt").decode().split()
    assert any(r.startswith("torch==") for r in requirements)
    assert all("+" not in r for r in requirements)


def test_the_included_zip_has_the_instructors_folder(zips: dict[str, Path]) -> None:
    names = zipfile.ZipFile(zips["include-hidden"]).namelist()
    assert "sigmoid-basics/tests/hidden/test_sigmoid_hidden.py" in names
    assert "sigmoid-basics/solution/sigmoid.py" in names
    assert not [n for n in names if "/wrong/" in n or n.endswith(".sealed") or n == "seal.key"]
    text = zipfile.ZipFile(zips["include-hidden"]).read("run_autograder").decode()
    assert "--require-isolation namespaces" in text  # the solution is a file in the container


@pytest.mark.parametrize("how", ["sealed", "include-hidden"])
def test_setup_and_run_autograder_grade_a_submission(
    how: str, zips: dict[str, Path], direct_score: float, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    autograder = lay_out(zips[how], root, WRONG)
    setup = run(autograder / "source" / "setup.sh", root)
    assert setup.returncode == 0, setup.stderr
    assert "nothing to download" in setup.stdout
    graded = run(autograder / "run_autograder", root)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    data = results_of(root)
    assert data["score"] == direct_score
    tests = data["tests"]
    assert isinstance(tests, list) and len(tests) == 8
    assert {t["visibility"] for t in tests} >= {"visible", "hidden"}
    assert any(t["status"] == "failed" for t in tests)
    if how == "sealed":
        assert not (autograder / "source" / "seal.key").exists()  # gone before grading


def test_a_submission_without_the_entry_file_still_gets_a_result(
    zips: dict[str, Path], tmp_path: Path
) -> None:
    root = tmp_path / "root"
    autograder = lay_out(zips["sealed"], root, None)
    (autograder / "submission" / "notes.txt").write_text("I forgot the code")
    graded = run(autograder / "run_autograder", root)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    data = results_of(root)
    assert data["score"] == 0.0
    assert "Could not grade the submission" in str(data["output"])
    assert "sigmoid.py" in str(data["output"])


def test_the_reference_solution_scores_full_marks(zips: dict[str, Path], tmp_path: Path) -> None:
    root = tmp_path / "root"
    autograder = lay_out(zips["include-hidden"], root, EXERCISE / "solution" / "sigmoid.py")
    graded = run(autograder / "run_autograder", root)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    data = results_of(root)
    assert data["score"] == 12.0
    assert all(t["status"] == "passed" for t in data["tests"])  # type: ignore[attr-defined]


def test_setup_names_what_is_missing(zips: dict[str, Path], tmp_path: Path) -> None:
    root = tmp_path / "root"
    autograder = lay_out(zips["sealed"], root, None)
    with (autograder / "source" / "requirements.txt").open("a") as out:
        out.write("torch==0.0.1\n")
    check = run(autograder / "source" / "setup.sh", root, GRADER_SETUP_CHECK_ONLY="1")
    assert check.returncode == 1
    assert "torch==0.0.1 (installed: " in check.stdout
    assert "not installing" in check.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sealed", "--include-hidden"], "choose one of --sealed and --include-hidden"),
        (["--exercise-is-student-copy"], "is a student copy"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    name = "sigmoid-basics"
    if args == ["--exercise-is-student-copy"]:
        proc = grader("exercise", "release", str(EXERCISE), "-o", "student", cwd=tmp_path)
        assert proc.returncode == 0
        name, args = "student/sigmoid-basics", []
    proc = grader("exercise", "gradescope", name, *args, "-o", "ag.zip", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "ag.zip").exists()
