"""docs/student-guide.md is executed: its screens are real tmux captures of
`grader quiz take`, and its console examples run and print what the guide shows.

- A ```text block after `<!-- screen: NAME -->` must equal the screen that the
  scenario NAME below produces in an 80x24 tmux terminal (`NAME-60x20`: the same
  scenario in a 60x20 one). Regenerate them all with
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


SMALL = "-60x20"  # a screen name ending so is captured at 60x20


def screen_names() -> list[str]:
    return sorted([*SCENARIOS, "question" + SMALL, "feedback" + SMALL])


def capture(name: str, tmp: Path, *, color: bool = False) -> str:
    columns, rows = (60, 20) if name.endswith(SMALL) else (80, 24)
    command, steps = SCENARIOS[name.removesuffix(SMALL)]
    session = f"docs-{name}-{os.getpid()}-{int(color)}"
    # A tmux server per capture: a shared one runs new sessions with the environment of
    # whoever started it (another checkout's PYTHONPATH), and one shutting down after
    # the previous capture refuses the next. No COLUMNS/LINES either (pytest sets them).
    socket = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}" / session
    tmux = ["tmux", "-L", session]
    colour = "FORCE_COLOR=1" if color else "NO_COLOR=1"
    env = f"GRADER_DATA_DIR={tmp / f'{name}-{int(color)}'} {colour} TERM=xterm-256color"
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", session, "-x", str(columns), "-y", str(rows),
         f"cd {tmp} && env -u COLUMNS -u LINES {env} {command}; sleep 30"],
        check=True,
    )  # fmt: skip
    try:
        screen = ""
        for keys, wait_for in steps:
            if keys:
                subprocess.run([*tmux, "send-keys", "-t", session, *keys], check=True)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                screen = subprocess.run(
                    [*tmux, "capture-pane", "-p", "-t", session],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                if wait_for in screen:
                    break
                time.sleep(0.1)
            else:
                raise AssertionError(f"screen {name}: never showed {wait_for!r}:\n{screen}")
        # Let the redraw that showed the marker finish: the same screen twice running.
        previous, screen, settle = None, "", time.monotonic() + 10
        while screen != previous and time.monotonic() < settle:
            time.sleep(0.3)
            previous, screen = (
                screen,
                subprocess.run(
                    [*tmux, "capture-pane", "-p", *(["-e"] if color else []), "-t", session],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout,
            )
    finally:
        subprocess.run([*tmux, "kill-server"], check=False)
        socket.unlink(missing_ok=True)  # tmux leaves it behind
    lines = [line.rstrip() for line in screen.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
@pytest.mark.parametrize("name", screen_names())
def test_screens_in_the_guide_are_real(name: str, tmp_path: Path) -> None:
    shown = {m.group(2): m.group(4) for m in BLOCK.finditer(guide()) if m.group(1) == "screen"}
    assert name in shown, f"docs/student-guide.md has no <!-- screen: {name} --> block"
    actual = capture(name, tmp_path)
    if os.environ.get("GRADER_UPDATE_DOCS"):
        text = guide()
        old = f"<!-- screen: {name} -->\n```text\n{shown[name]}```"
        GUIDE.write_text(text.replace(old, f"<!-- screen: {name} -->\n```text\n{actual}```"))
        return
    assert shown[name] == actual, (
        f"the '{name}' screen changed; if that is intended, regenerate the guide's screens with "
        "GRADER_UPDATE_DOCS=1 python -m pytest tests/acceptance/test_quiz_docs.py"
    )


# -- the coloured screenshot (docs/img/quiz-*.svg) --------------------------------------

SVG_COLORS = {
    "31": "#f14c4c", "32": "#23d18b", "33": "#f5f543", "34": "#3b8eea",
    "35": "#d670d6", "36": "#29b8db", "90": "#8a8a8a",
}  # fmt: skip
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def ansi_to_svg(screen: str, columns: int = 80, rows: int = 24) -> str:
    """A terminal capture with SGR colour codes as an SVG picture (monospace grid)."""
    from xml.sax.saxutils import escape

    cell_w, cell_h = 8.4, 17
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{columns * cell_w + 24:.0f}" '
        f'height="{rows * cell_h + 24}" font-family="DejaVu Sans Mono, Menlo, monospace" '
        'font-size="14">',
        '<rect width="100%" height="100%" rx="8" fill="#1e1e1e"/>',
    ]
    for row, line in enumerate(screen.split("\n")[:rows]):
        style: dict[str, str] = {}
        col = 0
        y = 12 + (row + 1) * cell_h - 4
        pieces = SGR.split(line)
        for i, piece in enumerate(pieces):
            if i % 2 == 1:  # an SGR parameter list
                for code in (piece or "0").split(";"):
                    if code in ("0", ""):
                        style = {}
                    elif code == "1":
                        style["weight"] = "bold"
                    elif code == "2":
                        style["opacity"] = "0.6"
                    elif code == "3":
                        style["italic"] = "italic"
                    elif code == "7":
                        style["reverse"] = "1"
                    elif code in SVG_COLORS:
                        style["fill"] = SVG_COLORS[code]
                    elif code == "39":  # tmux re-encodes resets attribute by attribute
                        style.pop("fill", None)
                    elif code == "22":
                        style.pop("weight", None)
                        style.pop("opacity", None)
                    elif code == "23":
                        style.pop("italic", None)
                    elif code == "27":
                        style.pop("reverse", None)
                continue
            if not piece:
                continue
            x = 12 + col * cell_w
            fill = style.get("fill", "#d4d4d4")
            if style.get("reverse"):
                out.append(
                    f'<rect x="{x:.1f}" y="{y - cell_h + 5}" width="{len(piece) * cell_w:.1f}" '
                    f'height="{cell_h}" fill="{fill}"/>'
                )
                fill = "#1e1e1e"
            attrs = f'x="{x:.1f}" y="{y}" fill="{fill}" xml:space="preserve"'
            if "weight" in style:
                attrs += ' font-weight="bold"'
            if "italic" in style:
                attrs += ' font-style="italic"'
            if "opacity" in style:
                attrs += f' fill-opacity="{style["opacity"]}"'
            out.append(f"<text {attrs}>{escape(piece)}</text>")
            col += len(piece)
    out.append("</svg>")
    return "\n".join(out) + "\n"


SCREENSHOTS = {"question": "quiz-question.svg", "feedback": "quiz-feedback.svg"}


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
@pytest.mark.parametrize("name", sorted(SCREENSHOTS))
def test_coloured_screenshots_show_the_real_screen(name: str, tmp_path: Path) -> None:
    """The SVG screenshots in docs/img are conversions of real coloured captures: every
    line of text they show is on the current screen."""
    path = ROOT / "docs" / "img" / SCREENSHOTS[name]
    if os.environ.get("GRADER_UPDATE_DOCS"):
        path.write_text(ansi_to_svg(capture(name, tmp_path, color=True)))
    assert f"img/{SCREENSHOTS[name]}" in guide()
    svg = path.read_text()
    rows: dict[str, list[str]] = {}
    for y, text in re.findall(r'<text x="[^"]*" y="(\d+)"[^>]*>([^<]*)</text>', svg):
        rows.setdefault(y, []).append(text)
    from xml.sax.saxutils import unescape

    shown = {unescape("".join(parts)).rstrip() for parts in rows.values()}
    bar = str.maketrans("█░", "#.")
    shown = {line.translate(bar) for line in shown}
    for line in capture(name, tmp_path).splitlines():
        if line.strip():
            assert line in shown, line


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
