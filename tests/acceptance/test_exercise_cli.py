"""`grader exercise ...` end to end: real CLI, real jail, real torch."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from borrowing_venv import borrowing_venv

from grader.exercise.load import load_exercise
from grader.runner.judge import Grader

REPO = Path(__file__).resolve().parents[2]
EXERCISE = REPO / "exercises" / "sigmoid-basics"
SOLUTION = EXERCISE / "solution" / "sigmoid.py"
WRONG = EXERCISE / "wrong"


def grader_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def _folder(tmp_path: Path, source: Path) -> Path:
    folder = tmp_path / source.stem
    folder.mkdir()
    shutil.copyfile(source, folder / "sigmoid.py")
    return folder


# -- grading through the CLI and at each isolation level ------------------------------------


def test_reference_solution_scores_full_marks(tmp_path: Path) -> None:
    proc = grader_cli(
        "exercise", "grade", "sigmoid-basics", str(SOLUTION), "--format", "json", "--student", "ref"
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["score"] == data["max_score"] == 12
    assert data["status"] == "passed" and data["student"] == "ref"
    assert data["isolation"] in ("namespaces", "uid", "rlimits", "none")
    assert len(data["tests"]) == 8 and all(t["status"] == "passed" for t in data["tests"])


# The exercise's own proof (starter, wrong solutions, alternatives) is in
# tests/exercises/test_sigmoid_basics.py.


@pytest.mark.parametrize("level", ["uid", "rlimits"])
def test_lower_isolation_levels_grade_the_same_and_say_so(tmp_path: Path, level: str) -> None:
    if os.geteuid() != 0 and level == "uid":
        pytest.skip("the uid level needs root")
    with Grader(load_exercise(EXERCISE), max_level=level) as grader:
        result = grader.grade(_folder(tmp_path, WRONG / "unstable.py"))
    assert result.isolation == level and result.score == 9.0


# -- commands ------------------------------------------------------------------------------


def test_check_runs_public_tests_only_and_never_claims_a_grade(tmp_path: Path) -> None:
    work = tmp_path / "mine"
    work.mkdir()
    shutil.copyfile(SOLUTION, work / "sigmoid.py")
    proc = grader_cli("exercise", "check", "sigmoid-basics", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "All 3 public tests passed. This is not your grade: 5 more tests run" in proc.stdout
    assert "reference" not in proc.stdout


def test_release_ships_no_solution_and_no_hidden_tests(tmp_path: Path) -> None:
    proc = grader_cli("exercise", "release", "sigmoid-basics", "-o", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    files = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert files == [
        "sigmoid-basics/README.md",
        "sigmoid-basics/exercise.yaml",
        "sigmoid-basics/starter/sigmoid.py",
        "sigmoid-basics/tests/public/test_sigmoid.py",
    ]
    # The released copy is itself a working exercise for `check`.
    released = tmp_path / "sigmoid-basics"
    assert load_exercise(released).id == "sigmoid-basics"
    again = grader_cli("exercise", "release", "sigmoid-basics", "-o", str(tmp_path))
    assert (
        again.returncode == 2
        and again.stderr.startswith("error:")
        and "Traceback" not in again.stderr
    )


def test_list_shows_title_points_topics_and_grading_time() -> None:
    proc = grader_cli("exercise", "list")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    at = lines.index("sigmoid-basics  " + load_exercise(EXERCISE).title)
    assert lines[at + 1].startswith("    12 points | topics: activations, chain-rule, fundamentals")
    assert "| grades in ~0.1 s (limit 15 s) | sigmoid.py" in lines[at + 1]


def test_grade_writes_every_format_from_a_zip(tmp_path: Path) -> None:
    archive = tmp_path / "alice.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(WRONG / "unstable.py", "alice/sigmoid.py")
    out = tmp_path / "report.xml"
    proc = grader_cli(
        "exercise", "grade", "sigmoid-basics", str(archive), "--format", "junit", "-o", str(out)
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == "" and out.read_text().startswith('<?xml version="1.0"')
    assert 'failures="2"' in out.read_text()


def test_grade_all_writes_one_report_per_student(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copyfile(SOLUTION, subs / "alice.py")
    shutil.copyfile(WRONG / "unstable.py", subs / "bob.py")
    shutil.copyfile(WRONG / "wrong_derivative.py", subs / "dave.py")
    (subs / "carol.txt").write_text("not code")
    out = tmp_path / "out"
    proc = grader_cli(
        "exercise", "grade-all", "sigmoid-basics", str(subs), "--out", str(out), "--jobs", "2"
    )
    assert proc.returncode == 1, proc.stderr
    assert "carol.txt: a submission is a .py file, a folder or a .zip" in proc.stdout
    reports = {p.stem: json.loads(p.read_text()) for p in out.glob("[!.]*.json")}
    assert {s: r["score"] for s, r in reports.items()} == {
        "alice": 12,
        "bob": 9,
        "carol": 0,
        "dave": 6,
    }
    assert reports["carol"]["status"] == "error"


@pytest.mark.parametrize(
    "args, message",
    [
        (["grade", "sigmoid-basics", "nope.py"], "nope.py: no such file or folder"),
        (["grade", "no-such-exercise", "x.py"], "no exercise folder or shipped exercise named"),
        (["grade", "sigmoid-basics", "x.py", "--format", "pdf"], "Invalid value for '--format'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    proc = grader_cli("exercise", *args)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_a_broken_exercise_yaml_is_located(tmp_path: Path) -> None:
    broken = tmp_path / "ex"
    shutil.copytree(EXERCISE, broken)
    (broken / "exercise.yaml").write_text(
        "id: sigmoid-basics\ntitle: t\nentry: sigmoid.py\npoints: 12\nlimits: {time: 2}\n"
    )
    proc = grader_cli("exercise", "grade", str(broken), str(SOLUTION))
    assert proc.returncode == 2
    assert f"{broken}/exercise.yaml:5:" in proc.stderr and "limits.time: unknown key" in proc.stderr


def test_require_isolation_refuses_to_grade_below_the_level() -> None:
    proc = grader_cli(
        "exercise",
        "grade",
        "sigmoid-basics",
        str(SOLUTION),
        "--require-isolation",
        "namespaces",
        env={"GRADER_MAX_ISOLATION": "rlimits"},
    )
    assert proc.returncode == 2
    assert "isolation level 'rlimits' is below the required 'namespaces'" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(os.geteuid() != 0, reason="the namespaces level needs root here")
def test_require_isolation_grades_when_the_level_is_reached() -> None:
    proc = grader_cli(
        "exercise",
        "grade",
        "sigmoid-basics",
        str(SOLUTION),
        "--format",
        "json",
        "--require-isolation",
        "namespaces",
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["isolation"] == "namespaces"


def test_check_watch_reruns_on_save(tmp_path: Path) -> None:
    target = tmp_path / "sigmoid.py"
    shutil.copyfile(WRONG / "wrong_derivative.py", target)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "grader",
            "exercise",
            "check",
            "sigmoid-basics",
            str(target),
            "--watch",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    seen = b""
    saved = False
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and b"All 3 public tests passed" not in seen:
            ready, _, _ = select.select([proc.stdout], [], [], 0.5)
            if ready:
                seen += proc.stdout.read() or b""
            if not saved and b"watching" in seen:
                time.sleep(0.5)  # a save a moment later, as a person would make it
                shutil.copyfile(SOLUTION, target)
                saved = True
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    text = seen.decode()
    assert "2 of 3 public tests passed." in text
    assert "change detected" in text and "All 3 public tests passed" in text


def test_check_and_grade_work_from_an_installed_wheel(tmp_path: Path) -> None:
    """Installed (not editable), grader lives in site-packages, which the jail's root shows:
    its own folder must be covered up there without breaking the jail. The venv sits under
    /tmp, which the jail replaces with a private one: the binds must still show it."""
    # Built from a copy: a build writes build/ and *.egg-info next to its sources.
    src = tmp_path / "src"
    for name in ("grader", "quizzes", "templates", "exercises"):
        shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, src / name)
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(wheels), str(src)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    venv = tmp_path / "venv"
    # Sees this interpreter's packages, venv or not (see tests/borrowing_venv.py); the
    # checkout stays out of reach: no PYTHONPATH in any command below.
    python = borrowing_venv(venv)
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    wheel = [str(w) for w in wheels.glob("*.whl")]
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", *wheel],
        check=True,
        timeout=300,
        env={**clean, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    work = tmp_path / "work"
    work.mkdir()
    shutil.copyfile(SOLUTION, work / "sigmoid.py")
    where = subprocess.run(
        [str(python), "-c", "import grader; print(grader.__file__)"],
        capture_output=True, text=True, cwd=work, check=True, env=clean,
    )  # fmt: skip
    assert where.stdout.startswith(str(venv))
    check = subprocess.run(
        [str(venv / "bin" / "grader"), "exercise", "check", "sigmoid-basics"],
        capture_output=True, text=True, cwd=work, timeout=120, env=clean,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr
    assert "All 3 public tests passed" in check.stdout
    grade = subprocess.run(
        [str(venv / "bin" / "grader"), "exercise", "grade", "sigmoid-basics", "sigmoid.py"],
        capture_output=True, text=True, cwd=work, timeout=120, env=clean,
    )  # fmt: skip
    assert grade.returncode == 2 and "is a student copy" in grade.stderr
