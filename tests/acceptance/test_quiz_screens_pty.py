"""`grader quiz take` on small terminals, as the student sees it: a real pty read
through a terminal emulator, at 60x20 and 40x12 (and 80x24 for the scrollback)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.acceptance._pty_screen import ROOT, PtyScreen

BANK = str(ROOT / "tests/fixtures/banks/small-screens.yaml")
UP, DOWN, PGDN, PGUP = "\x1b[A", "\x1b[B", "\x1b[6~", "\x1b[5~"
SIZES = [(60, 20), (40, 12)]


def take(data: Path, size: tuple[int, int], *args: str) -> PtyScreen:
    return PtyScreen(["quiz", "take", BANK, "--student", "sam", "--seed", "2", *args], data, *size)


def press_until(tty: PtyScreen, key: str, text: str, times: int = 8) -> str:
    for _ in range(times):
        tty.pump(0.2)
        if text in tty.text():
            break
        tty.send(key)
    return tty.wait(text)


def assert_fits(screen: PtyScreen) -> None:
    """The header is on the top row: nothing was pushed off by a line too long or a
    screen too tall."""
    lines = screen.lines()
    assert lines[0].startswith("Long questions"), screen.text()
    assert lines[1].startswith("Question "), screen.text()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_stem_and_the_cursor_stay_on_screen(tmp_path: Path, size: tuple[int, int]) -> None:
    tty = take(tmp_path, size, "--tag", "single")
    screen = tty.wait("STEM-START", "❯ 1)")
    assert_fits(tty)
    if size == (60, 20):  # room for the whole stem: it is not cut for blank lines
        assert "STEM-END" in screen
    for _ in range(5):  # down to the last choice: it must be on screen, cursor on it
        tty.send(DOWN)
    screen = tty.wait("❯ 6) LAST-CHOICE")
    assert "STEM-START" in screen  # the stem's start stays
    assert_fits(tty)
    screen = press_until(tty, PGDN, "STEM-END")  # the rest of the stem scrolls into view
    assert "❯ 6)" in screen
    assert_fits(tty)
    tty.send("\r")  # a wrong answer: the verdict is shown, whatever the size
    screen = tty.wait("Not quite")
    assert_fits(tty)
    tty.send("\r")  # show the answer: a long explanation, still with the verdict
    screen = tty.wait("Answer:", "Not quite")
    assert_fits(tty)
    screen = press_until(tty, PGDN, "EXPLANATION-END")  # scrolled to its end
    assert "Not quite" in screen
    tty.send("\r")
    tty.wait("Score", "Results saved to")  # the report is paged: the score stays on top
    assert "Score" in press_until(tty, PGDN, "EXPLANATION-END")
    tty.send("q")
    assert tty.finish() == 0
    assert "Score 0 / 1" in tty.text()  # still there once the pager is closed


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_matching_wraps_at_words_and_keeps_its_titles(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    tty = take(tmp_path, size, "--tag", "matching")
    screen = tty.wait("Match with:", "❯ The loss")
    assert_fits(tty)
    tty.send("1")  # match the first item: its line gets longer and must wrap by words
    screen = tty.wait("❯ The loss turns")
    assert_fits(tty)
    vocabulary = set(re.findall(r"[A-Za-z']+", Path(BANK).read_text()))
    vocabulary |= {"Match", "with", "more", "PgDn", "PgUp", "item", "it", "answer", "skip"}
    vocabulary |= {"save", "quit", "enter", "match", "Question", "point", "answered"}
    for line in screen.splitlines()[3:]:  # no word cut in two by a line break
        for word in re.findall(r"[A-Za-z']+", line):
            assert len(word) < 2 or word in vocabulary, (word, screen)
    assert "Match with:" in screen
    for _ in range(3):
        tty.send(PGDN)
    screen = tty.wait("Match with:")  # the list's title stays while it scrolls
    assert_fits(tty)
    tty.send("\x04")
    assert tty.finish() == 0


def test_a_grabbed_item_is_marked_without_colour(tmp_path: Path) -> None:
    tty = take(tmp_path, (60, 20), "--tag", "ordering")
    before = tty.wait("❯ 1)")
    tty.send(" ")
    after = tty.wait("⇅")
    cursor_line = next(line for line in after.splitlines() if "❯ 1)" in line)
    assert "⇅" in cursor_line and cursor_line not in before
    tty.send(" ")  # dropped: the mark goes
    tty.pump(0.3)
    assert "⇅" not in tty.text()
    tty.send("\x04")
    assert tty.finish() == 0


def test_redraws_stay_off_the_scrollback_and_the_screen_is_restored(tmp_path: Path) -> None:
    """Every redraw happens on the alternate screen, without clearing the main one, and
    every way out (a normal end, Ctrl-C, SIGTERM, SIGHUP) leaves it."""
    import signal

    tty = take(tmp_path, (80, 24), "--tag", "ordering")
    tty.wait("❯ 1)")
    for _ in range(10):
        tty.send(DOWN)
        tty.send(UP)
    tty.pump(0.3)
    assert tty.raw.count("\x1b[?1049h") == 1
    assert "\x1b[2J" not in tty.raw and "\x1b[3J" not in tty.raw
    tty.send("\x03")  # Ctrl-C
    assert tty.finish() == 130
    assert tty.raw.rindex("\x1b[?1049l") > tty.raw.rindex("\x1b[?1049h")
    assert "Progress saved" in tty.raw.split("\x1b[?1049l")[-1]  # said on the main screen
    for sig in (signal.SIGTERM, signal.SIGHUP):
        tty = take(tmp_path, (80, 24), "--resume")
        tty.wait("❯ 1)")
        tty.child.kill(sig)
        tty.finish()
        assert tty.raw.rindex("\x1b[?1049l") > tty.raw.rindex("\x1b[?1049h"), sig


def test_exam_review_at_40x12_and_time_up_leaves_the_alternate_screen(tmp_path: Path) -> None:
    tty = take(tmp_path, (40, 12), "--mode", "exam", "--time-limit", "15s",
               "--tag", "single", "--tag", "ordering", "--tag", "matching")  # fmt: skip
    for number in (1, 2, 3):
        tty.wait(f"Question {number}/3")
        tty.send("s")
    screen = tty.wait("Review your answers", "Submit answers")
    assert screen.splitlines()[0].startswith("Long questions")
    assert "❯ 1." in screen  # the cursor on the first open question, on screen
    tty.wait_written("Time is up", timeout=30)  # submitted when the clock runs out
    quiz = tty.raw[tty.raw.index("\x1b[?1049h") :]  # from the quiz's own alternate screen
    assert quiz.index("\x1b[?1049l") < quiz.index("Time is up")  # said on the main screen
    tty.send("q")  # the report's pager, if it did not fit
    assert tty.finish() == 0
