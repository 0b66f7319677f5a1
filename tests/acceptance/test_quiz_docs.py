"""docs/student-guide.md is executed: its screens are real tmux captures of
`grader quiz take`, and its console examples run and print what the guide shows.

- A ```text block after `<!-- screen: NAME -->` must equal the screen that the
  scenario NAME below produces in an 80x24 tmux terminal. Regenerate them all with
  GRADER_UPDATE_DOCS=1 python -m pytest tests/acceptance/test_quiz_docs.py
- A ```yaml block after `<!-- file: NAME -->` is written to NAME before the examples run.
- A ```console block: each `$ command` runs in bash; the lines after it must appear in
  its output in that order (`...` skips any lines; a line ending in `...` matches any
  line that starts with it). A command ending in `# exit N`
  must exit with N, others with 0.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "student-guide.md"
TAKE = "grader quiz take vanishing-gradients --student ada --seed 7 --limit 3 --tag chain-rule"

# name -> (command, [(keys to send, text to wait for), ...]); the last screen is captured.
SCENARIOS: dict[str, tuple[str, list[tuple[list[str], str]]]] = {
    "question": (TAKE, [([], "Question 1/3")]),
    "feedback": (TAKE, [([], "Question 1/3"), (["1", "/", "8", "Enter"], "Not quite")]),
    "hint": (
        TAKE,
        [([], "Question 1/3"), (["1", "/", "8", "Enter"], "Not quite"), (["?"], "Hint 1/")],
    ),
}

BLOCK = re.compile(r"<!-- (screen|file): (\S+) -->\n```(\w+)\n(.*?)```", re.S)
CONSOLE = re.compile(r"```console\n(.*?)```", re.S)


def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def capture(name: str, tmp: Path) -> str:
    command, steps = SCENARIOS[name]
    session = f"docs-{name}-{os.getpid()}"
    env = f"GRADER_DATA_DIR={tmp / name} NO_COLOR=1 TERM=xterm"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24",
         f"cd {tmp} && env {env} {command}; sleep 30"],
        check=True,
    )  # fmt: skip
    try:
        screen = ""
        for keys, wait_for in steps:
            if keys:
                subprocess.run(["tmux", "send-keys", "-t", session, *keys], check=True)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                screen = subprocess.run(
                    ["tmux", "capture-pane", "-p", "-t", session],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                if wait_for in screen:
                    break
                time.sleep(0.1)
            else:
                raise AssertionError(f"screen {name}: never showed {wait_for!r}:\n{screen}")
        time.sleep(0.3)  # let the redraw that showed the marker finish
        screen = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", session],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)
    lines = [line.rstrip() for line in screen.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_screens_in_the_guide_are_real(name: str, tmp_path: Path) -> None:
    shown = {m.group(2): m.group(4) for m in BLOCK.finditer(guide()) if m.group(1) == "screen"}
    assert name in shown, f"docs/student-guide.md has no <!-- screen: {name} --> block"
    actual = capture(name, tmp_path)
    if os.environ.get("GRADER_UPDATE_DOCS"):
        text = guide()
        old = f"<!-- screen: {name} -->\n```text\n{shown[name]}```"
        GUIDE.write_text(text.replace(old, f"<!-- screen: {name} -->\n```text\n{actual}```"))
        return
    assert shown[name] == actual


def run_console(block: str, cwd: Path, env: dict[str, str]) -> None:
    commands: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line.rstrip())
    for command, expected in commands:
        code = 0
        exit_note = re.search(r"#\s*exit (\d+)\s*$", command)
        if exit_note:
            code = int(exit_note.group(1))
        proc = subprocess.run(
            ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
        )
        output = [line.rstrip() for line in (proc.stdout + proc.stderr).splitlines()]
        assert proc.returncode == code, f"$ {command}\nexit {proc.returncode}\n" + "\n".join(output)
        position = 0
        for want in expected:
            if want == "..." or not want:
                continue
            prefix = want.endswith("...") and want[:-3]
            found = [
                i
                for i in range(position, len(output))
                if (output[i].startswith(prefix) if prefix else output[i] == want)
            ]
            try:
                position = found[0] + 1
            except IndexError:
                raise AssertionError(
                    f"$ {command}\nexpected line {want!r} (in order) in:\n" + "\n".join(output)
                ) from None


def test_console_examples_run(tmp_path: Path) -> None:
    text = guide()
    for match in BLOCK.finditer(text):
        if match.group(1) == "file":
            (tmp_path / match.group(2)).write_text(match.group(4))
    env = {
        **os.environ,
        "GRADER_DATA_DIR": str(tmp_path / "data"),
        "NO_COLOR": "1",
        "COLUMNS": "80",
    }
    env.pop("FORCE_COLOR", None)
    blocks = CONSOLE.findall(text)
    assert blocks, "the guide has no console examples"
    for block in blocks:
        run_console(block, tmp_path, env)
