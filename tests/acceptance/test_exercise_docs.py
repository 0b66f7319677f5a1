"""docs/authoring-exercises.md and docs/batch-grading.md are executed, so they cannot rot
(docs/ci-guide.md is, by tests/acceptance/test_ci_guide.py).

- a ```console block holds `$ grader ...` commands, run (as a real process) in a folder
  holding a copy of sigmoid-basics, `submission/sigmoid.py` (a wrong solution) and
  `submissions/` (two students); a command that names `student/` also gets the released
  student copy there, with the reference solution as its `sigmoid.py`, so that the guide
  shows what a student really gets. A `[exit N]` line gives the expected exit code (default 0);
  every other line must appear in the command's output, in that order.
- the ```yaml block `# exercise.yaml` must load as an exercise;
- the ```python block `# tests/hidden/test_example.py` must pass on the reference solution;
- a command with `--sealed FILE` runs where the exercise was sealed into FILE and only the
  student copy is left, as in a student repository (key: ``SEAL_KEY``);
- the README's `grader exercise` commands run.
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

from grader.exercise.load import load_exercise
from grader.runner.judge import Grader

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = ROOT / "exercises" / "sigmoid-basics"
DOCS = [ROOT / "docs" / "authoring-exercises.md", ROOT / "docs" / "batch-grading.md"]


def blocks(path: Path) -> list[tuple[str, str, int]]:
    text = path.read_text(encoding="utf-8")
    return [
        (m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1)
        for m in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.S | re.M)
    ]


def transcripts() -> list[tuple[str, str, list[str], int]]:
    out = []
    for doc in DOCS:
        for lang, body, line in blocks(doc):
            if lang != "console":
                continue
            command: str | None = None
            expected: list[str] = []
            for text in body.splitlines():
                if text.startswith("$ "):
                    if command:
                        out.append((doc.name, command, expected, line))
                    command, expected = text[2:], []
                else:
                    expected.append(text)
            if command:
                out.append((doc.name, command, expected, line))
    return out


TRANSCRIPTS = transcripts()


# A fixed test key: the docs' sealing commands read it from the environment.
SEAL_KEY = "Z3JhZGVyLWRvY3MtdGVzdC1rZXktMzItYnl0ZXMhIT8="
ENV = {**os.environ, "NO_COLOR": "1", "GRADER_SEAL_KEY": SEAL_KEY}


def _seal_for(work: Path, args: list[str]) -> None:
    """For a `--sealed FILE` command: seal the exercise into FILE, then leave only the
    student copy in the workspace, as a student repository holds."""
    if "--sealed" not in args:
        return
    target = args[args.index("--sealed") + 1]
    for step in (
        ["seal", "sigmoid-basics", "-o", target],
        ["release", str(EXERCISE), "-o", "released"],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "grader", "exercise", *step],
            cwd=work,
            capture_output=True,
            text=True,
            env=ENV,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
    shutil.rmtree(work / "sigmoid-basics")
    (work / "released" / "sigmoid-basics").rename(work / "sigmoid-basics")
    assert not (work / "sigmoid-basics" / "tests" / "hidden").exists()


def _student_copy(work: Path) -> None:
    released = subprocess.run(
        [sys.executable, "-m", "grader", "exercise", "release", "sigmoid-basics", "-o", "student"],
        cwd=work, capture_output=True, text=True, env=ENV, timeout=120,
    )  # fmt: skip
    assert released.returncode == 0, released.stderr
    copy = work / "student" / "sigmoid-basics"
    assert not (copy / "tests" / "hidden").exists()
    shutil.copyfile(EXERCISE / "solution" / "sigmoid.py", copy / "sigmoid.py")


def _workspace(tmp_path: Path) -> Path:
    shutil.copytree(EXERCISE, tmp_path / "sigmoid-basics")
    # The authoring guide's worked example.
    shutil.copytree(ROOT / "exercises" / "sigmoid-chain", tmp_path / "sigmoid-chain")
    (tmp_path / "submission").mkdir()
    shutil.copyfile(EXERCISE / "wrong" / "unstable.py", tmp_path / "submission" / "sigmoid.py")
    (tmp_path / "submissions").mkdir()
    shutil.copyfile(EXERCISE / "solution" / "sigmoid.py", tmp_path / "submissions" / "alice.py")
    shutil.copyfile(EXERCISE / "wrong" / "unstable.py", tmp_path / "submissions" / "bob.py")
    return tmp_path


@pytest.mark.parametrize(
    ("doc", "command", "expected", "line"),
    TRANSCRIPTS,
    ids=[f"{d}:{n}:{c.split()[2]}" for d, c, _, n in TRANSCRIPTS],
)
def test_console_transcript(
    doc: str, command: str, expected: list[str], line: int, tmp_path: Path
) -> None:
    args = shlex.split(command)
    assert args[0] == "grader", f"docs/{doc}:{line}: only grader commands are run"
    work = _workspace(tmp_path)
    _seal_for(work, args)
    if any(a.startswith("student/") for a in args):
        _student_copy(work)
    proc = subprocess.run(
        [sys.executable, "-m", "grader", *args[1:]],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
    )
    code = 0
    wanted = []
    for text in expected:
        if m := re.fullmatch(r"\[exit (\d)\]", text):
            code = int(m.group(1))
        else:
            wanted.append(text)
    output = (proc.stdout + proc.stderr).splitlines()
    assert proc.returncode == code, f"docs/{doc}:{line}: {proc.stderr}"
    assert "Traceback" not in proc.stderr
    position = 0
    for text in wanted:
        assert text in output[position:], f"docs/{doc}:{line}: {text!r} not in {output!r}"
        position = output.index(text, position) + 1
    if "-o" in args:
        assert (work / args[args.index("-o") + 1]).exists()


def test_the_docs_have_transcripts() -> None:
    assert len([t for t in TRANSCRIPTS if t[0] == "authoring-exercises.md"]) >= 3


def _block(start: str) -> str:
    found = [body for lang, body, _ in blocks(DOCS[0]) if body.startswith(start)]
    assert len(found) == 1, start
    return found[0]


def test_the_exercise_yaml_example_loads(tmp_path: Path) -> None:
    folder = _workspace(tmp_path) / "sigmoid-basics"
    (folder / "exercise.yaml").write_text(_block("# exercise.yaml"))
    ex = load_exercise(folder)
    assert ex.points == 12 and ex.tests["test_chain_derivative"].visibility == "after_published"


def test_the_test_file_example_passes_on_the_reference(tmp_path: Path) -> None:
    folder = _workspace(tmp_path) / "sigmoid-basics"
    (folder / "tests" / "hidden" / "test_example.py").write_text(
        _block("# tests/hidden/test_example.py")
    )
    text = (folder / "exercise.yaml").read_text().replace("points: 12\n", "")
    (folder / "exercise.yaml").write_text(text)
    submission = tmp_path / "ref"
    submission.mkdir()
    shutil.copyfile(folder / "solution" / "sigmoid.py", submission / "sigmoid.py")
    with Grader(load_exercise(folder)) as grader:
        result = grader.grade(submission)
    examples = {
        t.id: t
        for t in result.tests
        if t.id and "example" not in t.id and t.id.startswith("hidden::test_")
    }
    assert result.status == "passed", [
        (t.id, t.message) for t in result.tests if t.status != "passed"
    ]
    assert {
        "hidden::test_sigmoid_matches_reference_on_a_grid",
        "hidden::test_derivative_peaks_at_zero",
    } <= set(examples)
    assert examples["hidden::test_derivative_peaks_at_zero"].attachments


def readme_console_commands() -> list[str]:
    """Every command of the README's ```console blocks, comments cut, a watcher made one
    run (``--watch`` dropped)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [
        line.split("#", 1)[0].strip().replace(" --watch", "")
        for block in re.findall(r"```console\n(.*?)```", text, re.S)
        for line in block.splitlines()
    ]


def readme_exercise_commands() -> list[str]:
    return [
        c
        for c in readme_console_commands()
        if (c.startswith("grader exercise ") and " grade" in c)
        or c.startswith("grader exercise check")
    ]


@pytest.mark.parametrize("command", readme_exercise_commands())
def test_readme_exercise_commands_run(command: str, tmp_path: Path) -> None:
    work = _workspace(tmp_path)
    shutil.copyfile(EXERCISE / "solution" / "sigmoid.py", work / "sigmoid.py")
    shutil.make_archive(str(work / "submission"), "zip", work / "submission")
    args = shlex.split(command)
    proc = subprocess.run(
        [sys.executable, "-m", "grader", *args[1:]],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    if "-o" in args:
        assert (work / args[args.index("-o") + 1]).is_file()


def test_the_readme_shows_exercise_commands() -> None:
    assert len(readme_exercise_commands()) >= 3
