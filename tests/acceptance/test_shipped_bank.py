"""The shipped vanishing-gradients bank, graded end to end through `grader quiz grade`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from grader.bank import load_bank
from grader.resources import resolve_bank

ROOT = Path(__file__).resolve().parents[2]


def grade(answers: dict[str, object], tmp_path: Path) -> tuple[int, dict[str, object]]:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "quiz", "grade", "vanishing-gradients", str(path),
         "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_answer_key_scores_full_marks(tmp_path: Path) -> None:
    bank = load_bank(resolve_bank("vanishing-gradients"))
    code, result = grade({q.id: q.key() for q in bank.questions}, tmp_path)
    assert code == 0
    assert result["status"] == "passed"
    assert result["score"] == result["max_score"] == bank.max_score


def test_kaylee_misconceptions_score_nothing(tmp_path: Path) -> None:
    code, result = grade({"kaylee": ["tanh", "large-init"], "chain-product": "3/2000"}, tmp_path)
    assert code == 1  # graded, and not everything is right
    tests = {t["name"]: t for t in result["tests"]}  # type: ignore[union-attr]
    kaylee, chain = tests["kaylee"], tests["chain-product"]
    assert kaylee["score"] == 0 and kaylee["max_score"] == 2
    assert chain["score"] == chain["max_score"] == 1
