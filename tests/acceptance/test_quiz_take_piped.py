"""`grader quiz take` without a terminal: typed answers one per line, EOF saves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main

ROOT = Path(__file__).resolve().parents[2]
BANK = str(ROOT / "tests/fixtures/banks/all-types.yaml")


def layout_of(data: Path, student: str) -> dict:
    return json.loads((data / "sessions" / f"all-types--{student}.json").read_text())


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


def take(*args: str, stdin: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["quiz", "take", BANK, *args], input=stdin)
    return result.exit_code, result.output


def test_eof_saves_and_resume_finishes(data: Path) -> None:
    code, out = take("--student", "kim", "--seed", "3", "--tag", "remedies", "--tag",
                     "derivatives", stdin="")  # fmt: skip
    assert code == 0
    assert "End of input: 0/2 answered" in out and "--resume" in out
    session = layout_of(data, "kim")
    lines = []
    for qid in session["order"]:
        layout = session["layout"][qid]
        if qid == "kaylee":  # typed as the numbers shown, in any order
            lines.append(f"{layout.index('batchnorm') + 1} {layout.index('relu') + 1}")
        else:
            lines.append(str(layout.index("B") + 1))
    code, out = take("--student", "kim", "--resume", stdin="\n".join(lines) + "\n")
    assert code == 0, out
    assert "Score 3 / 3" in out
    result = json.loads(next((data / "results").glob("*.json")).read_text())
    assert result["score"] == 3 and result["status"] == "passed"


def test_bad_lines_are_asked_again_with_a_reason(data: Path) -> None:
    code, out = take("--student", "lee", "--seed", "1", "--tag", "derivatives", stdin="9\nzz\n")
    assert code == 0
    assert "'9' is not one of the numbers shown (1-3)" in out
    assert "'zz' is not one of the numbers shown" in out
    assert "End of input" in out


def test_an_unfinished_attempt_needs_resume_or_restart(data: Path) -> None:
    take("--student", "max", "--seed", "3", stdin="1\n")  # one answer, then end of input
    code, out = take("--student", "max", stdin="")
    assert code == 2
    assert "unfinished attempt" in out and "--resume" in out and "--restart" in out
    code, out = take("--student", "max", "--restart", stdin="")
    assert code == 0


def test_resume_without_a_saved_attempt_is_bad_input(data: Path) -> None:
    code, out = take("--student", "nobody", "--resume", stdin="")
    assert code == 2 and "no saved attempt" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--time-limit", "soon"], "is not a duration"),
        (["--tag", "nope"], "no question has the tag"),
        (["--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_bad_options(data: Path, args: list[str], message: str) -> None:
    code, out = take("--student", "opt", *args, stdin="")
    assert code == 2 and message in out


def test_piped_subprocess_numeric_forms_and_no_color(data: Path) -> None:
    """A real pipe: NO_COLOR honoured, 15e-4 accepted, explanation shown in practice."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "60"}
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "quiz", "take", BANK, "--student", "pipe",
         "--seed", "5", "--limit", "1", "--tag", "remedies"],
        input="2\n", capture_output=True, text=True, env=env, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "\x1b[" not in proc.stdout
    assert "Question 1/1" in proc.stdout and "Results saved to" in proc.stdout
    assert all(len(line) <= 60 for line in proc.stdout.splitlines() if "Results" not in line)

    proc = subprocess.run(
        [sys.executable, "-m", "grader", "quiz", "take", BANK, "--student", "num"],
        input="", capture_output=True, text=True, env=env, timeout=60, cwd=ROOT,
    )  # fmt: skip
    order = layout_of(data, "num")["order"]
    answers = {"chain-product": "15e-4", "name-fn": "relu", "name-regex": "ReLU",
               "relu-saturates": "f", "fill": "1e-10\nrelu"}  # fmt: skip
    lines = [answers.get(qid, "") for qid in order]
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "quiz", "take", BANK, "--student", "num", "--resume"],
        input="\n".join(lines) + "\n", capture_output=True, text=True, env=env, timeout=60,
        cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result = json.loads(next((data / "results").glob("all-types--num--*.json")).read_text())
    tests = {t["id"]: t for t in result["tests"]}
    for qid in answers:
        assert tests[qid]["status"] == "passed", tests[qid]
    assert result["score"] == 5


def test_a_disk_that_refuses_the_save_is_a_clear_error(data: Path) -> None:
    (data / "sessions").write_text("not a folder")  # every save into it fails
    code, out = take("--student", "full", stdin="")
    assert code == 2
    assert "cannot save progress" in out and "intact" in out and "Traceback" not in out


def test_quiz_take_never_imports_torch(data: Path) -> None:
    code = (
        "import sys, io\n"
        "from click.testing import CliRunner\n"
        "from grader.cli import main\n"
        f"args = ['quiz', 'take', {BANK!r}, '--student', 'np']\n"
        "r = CliRunner().invoke(main, args, input='1\\n')\n"
        "assert r.exit_code == 0, r.output\n"
        "print(','.join(m for m in ('torch', 'numpy') if m in sys.modules) or 'none')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "none"


def test_results_of_take_feed_stats_and_out_gets_a_copy(data: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.json"
    for student, answer in (("s1", "1"), ("s2", "2"), ("s3", "3")):
        code, out = take("--student", student, "--seed", "2", "--tag", "derivatives",
                         "-o", str(copy), stdin=answer + "\n")  # fmt: skip
        assert code == 0, out
    assert json.loads(copy.read_text())["student"] == "s3"
    result = CliRunner().invoke(
        main, ["quiz", "stats", BANK, str(data / "results"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    items = {i["id"]: i for i in json.loads(result.output)["items"]}
    assert items["sigmoid-max"]["n"] == 3 and items["sigmoid-max"]["difficulty"] == 1 / 3
    assert sum(w["count"] for w in items["sigmoid-max"]["wrong_answers"]) == 2


def test_an_invalid_bank_is_reported_with_its_line(data: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: b\ntitle: B\nquestions:\n  - id: q\n    type: single\n    prompt: P\n")
    result = CliRunner().invoke(main, ["quiz", "take", str(bad)], input="")
    assert result.exit_code == 2
    assert f"{bad}:4:" in result.output and "choices" in result.output


def test_an_attempt_with_nothing_in_it_does_not_block_a_new_start(data: Path) -> None:
    code, _ = take("--student", "ivy", "--seed", "3", stdin="")  # opened, nothing answered
    assert code == 0 and layout_of(data, "ivy")["seed"] == 3
    code, out = take("--student", "ivy", "--seed", "4", stdin="")
    assert code == 0, out
    assert "had no answers yet; it was replaced" in out
    assert layout_of(data, "ivy")["seed"] == 4


def test_a_question_renamed_since_the_attempt_was_saved_is_named_on_resume(
    data: Path, tmp_path: Path
) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text((ROOT / "tests/fixtures/banks/small-screens.yaml").read_text())
    args = ["quiz", "take", str(bank), "--student", "ora", "--seed", "1"]
    out = CliRunner().invoke(main, args, input="1\n").output  # answers the first question
    session = json.loads((data / "sessions" / "small-screens--ora.json").read_text())
    first = session["order"][0]
    assert session["attempts"][first]["answered"], out
    bank.write_text(bank.read_text().replace(f"id: {first}\n", f"id: {first}-renamed\n"))
    result = CliRunner().invoke(main, [*args[:-2], "--resume"], input="")
    assert result.exit_code == 0, result.output
    assert f"no longer in it (renamed or removed): {first}" in result.output
