"""The reports `grader ci report` writes: a Result read back from JSON, GitHub workflow
commands that hostile text cannot escape from, a Markdown table it cannot break."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.errors import BadInput
from grader.report.github_report import workflow_commands
from grader.report.load import read_result, result_from_json
from grader.report.markdown_report import cell
from grader.report.markdown_report import render as render_markdown
from grader.report.model import Attachment, Result, TestResult

HOSTILE = "all passed\n::add-mask::x\r\n::error::forged | `code` <script>alert(1)</script> 100%"


def result() -> Result:
    return Result(
        kind="exercise", id="sigmoid-basics", student="alice", score=3.0, max_score=5.0,
        status="failed", duration_s=0.5, title="Sigmoid", isolation="userns",
        output="printed", extra={"sandbox": {"level": "userns"}},
        tests=[
            TestResult("public ok", 2.0, 2.0, "passed", id="public::test_ok", tags=["a"]),
            TestResult("hidden, wrong", 1.0, 2.0, "failed", HOSTILE, "hidden",
                       id="hidden::test_x", duration_s=0.1,
                       attachments=[Attachment("text", "note", "n")]),
            TestResult("loops", 0.0, 1.0, "timeout", "took 2 s", id="hidden::test_loop",
                       extra={"weight": 1}),
        ],
    )  # fmt: skip


def test_a_result_reads_back_from_its_json(tmp_path: Path) -> None:
    original = result()
    path = tmp_path / "r.json"
    path.write_text(json.dumps(original.to_json()))
    assert read_result(path).to_json() == original.to_json()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a JSON object"),
        ({"kind": "exercise"}, "missing 'id'"),
        ({**result().to_json(), "status": "great"}, "unknown status 'great'"),
        ({**result().to_json(), "tests": [{"name": "x"}]}, "missing 'score'"),
        ({**result().to_json(), "kind": "essay"}, "'kind' must be quiz or exercise"),
    ],
)
def test_what_is_not_a_result_is_bad_input(data: object, message: str) -> None:
    with pytest.raises(BadInput, match=r"r\.json: not a grader result") as info:
        result_from_json(data, source="r.json")
    assert message in info.value.message


def test_an_unreadable_result_names_its_file(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no such file"):
        read_result(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(BadInput, match=r"bad\.json: not a JSON result"):
        read_result(tmp_path / "bad.json")


def test_workflow_commands_cannot_be_forged_by_test_text() -> None:
    lines = workflow_commands(result(), file="sigmoid-basics/sigmoid.py")
    assert len(lines) == 3  # two tests did not pass, and the notice
    for line in lines:
        assert "\n" not in line and "\r" not in line
    assert lines[0].startswith("::error file=sigmoid-basics/sigmoid.py,title=sigmoid-basics%3A ")
    assert (
        "hidden%2C wrong (1/2)::hidden, wrong failed: all passed%0A::add-mask::x%0D%0A" in lines[0]
    )
    assert "100%25" in lines[0]
    assert lines[1].endswith("::loops timed out: took 2 s")
    assert lines[2] == "::notice title=grader::sigmoid-basics: 3/5 (1 of 3 passed, failed)"


def test_a_markdown_cell_holds_any_text_on_one_line() -> None:
    text = cell(HOSTILE)
    assert "\n" not in text and "|" not in text and "`" not in text and "<script>" not in text
    assert text.startswith("all passed<br>::add-mask::x<br>")
    assert len(cell("x" * 1000)) < 320


def test_the_markdown_summary_has_one_row_per_test() -> None:
    text = render_markdown(result())
    assert text.startswith("### ❌ Sigmoid: 3 / 5\n")
    assert "1 of 3 tests passed (failed), alice; sandbox: userns." in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 4  # the header and three tests
    assert all(row.count(" | ") == 3 for row in rows)
    assert "| ⏱️ | loops | 0/1 | timeout: took 2 s |" in rows
    assert "hidden, wrong (hidden)" in text
