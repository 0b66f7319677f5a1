"""`grader quiz take` in a real pseudo-terminal (pexpect): keys in, screens out, and
what ends up saved on disk."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

ROOT = Path(__file__).resolve().parents[2]
BANK = str(ROOT / "tests/fixtures/banks/all-types.yaml")
UP, DOWN = "\x1b[A", "\x1b[B"


def spawn(data: Path, *args: str) -> pexpect.spawn:
    env = {**os.environ, "GRADER_DATA_DIR": str(data), "NO_COLOR": "1", "TERM": "xterm"}
    env.pop("FORCE_COLOR", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "grader", "quiz", "take", BANK, "--student", "pat", "--seed", "3", *args],
        cwd=str(ROOT),
        env=env,
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=20,
    )
    return child


def first_result(data: Path) -> dict:
    files = sorted((data / "results").glob("*.json"))
    assert len(files) == 1, files
    return json.loads(files[0].read_text())


# With --seed 3 the order is: kaylee, name-regex, name-fn, fill, derivs, relu-saturates,
# sigmoid-max, backprop-order, chain-product (see the saved session's "order").


def answer_choices(child: pexpect.spawn, data: Path, qid: str, wanted: list[str]) -> None:
    """Tick the wanted canonical keys by moving with arrows (positions from the layout)."""
    layout = json.loads((data / "sessions" / "all-types--pat.json").read_text())["layout"][qid]
    for key in wanted:
        for _ in range(layout.index(key)):
            child.send(DOWN)
        child.send(" ")
        for _ in range(layout.index(key)):
            child.send(UP)


def test_practice_mode_whole_quiz_with_ctrl_c_and_resume(tmp_path: Path) -> None:
    child = spawn(tmp_path)
    child.expect("Question 1/9")
    child.expect("enter answer")
    answer_choices(child, tmp_path, "kaylee", ["relu", "batchnorm"])
    child.send("\r")
    child.expect("Correct")
    child.send("\r")  # next
    child.expect("Question 2/9")
    child.send("re lu\r")
    child.expect("Correct")
    child.send("\r")
    child.expect("Question 3/9")
    child.sendintr()  # Ctrl-C: saved, told how to continue
    child.expect("Progress saved")
    child.expect("--resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    saved = json.loads((tmp_path / "sessions" / "all-types--pat.json").read_text())
    assert saved["attempts"]["kaylee"]["response"] == ["relu", "batchnorm"]
    assert saved["current"] == 2

    child = spawn(tmp_path, "--resume")
    child.expect("Question 3/9")
    child.send("sigmoid\r")  # name-fn, wrong
    child.expect("Not quite")
    child.expect("r retry")
    child.send("r")
    child.expect("Question 3/9")
    child.send("relu\r")
    child.expect("first answer is the one that counts")
    child.send("\r")
    child.expect("Question 4/9")  # fill: two blanks
    child.send("15e-4")
    child.send("\x7f" * 5)
    child.send("1e-10\rrelu\r")
    child.expect("Correct")
    child.send("\r")
    child.expect("Question 5/9")  # derivs: matching
    layout = json.loads((tmp_path / "sessions" / "all-types--pat.json").read_text())["layout"]
    child.send(str(layout["derivs"].index("0.25") + 1))
    child.send(str(layout["derivs"].index("1") + 1))
    child.send("\r")
    child.expect("Correct")
    child.send("\r")
    child.expect("Question 6/9")  # relu-saturates: True is first, False second
    child.send("j\r")
    child.expect("Correct")
    child.send("\r")
    child.expect("Question 7/9")  # sigmoid-max: skip it
    child.send("s")
    child.expect("Question 8/9")  # ordering: submit as shown (a wrong order)
    child.send("\r")
    child.expect("Partly right")  # two of the four steps happen to be in place
    child.send("\r\r")
    child.expect("Question 9/9")
    child.send("abc\r")
    child.expect("is not a number")
    child.send("\x15" + "1.5e-3\r")
    child.expect("Correct")
    child.send("\r")
    child.expect("Question 7/9")  # the skipped one, offered again
    child.expect("You skipped this question")
    child.send("s")
    child.expect("Score")  # the long report opens in a pager, the score on top
    child.expect("Results saved to")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    result = first_result(tmp_path)
    tests = {t["id"]: t for t in result["tests"]}
    assert tests["kaylee"]["score"] == 2
    assert tests["name-fn"]["score"] == 0 and tests["name-fn"]["response"] == "sigmoid"
    assert tests["name-fn"]["tries"] == 2
    assert tests["fill"]["response"] == [1e-10, "relu"]
    assert tests["derivs"]["score"] == 1
    assert tests["relu-saturates"]["response"] is False
    assert "response" not in tests["sigmoid-max"] and result["unanswered"] == ["sigmoid-max"]
    assert tests["chain-product"]["response"] == 0.0015
    assert tests["backprop-order"]["score"] == 0.5
    assert result["kind"] == "quiz" and result["student"] == "pat" and result["mode"] == "practice"
    assert not (tmp_path / "sessions" / "all-types--pat.json").exists()


def test_exam_mode_review_and_change_an_answer(tmp_path: Path) -> None:
    child = spawn(tmp_path, "--mode", "exam", "--time-limit", "20m", "--tag", "derivatives",
                  "--tag", "remedies")  # fmt: skip
    child.expect("Question 1/2")
    child.expect("left")  # the remaining time is shown
    order = json.loads((tmp_path / "sessions" / "all-types--pat.json").read_text())["order"]
    assert sorted(order) == ["kaylee", "sigmoid-max"]
    for number, qid in enumerate(order, 1):
        child.expect(f"Question {number}/2")
        if qid == "kaylee":
            answer_choices(child, tmp_path, "kaylee", ["tanh"])
        child.send("\r")  # sigmoid-max: whatever is under the cursor; no feedback either way
    child.expect("Review your answers")
    child.expect("Submit answers")
    child.send(str(order.index("kaylee") + 1))  # revisit kaylee
    child.expect(f"Question {order.index('kaylee') + 1}/2")
    answer_choices(child, tmp_path, "kaylee", ["tanh", "relu", "batchnorm"])  # untick tanh
    child.send("\r")
    child.expect("Review your answers")
    child.send("\r")  # the cursor starts on Submit
    child.expect("Results saved to")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    result = first_result(tmp_path)
    tests = {t["id"]: t for t in result["tests"]}
    assert list(tests) == order
    assert tests["kaylee"]["response"] == ["relu", "batchnorm"]
    assert tests["kaylee"]["score"] == 2
    assert tests["kaylee"]["tries"] == 2
    assert result["mode"] == "exam"


HINTS_BANK = str(ROOT / "tests/fixtures/banks/quiz-hints.yaml")


def spawn_bank(data: Path, bank: str, *args: str) -> pexpect.spawn:
    env = {**os.environ, "GRADER_DATA_DIR": str(data), "NO_COLOR": "1", "TERM": "xterm"}
    env.pop("FORCE_COLOR", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "grader", "quiz", "take", bank, "--student", "hal", "--seed", "1", *args],
        cwd=str(ROOT),
        env=env,
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=20,
    )


def test_hints_per_choice_feedback_and_a_killed_terminal(tmp_path: Path) -> None:
    child = spawn_bank(tmp_path, HINTS_BANK, "--tag", "chain-rule")
    child.expect("Question 1/1")
    child.expect("tab hint")
    child.send("\t")
    child.expect("Hint 1/2")
    child.expect("multiply")
    child.send("?\r")  # typing ? alone also asks for a hint
    child.expect("Hint 2/2")
    child.expect("0.03 · 0.05")  # math rendered readably
    child.send("\t")
    child.expect("No more hints")
    # Kill the process outright (a crashed or closed terminal): only the hint count
    # was saved, and --resume shows the question again with its hints.
    child.kill(9)
    child.close()
    saved = json.loads((tmp_path / "sessions" / "quiz-hints--hal.json").read_text())
    assert saved["attempts"]["product"]["hints_shown"] == 2
    child = spawn_bank(tmp_path, HINTS_BANK, "--resume")
    child.expect("Hint 2/2")
    child.send("1.5e-3\r")
    child.expect("Correct")
    child.expect("1.5 × 10⁻³")  # the explanation, math included
    child.send("\r")
    child.expect("Results saved to")
    child.expect(pexpect.EOF)
    result = first_result(tmp_path)
    assert result["tests"][0]["hints_shown"] == 2 and result["score"] == 2


def test_exam_time_limit_submits_when_time_is_up(tmp_path: Path) -> None:
    child = spawn_bank(tmp_path, HINTS_BANK, "--mode", "exam", "--time-limit", "3s")
    child.expect("Question 1/3")
    child.expect("0:0[0-3] left")
    child.expect("Time is up", timeout=15)
    child.expect("Results saved to")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    result = first_result(tmp_path)
    assert result["score"] == 0 and len(result["unanswered"]) == 3


def test_per_choice_feedback_in_practice(tmp_path: Path) -> None:
    child = spawn_bank(tmp_path, HINTS_BANK, "--tag", "derivatives")
    child.expect("Question 1/2")  # the attempt is saved before the first screen
    order = json.loads((tmp_path / "sessions" / "quiz-hints--hal.json").read_text())["order"]
    layout = json.loads((tmp_path / "sessions" / "quiz-hints--hal.json").read_text())["layout"]
    for number, qid in enumerate(order, 1):
        if number > 1:
            child.expect(f"Question {number}/2")
        if qid == "max-deriv":
            child.send(str(layout[qid].index("B") + 1) + "\r")
            child.expect("maximum of tanh′")  # the chosen choice's own feedback
            child.send("\r\r")
        else:
            child.send("2\r")  # False: wrong
            child.expect("derivative is 0 for every negative input")
            child.send("\r\r")
    child.expect("Results saved to")
    child.expect(pexpect.EOF)


def test_sigterm_saves_and_says_how_to_continue(tmp_path: Path) -> None:
    import signal

    child = spawn_bank(tmp_path, HINTS_BANK, "--tag", "chain-rule")
    child.expect("Question 1/1")
    child.send("0.0015\r")
    child.expect("Correct")
    child.kill(signal.SIGTERM)
    child.expect("Progress saved")
    child.expect("--resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    saved = json.loads((tmp_path / "sessions" / "quiz-hints--hal.json").read_text())
    assert saved["attempts"]["product"]["response"] == 0.0015
    # Resuming goes past the answered question straight to the end.
    child = spawn_bank(tmp_path, HINTS_BANK, "--resume")
    child.expect("Results saved to")
    child.expect(pexpect.EOF)
    assert first_result(tmp_path)["score"] == 2


def test_the_first_question_is_drawn_before_the_bank_code_loads(tmp_path: Path) -> None:
    """The start-up design, checked without timing: once the caches exist, the first
    screen is written before YAML, the Markdown parser or the bank code is imported
    (python -X importtime logs each import, in order, to the same terminal)."""
    warm = spawn_bank(tmp_path, HINTS_BANK)  # the first run validates and fills the caches
    warm.expect("Question 1/3")
    warm.send("\x04")  # Ctrl-D: save and quit, whatever the widget
    warm.expect(pexpect.EOF)
    env = {**os.environ, "GRADER_DATA_DIR": str(tmp_path), "NO_COLOR": "1", "TERM": "xterm"}
    child = pexpect.spawn(
        sys.executable,
        ["-X", "importtime", "-m", "grader", "quiz", "take", HINTS_BANK, "--student", "hal",
         "--resume"],
        cwd=str(ROOT), env=env, dimensions=(24, 80), encoding="utf-8", timeout=20,
    )  # fmt: skip
    child.expect("Question 1/3")
    before = child.before
    child.expect(r"\| +grader\.bank\.loader")  # ... and only then the bank code
    child.send("\x04")  # Ctrl-D: save and quit, whatever the widget
    child.expect(pexpect.EOF)
    for heavy in ("yaml", "markdown_it", "grader.bank", "torch"):
        assert not re.search(rf"\|\s+{re.escape(heavy)}\s*$", before, re.M), heavy
    assert re.search(r"\|\s+jinja2\s*$", before, re.M)  # the screen came from a template


SMALL_BANK = str(ROOT / "tests/fixtures/banks/small-screens.yaml")


def test_skipped_questions_come_back_before_the_summary(tmp_path: Path) -> None:
    child = spawn_bank(tmp_path, SMALL_BANK, "--tag", "single", "--tag", "ordering")
    child.expect("Question 1/2")
    order = json.loads((tmp_path / "sessions" / "small-screens--hal.json").read_text())["order"]
    child.send("s")
    child.expect("Question 2/2")
    child.send("s")
    child.expect("Question 1/2")  # offered again, saying why
    child.expect("You skipped this question")
    child.send("s")  # skipped twice: left unanswered
    child.expect("Question 2/2")
    child.expect("You skipped this question")
    child.send("\r")  # answered this time (as shown)
    child.expect("Partly right|Not quite|Correct")
    child.send("\r\r")
    child.expect("Results saved to")
    child.send("q")
    child.expect(pexpect.EOF)
    result = first_result(tmp_path)
    assert result["unanswered"] == [order[0]]
    assert "response" in {t["id"]: t for t in result["tests"]}[order[1]]


def test_exam_review_flags_a_half_filled_cloze_and_submit_warns(tmp_path: Path) -> None:
    child = spawn_bank(tmp_path, SMALL_BANK, "--mode", "exam", "--tag", "cloze")
    child.expect("Question 1/1")
    child.send("1e-10\r\r")  # the first blank only; enter on the empty second submits
    child.expect("Review your answers")
    child.expect(r"❯ 1\.")  # the cursor starts on the question with a gap
    child.expect("half answered: ")
    child.send("\x1b[A")  # up, round to Submit
    child.send("\r")
    child.expect("1 half answered: it scores less than it could")
    assert not list((tmp_path / "results").glob("*.json"))  # not submitted yet
    child.send("\r")  # asked once: this submits
    child.expect("Results saved to")
    child.send("q")
    child.expect(pexpect.EOF)
    assert first_result(tmp_path)["tests"][0]["response"] == [1e-10, None]


AUDIT_DISPLAY_WRITES = """
import os, runpy, sys
def hook(event, args):
    if event == "open" and ".display.json" in str(args[0]) and (args[2] or 0) & os.O_CREAT:
        sys.stderr.write("DISPLAY-CACHE-WRITTEN\\n"); sys.stderr.flush()
sys.addaudithook(hook)
sys.argv = ["grader", *sys.argv[1:]]
runpy.run_module("grader", run_name="__main__")
"""


def test_a_first_run_shows_the_question_before_building_the_display_cache(
    tmp_path: Path,
) -> None:
    """Without timing: on the very first start with a bank, the first question is on the
    screen before the display cache is written (the process logs that write through an
    audit hook to the same terminal, so the order is the order of events)."""
    env = {**os.environ, "GRADER_DATA_DIR": str(tmp_path), "NO_COLOR": "1", "TERM": "xterm"}
    child = pexpect.spawn(
        sys.executable,
        ["-c", AUDIT_DISPLAY_WRITES, "quiz", "take", HINTS_BANK, "--student", "hal"],
        cwd=str(ROOT), env=env, dimensions=(24, 80), encoding="utf-8", timeout=20,
    )  # fmt: skip
    child.expect("Question 1/3")
    child.expect("DISPLAY-CACHE-WRITTEN")  # ... and only then the cache
    child.send("\x04")
    child.expect(pexpect.EOF)
    assert list((tmp_path / "cache" / "banks").glob("*.display.json"))
