"""Fitting screens to the terminal (grader.quiz.layout) and leaving it as it was."""

from __future__ import annotations

import os
import pty
import select
import termios

import pytest

from grader.quiz.layout import FOCUS, compose, section
from grader.quiz.terminal import LEAVE_SCREEN, Terminal


def screen(prompt: int, options: int, cursor: int) -> str:
    return "\n".join(
        [
            section("header", 0), "TITLE", "QUESTION", "----",
            section("prompt", 2, True), "", *[f"stem {i}" for i in range(prompt)],
            section("widget", 3), "",
            *[(FOCUS if i == cursor else "") + f"option {i}" for i in range(options)],
            section("keys", 4), "", "KEYS",
        ]
    )  # fmt: skip


def test_everything_and_the_gaps_when_there_is_room() -> None:
    lines = compose(screen(3, 3, 0), 40, 24).lines
    assert lines == ["TITLE", "QUESTION", "----", "", "stem 0", "stem 1", "stem 2", "",
                     "option 0", "option 1", "option 2", "", "KEYS"]  # fmt: skip


def test_gaps_go_first_then_keys_then_options_away_from_the_cursor() -> None:
    lines = compose(screen(3, 3, 2), 40, 9).lines
    assert lines[:3] == ["TITLE", "QUESTION", "----"]
    assert "stem 0" in lines and "stem 2" in lines and "option 2" in lines
    assert "" not in lines and "KEYS" not in lines
    assert len(lines) == 9


def test_a_long_stem_scrolls_and_the_cursor_line_stays() -> None:
    text = screen(30, 5, 4)
    first = compose(text, 40, 12)
    assert len(first.lines) == 12
    assert first.lines[3] == "stem 0" and "option 4" in first.lines
    assert first.scroll_target == "prompt" and "PgDn" in first.lines[-2]
    later = compose(text, 40, 12, {"prompt": 10})
    assert "stem 10" in later.lines and "PgUp" in later.lines[3]
    end = compose(text, 40, 12, {"prompt": 99})  # past the end: clamped to the last page
    assert "stem 29" in end.lines and "option 4" in end.lines


def test_no_line_is_wider_than_the_terminal() -> None:
    lines = compose(section("header", 0) + "\n" + "x" * 90, 40, 10).lines
    assert [len(line) for line in lines] == [40]


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_the_terminal_is_restored_on_a_crash(error: type[BaseException]) -> None:
    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    tin, tout = open(slave, closefd=False), open(slave, "w", closefd=False)  # noqa: SIM115
    with pytest.raises(error), Terminal(tin, tout) as term:
        term.draw(["drawn"])
        assert termios.tcgetattr(slave) != before
        raise error("boom")
    tin.close()
    tout.close()
    assert termios.tcgetattr(slave) == before
    written = ""
    while select.select([master], [], [], 0.2)[0]:
        written += os.read(master, 65536).decode()
    assert written.index("drawn") < written.rindex(LEAVE_SCREEN)
    os.close(master)
    os.close(slave)
