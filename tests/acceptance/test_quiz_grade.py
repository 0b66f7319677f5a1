"""`grader quiz grade` end to end on real answers files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from published_schemas import need_schema

from grader.cli import main

ROOT = Path(__file__).resolve().parents[2]
BANK = str(ROOT / "tests/fixtures/banks/all-types.yaml")

FULL = """\
kaylee: [relu, batchnorm]
sigmoid-max: B
relu-saturates: false
chain-product: 15e-4
name-fn: ReLU
name-regex: re lu
derivs: {sigmoid: "0.25", tanh: B}
backprop-order: [forward pass, compute loss, backward pass, update weights]
fill: [1e-10, relu]
"""


def grade(tmp_path: Path, text: str, *args: str, name: str = "answers.yaml") -> tuple[int, str]:
    answers = tmp_path / name
    answers.write_text(text)
    result = CliRunner().invoke(main, ["quiz", "grade", BANK, str(answers), *args])
    return result.exit_code, result.output


def test_full_marks_exit_0(tmp_path: Path) -> None:
    code, out = grade(tmp_path, FULL)
    assert code == 0, out
    assert "Score 10 / 10" in out and "PASSED" in out


def test_json_answers_and_json_report(tmp_path: Path) -> None:
    answers = {"kaylee": ["relu"], "sigmoid-max": "B", "chain-product": 0.0015}
    code, out = grade(tmp_path, json.dumps(answers), "--format", "json", name="a.json")
    assert code == 1
    data = json.loads(out)
    assert data["kind"] == "quiz" and data["max_score"] == 10
    tests = {t["id"]: t for t in data["tests"]}
    assert tests["kaylee"]["score"] == 1.0 and tests["kaylee"]["response"] == ["relu"]
    assert tests["kaylee"]["expected"] == ["relu", "batchnorm"]
    assert tests["name-fn"]["status"] == "failed" and "response" not in tests["name-fn"]
    assert "name-fn" in data["unanswered"]


def test_unanswered_are_listed_and_pass_mark(tmp_path: Path) -> None:
    partial = "\n".join(FULL.splitlines()[:7]) + "\n"  # 8 of 10 points
    code, out = grade(tmp_path, partial)
    assert code == 1
    assert "Unanswered (score 0): backprop-order, fill" in out
    assert grade(tmp_path, partial, "--pass-mark", "0.8")[0] == 0
    assert grade(tmp_path, partial, "--pass-mark", "85")[0] == 1
    assert grade(tmp_path, partial, "--pass-mark", "80%")[0] == 0
    code, out = grade(tmp_path, partial, "--pass-mark", "lots")
    assert code == 2 and "--pass-mark must be" in out


def test_unknown_question_and_choice_name_file_and_line(tmp_path: Path) -> None:
    code, out = grade(tmp_path, "kaylee: [relu, nope]\nbogus: 1\nsigmoid-max: B\n")
    assert code == 2
    lines = out.strip().splitlines()
    assert any(":1:" in x and "'nope' is not a choice" in x for x in lines), out
    assert any(":2:1: bogus: unknown question id 'bogus'" in x for x in lines), out
    assert "Traceback" not in out


def test_not_a_mapping_and_syntax_errors_exit_2(tmp_path: Path) -> None:
    code, out = grade(tmp_path, "- just\n- a list\n")
    assert code == 2 and "expected a mapping" in out
    code, out = grade(tmp_path, "kaylee: [relu\n")
    assert code == 2 and "YAML syntax error" in out


def test_csv_report(tmp_path: Path) -> None:
    import csv
    import io

    from grader.quiz.grade import main as grade_main

    answers = tmp_path / "a.yaml"
    answers.write_text(FULL)
    out = tmp_path / "r.csv"
    assert grade_main(bank=BANK, answers=str(answers), fmt="csv", output=str(out)) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 9 and rows[0]["test_id"] == "kaylee" and rows[0]["score"] == "2"


def test_junit_report_validates_against_the_schema(tmp_path: Path) -> None:
    lxml = pytest.importorskip("lxml.etree")
    code, out = grade(tmp_path, "kaylee: [relu]\n", "--format", "junit")
    assert code == 1
    schema = lxml.XMLSchema(lxml.parse(str(need_schema("junit/junit-10.xsd"))))
    doc = lxml.fromstring(out.encode())
    assert schema.validate(doc), schema.error_log
    assert doc.get("tests") == "9"
    assert len(doc.findall(".//failure")) == 9
