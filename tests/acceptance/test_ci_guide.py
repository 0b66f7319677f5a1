"""docs/ci-guide.md is executed, so it cannot rot.

- Each ```console block is one session: its `$ grader ...` commands run one after the
  other, as real processes, in a fresh course repository (`exercises/sigmoid-basics/`,
  a wrong `submission/sigmoid.py`, `submissions/` of two students, and an `answers.yaml`
  with alice's right answers to the shipped quiz), with `GRADER_SEAL_KEY` set. A
  `[exit N]` line gives a command's exit code (default 0); every other line must appear
  in its output, in that order.
- Each ```yaml block that starts `# Written by `grader ci init ...`` must be exactly what
  that command writes, and it works: a GitHub workflow's steps, a GitLab job's script, run
  on a student repository made as the guide says (see test_ci_workflows.py).
- Each ```sh block runs as a bash script in a session where the console blocks before it
  ran (the Gradescope trial, on the autograder the guide builds).
- The same console sessions and the README's exercise commands also run through grader
  installed from a wheel into a venv: what the docs say works after a plain `pip install .`.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.acceptance.test_ci_workflows import (
    EXERCISE,
    SEAL_KEY,
    actionlint,
    check_jsonschema,
    classroom,
    run_steps,
)

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "ci-guide.md"
HEADER = re.compile(r"# Written by `(grader ci init [^`]*)`")
ENV = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), "GRADER_SEAL_KEY": SEAL_KEY}


def blocks(path: Path) -> list[tuple[str, str, int]]:
    text = path.read_text(encoding="utf-8")
    return [
        (m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1)
        for m in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.S | re.M)
    ]


Step = tuple[str, list[str], int]  # command, expected lines, expected exit code


def session(body: str) -> list[Step]:
    steps: list[Step] = []
    for text in body.splitlines():
        if text.startswith("$ "):
            steps.append((text[2:], [], 0))
        elif m := re.fullmatch(r"\[exit (\d)\]", text):
            command, expected, _ = steps[-1]
            steps[-1] = (command, expected, int(m.group(1)))
        else:
            steps[-1][1].append(text)
    return steps


CONSOLE = [(body, line) for lang, body, line in blocks(GUIDE) if lang == "console"]


def answers_for_alice() -> str:
    """alice's right answers to the shipped quiz (her variant of its drawn numbers)."""
    from grader.bank import load_bank
    from grader.bank.variants import bank_for_student
    from grader.quiz.answers import dump_answers
    from grader.resources import resolve_bank

    bank, variant = bank_for_student(load_bank(resolve_bank("vanishing-gradients")), "alice")
    key = {q.id: q.parse_response(q.key()) for q in bank.questions}
    return dump_answers("vanishing-gradients", list(key), key, student="alice", variant=variant)


def course(tmp_path: Path) -> Path:
    work = tmp_path / "course"
    shutil.copytree(EXERCISE, work / "exercises" / "sigmoid-basics")
    (work / "submission").mkdir()
    shutil.copyfile(EXERCISE / "wrong" / "unstable.py", work / "submission" / "sigmoid.py")
    (work / "submissions").mkdir()
    shutil.copyfile(EXERCISE / "solution" / "sigmoid.py", work / "submissions" / "alice.py")
    shutil.copyfile(EXERCISE / "wrong" / "unstable.py", work / "submissions" / "bob.py")
    (work / "answers.yaml").write_text(answers_for_alice(), encoding="utf-8")
    return work


def run_session(
    steps: list[Step], work: Path, grader: list[str], env: dict[str, str], where: str
) -> None:
    for command, expected, code in steps:
        args = shlex.split(command)
        assert args[0] == "grader", f"{where}: only grader commands are run"
        proc = subprocess.run(
            [*grader, *args[1:]], cwd=work, capture_output=True, text=True, timeout=300, env=env
        )
        assert proc.returncode == code, f"{where}: {command}\n{proc.stdout}{proc.stderr}"
        assert "Traceback" not in proc.stderr
        output = (proc.stdout + proc.stderr).splitlines()
        position = 0
        for text in expected:
            assert text in output[position:], f"{where}: {command}: {text!r} not in {output!r}"
            position = output.index(text, position) + 1
        if "-o" in args:
            assert (work / args[args.index("-o") + 1]).exists(), f"{where}: {command}"


@pytest.mark.parametrize(("body", "line"), CONSOLE, ids=[f"ci-guide.md:{n}" for _, n in CONSOLE])
def test_console_session(body: str, line: int, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "grader"]
    run_session(session(body), course(tmp_path), command, ENV, f"docs/ci-guide.md:{line}")


def test_the_guide_has_what_it_promises() -> None:
    commands = [c for body, _ in CONSOLE for c, _, _ in session(body)]
    for wanted in ("grader ci init --provider github", "grader ci init --provider gitlab",
                   "grader exercise gradescope", "grader ci report", "grader exercise seal ",
                   "grader quiz grade"):  # fmt: skip
        assert any(c.startswith(wanted) for c in commands), wanted
    kinds = {lang for lang, _, _ in blocks(GUIDE)}
    assert {"console", "yaml", "sh"} <= kinds


# -- the workflows it shows -------------------------------------------------------------

WORKFLOWS = [(body, line) for lang, body, line in blocks(GUIDE) if lang == "yaml"]


def test_every_yaml_block_is_a_written_workflow() -> None:
    assert len(WORKFLOWS) == 2
    for body, line in WORKFLOWS:
        assert HEADER.match(body), f"docs/ci-guide.md:{line}: not written by grader ci init"


@pytest.mark.parametrize(
    ("body", "line"), WORKFLOWS, ids=[f"ci-guide.md:{n}" for _, n in WORKFLOWS]
)
def test_a_shown_workflow_is_what_ci_init_writes(body: str, line: int, tmp_path: Path) -> None:
    match = HEADER.match(body)
    assert match
    args = shlex.split(match.group(1))
    work = course(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "grader", *args[1:], "-o", "written.yml"],
        cwd=work, capture_output=True, text=True, timeout=120, env=ENV,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (work / "written.yml").read_text() == body, f"docs/ci-guide.md:{line} is stale"


def shown(provider: str) -> tuple[str, dict[str, object]]:
    for body, _ in WORKFLOWS:
        if f"--provider {provider}" in body.splitlines()[0]:
            return body, yaml.safe_load(body)
    raise AssertionError(f"no {provider} workflow in the guide")


@pytest.mark.slow
def test_the_shown_github_workflow_works(tmp_path: Path) -> None:
    text, flow = shown("github")
    (tmp_path / "grade.yml").write_text(text)
    assert actionlint(tmp_path / "grade.yml") == []
    assert check_jsonschema("vendor.github-workflows", tmp_path / "grade.yml").returncode == 0
    student, env = classroom(tmp_path, EXERCISE / "wrong" / "unstable.py", answers_for_alice())
    steps = flow["jobs"]["grade"]["steps"]  # type: ignore[index]
    codes = run_steps(steps, student, env)
    logs = [(student / f"step-{i}.log").read_text() for i in range(len(codes))]
    assert codes == [0, 1, 0, 0], logs  # the exercise is below full marks, the quiz is not
    assert "sigmoid-basics: 9/12 failed (octo-student)" in logs[1]
    assert "vanishing-gradients: 51/51 passed (alice)" in logs[3]
    assert "::error file=sigmoid-basics/sigmoid.py," in logs[1]
    summary = (tmp_path / "summary.md").read_text()
    assert "6 of 8 tests passed" in summary and "50 of 50 questions passed" in summary


@pytest.mark.slow
def test_the_shown_gitlab_job_works(tmp_path: Path) -> None:
    text, job = shown("gitlab")
    (tmp_path / ".gitlab-ci.yml").write_text(text)
    assert check_jsonschema("vendor.gitlab-ci", tmp_path / ".gitlab-ci.yml").returncode == 0
    student, env = classroom(tmp_path, EXERCISE / "solution" / "sigmoid.py", "{}\n")
    script = [s for s in job["grade"]["script"] if "pip install" not in s]  # type: ignore[index]
    proc = subprocess.run(
        ["bash", "-e", "-c", "\n".join(script)], cwd=student, env=env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "sigmoid-basics: 12/12 passed (octo-student)" in proc.stdout
    assert (student / "grader-results/junit/sigmoid-basics.xml").is_file()


# -- the Gradescope trial -----------------------------------------------------------------


@pytest.mark.slow
def test_the_gradescope_trial_runs(tmp_path: Path) -> None:
    import json

    [(body, line)] = [(b, n) for lang, b, n in blocks(GUIDE) if lang == "sh"]
    before = [(b, n) for b, n in CONSOLE if n < line and "grader exercise gradescope" in b]
    work = course(tmp_path)
    run_session(session(before[-1][0]), work, [sys.executable, "-m", "grader"], ENV, "trial")
    env = {k: v for k, v in ENV.items() if k not in ("PYTHONPATH", "GRADER_SEAL_KEY")}
    proc = subprocess.run(
        ["bash", "-e", "-c", body], cwd=work, env={**env, "GRADER_PYTHON": sys.executable},
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, f"docs/ci-guide.md:{line}\n{proc.stdout}{proc.stderr}"
    assert "nothing to download" in proc.stdout
    result = json.loads((work / "gs/autograder/results/results.json").read_text())
    assert result["score"] == 9.0 and len(result["tests"]) == 8


# -- after a plain `pip install .` ----------------------------------------------------------


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """grader from a wheel in a venv (torch and the rest borrowed from this interpreter)."""
    from borrowing_venv import borrowing_venv

    from tests.acceptance.test_install import build_wheel, run

    work = tmp_path_factory.mktemp("installed")
    wheel = build_wheel(work)
    venv = work / "venv"
    python = borrowing_venv(venv)
    done = run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", str(wheel)],
        cwd=work, PIP_DISABLE_PIP_VERSION_CHECK="1",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    where = run([str(python), "-c", "import grader; print(grader.__file__)"], cwd=work)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout  # not the checkout
    return venv / "bin" / "grader"


def installed_env(grader: Path) -> dict[str, str]:
    env = {k: v for k, v in ENV.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return {**env, "PATH": f"{grader.parent}:{env['PATH']}"}


@pytest.mark.slow
def test_the_guide_works_after_a_plain_install(installed: Path, tmp_path: Path) -> None:
    for i, (body, line) in enumerate(CONSOLE):
        work = course(tmp_path / str(i))
        run_session(session(body), work, [str(installed)], installed_env(installed),
                    f"installed: docs/ci-guide.md:{line}")  # fmt: skip


def readme_commands() -> list[str]:
    from tests.acceptance.test_exercise_docs import readme_console_commands

    return [c for c in readme_console_commands() if c.startswith("grader exercise ")]


@pytest.mark.slow
def test_the_readme_exercise_commands_work_after_a_plain_install(
    installed: Path, tmp_path: Path
) -> None:
    commands = readme_commands()
    assert len(commands) >= 3
    work = course(tmp_path)
    shutil.copyfile(EXERCISE / "solution" / "sigmoid.py", work / "sigmoid.py")
    shutil.make_archive(str(work / "submission"), "zip", work / "submission")
    for command in commands:
        args = shlex.split(command)
        proc = subprocess.run(
            [str(installed), *args[1:]], cwd=work, capture_output=True, text=True,
            timeout=300, env=installed_env(installed),
        )  # fmt: skip
        assert proc.returncode in (0, 1), f"{command}\n{proc.stderr}"
        assert "Traceback" not in proc.stderr
