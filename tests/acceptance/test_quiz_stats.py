"""`grader quiz stats`: item analysis over results JSON written by `quiz grade`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.quiz.stats import pearson

ROOT = Path(__file__).resolve().parents[2]
BANK = str(ROOT / "tests/fixtures/banks/all-types.yaml")

# Four students: strong ones get sigmoid-max right and avoid tanh.
ANSWERS = [
    "kaylee: [relu, batchnorm]\nsigmoid-max: B\nchain-product: 0.0015\nname-fn: relu\n",
    "kaylee: [relu, batchnorm]\nsigmoid-max: B\nchain-product: 0.0015\n",
    "kaylee: [relu, tanh]\nsigmoid-max: A\nchain-product: 0.015\n",
    "kaylee: [tanh]\nsigmoid-max: A\n",
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("results")
    for i, text in enumerate(ANSWERS):
        answers = folder / f"a{i}.yaml"
        answers.write_text(text)
        out = folder / f"r{i}.json"
        CliRunner().invoke(
            main, ["quiz", "grade", BANK, str(answers), "--format", "json", "-o", str(out)]
        )
        assert out.is_file()
    return folder


def stats(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["quiz", "stats", BANK, *args])
    return result.exit_code, result.output


def test_json_item_analysis(results: Path) -> None:
    code, out = stats(str(results), "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["attempts"] == 4
    items = {i["id"]: i for i in data["items"]}
    assert items["sigmoid-max"]["difficulty"] == 0.5
    assert items["sigmoid-max"]["discrimination"] > 0.5  # the strong students got it right
    assert items["name-fn"]["answered"] == 1
    wrong = {w["answer"]: w["count"] for w in items["kaylee"]["wrong_answers"]}
    assert wrong["ticked: Switch to tanh"] == 2
    assert items["sigmoid-max"]["wrong_answers"] == [{"answer": "1", "count": 2}]
    assert items["relu-saturates"]["flag"] == "very hard"
    # 4 attempts: the top and bottom 27 % are one attempt each.
    assert items["sigmoid-max"]["upper_lower"] == 1.0


def test_text_and_csv(results: Path) -> None:
    code, out = stats(*sorted(str(p) for p in results.glob("r*.json")), "--no-color")
    assert code == 0
    assert "item analysis of 4 attempts" in out and "Most chosen wrong answers" in out
    code, out = stats(str(results), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows][:2] == ["kaylee", "sigmoid-max"]
    assert rows[1]["difficulty"] == "0.500"


def test_a_result_of_another_quiz_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "x.json"
    other.write_text(json.dumps({"kind": "quiz", "id": "other", "tests": []}))
    code, out = stats(str(other))
    assert code == 2 and "not of 'all-types'" in out
    (tmp_path / "bad.json").write_text("{")
    assert stats(str(tmp_path / "bad.json"))[0] == 2


def test_pearson() -> None:
    assert pearson([0, 0, 1, 1], [0, 0, 1, 1]) == pytest.approx(1.0)
    assert pearson([1, 1, 1], [0, 1, 2]) is None  # no variance: undefined
