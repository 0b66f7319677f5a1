"""`grader quiz take --save-answers FILE` writes the answers-file contract, and
`grader quiz grade` scores that file exactly as the attempt was scored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main

ROOT = Path(__file__).resolve().parents[2]
BANK = str(ROOT / "tests/fixtures/banks/all-types.yaml")


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path / "data"


def typed_lines(session: dict, answers: dict[str, list[str | list[str]]]) -> str:
    """One line per prompt, in the attempt's order; a question not listed is skipped.
    A list types the numbers its options are shown under (the layout is shuffled)."""
    lines: list[str] = []
    for qid in session["order"]:
        layout = session["layout"][qid]
        for line in answers.get(qid, [""]):
            if isinstance(line, list):
                line = " ".join(str(layout.index(option) + 1) for option in line)
            lines.append(line)
    return "\n".join(lines) + "\n"


def test_saved_answers_grade_to_the_attempts_score(data: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    start = runner.invoke(main, ["quiz", "take", BANK, "--student", "ana", "--seed", "4"], input="")
    assert start.exit_code == 0, start.output
    session = json.loads((data / "sessions" / "all-types--ana.json").read_text())
    # Right, wrong, partial and skipped answers, across every question type.
    answers: dict[str, list[str | list[str]]] = {
        "kaylee": [["relu", "tanh"]],  # partly right
        "sigmoid-max": [["B"]],
        "relu-saturates": ["f"],
        "chain-product": ["15e-4"],
        "name-fn": ["sigmoid"],  # wrong
        "derivs": ["0.25", "0.25"],  # one pair of two
        "backprop-order": [["forward pass", "compute loss", "update weights", "backward pass"]],
        "fill": ["1e-10", "tanh"],  # one blank of two
        # name-regex: skipped
    }
    saved, result_file = tmp_path / "answers.yaml", tmp_path / "result.json"
    take = runner.invoke(
        main,
        ["quiz", "take", BANK, "--student", "ana", "--resume", "--mode", "exam",
         "--save-answers", str(saved), "-o", str(result_file)],
        input=typed_lines(session, answers),
    )  # fmt: skip
    assert take.exit_code == 0, take.output
    assert f"Answers saved to {saved}" in take.output
    taken = json.loads(result_file.read_text())
    assert 0 < taken["score"] < taken["max_score"]

    graded = runner.invoke(main, ["quiz", "grade", BANK, str(saved), "--format", "json"])
    assert graded.exit_code == 1, graded.output  # below full marks
    again = json.loads(graded.output)
    assert again["score"] == taken["score"] and again["max_score"] == taken["max_score"]
    per_test = {t["id"]: (t["score"], t["status"]) for t in taken["tests"]}
    assert {t["id"]: (t["score"], t["status"]) for t in again["tests"]} == per_test
    assert per_test["name-regex"][1] == "failed"  # skipped is unanswered, in both
    assert "name-regex: null" in saved.read_text()


def test_unfinished_attempts_save_no_answers(data: Path, tmp_path: Path) -> None:
    saved = tmp_path / "answers.yaml"
    take = CliRunner().invoke(
        main, ["quiz", "take", BANK, "--student", "bo", "--save-answers", str(saved)], input=""
    )
    assert take.exit_code == 0 and "End of input" in take.output
    assert not saved.exists()


def test_a_parametrized_banks_answers_grade_with_the_students_numbers(
    data: Path, tmp_path: Path
) -> None:
    """The file records student and variant: graded as variant 0 the answers would fail."""
    from grader.bank import load_bank
    from grader.bank.variants import bank_for_student

    bank_file = str(ROOT / "tests/fixtures/banks/params.yaml")
    mine, variant = bank_for_student(load_bank(bank_file), "zoe")
    assert variant not in (None, 0)
    runner = CliRunner()
    start = runner.invoke(main, ["quiz", "take", bank_file, "--student", "zoe"], input="")
    assert start.exit_code == 0, start.output
    session = json.loads((data / "sessions" / "chain-variants--zoe.json").read_text())
    key = {q.id: q.key() for q in mine.questions}
    answers: dict[str, list[str | list[str]]] = {
        "update": [repr(key["update"])],
        "sigmoid-slope": [[key["sigmoid-slope"]]],
        "tiny-product": [repr(v) if isinstance(v, float) else str(v) for v in key["tiny-product"]],
    }
    saved = tmp_path / "answers.yaml"
    take = runner.invoke(
        main,
        ["quiz", "take", bank_file, "--student", "zoe", "--resume", "--mode", "exam",
         "--save-answers", str(saved)],
        input=typed_lines(session, answers),
    )  # fmt: skip
    assert take.exit_code == 0, take.output
    assert f"student: zoe\nvariant: {variant}\n" in saved.read_text()
    graded = runner.invoke(main, ["quiz", "grade", bank_file, str(saved), "--format", "json"])
    assert graded.exit_code == 0, graded.output  # full marks, with zoe's numbers
    assert json.loads(graded.output)["student"] == "zoe"
