"""exercise.yaml validation: the shipped exercise loads; every mistake is located."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.errors import BadInput, ValidationFailed
from grader.exercise.load import load_exercise

SHIPPED = Path(__file__).resolve().parents[2] / "exercises" / "sigmoid-basics"


def test_the_shipped_exercise_loads() -> None:
    ex = load_exercise(SHIPPED)
    assert ex.id == "sigmoid-basics" and ex.entry == "sigmoid.py" and ex.points == 12
    assert ex.limits.time_s == 2 and ex.tests["test_chain_derivative"].timeout_s == 3


def _folder(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "ex"
    shutil.copytree(SHIPPED, folder)
    (folder / "exercise.yaml").write_text(text)
    return folder


@pytest.mark.parametrize(
    "text, expected",
    [
        ("id: x\ntitle: t\nentry: sigmoid.py\ntimelimit: 3\n", ":4:1: timelimit: unknown key"),
        ("id: x\ntitle: t\n", ":1:1: entry: missing required key"),
        ("id: x\ntitle: t\nentry: sigmoid\n", ":3:8: entry: must be a Python file name"),
        ("id: Bad_Id\ntitle: t\nentry: sigmoid.py\n", ":1:5: id: use lowercase"),
        (
            "id: x\ntitle: t\nentry: sigmoid.py\nlimits:\n  memory_mb: 99999999\n",
            ":5:14: limits.memory_mb: must be between",
        ),
        (
            "id: x\ntitle: t\nentry: sigmoid.py\nlimits:\n  tme_s: 1\n",
            "limits.tme_s: unknown key (did you mean 'time_s'?)",
        ),
        (
            "id: x\ntitle: t\nentry: sigmoid.py\ntests:\n  test_a:\n    visibility: secret\n",
            ":6:17: tests.test_a.visibility: 'secret' is not one of",
        ),
        ("id: x\ntitle: t\nentry: other.py\n", "entry: starter/other.py does not exist"),
        ("id: [x\n", "YAML syntax error"),
    ],
)
def test_mistakes_are_reported_with_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    folder = _folder(tmp_path, text)
    with pytest.raises(ValidationFailed) as info:
        load_exercise(folder)
    assert any(expected in line for line in info.value.lines()), info.value.lines()
    assert all(line.startswith(str(folder / "exercise.yaml")) for line in info.value.lines())


def test_a_folder_without_exercise_yaml_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="not an exercise folder"):
        load_exercise(tmp_path)


def test_tags_and_grading_time_load() -> None:
    ex = load_exercise(SHIPPED)
    assert ex.tags == ["activations", "chain-rule", "fundamentals"]
    assert ex.grade_time_s is not None and 0 < ex.grade_time_s <= ex.limits.total_time_s


@pytest.mark.parametrize(
    "extra, expected",
    [
        ("tags: [activation]\n", ":4:8: tags[0]: 'activation' is not one of"),
        ("tags: [activation]\n", "(did you mean 'activations'?)"),
        ("tags: [remedies, remedies]\n", ":4:18: tags[1]: 'remedies' is listed twice"),
        ("tags: remedies\n", ":4:7: tags: expected a list"),
        ("tags: []\n", ":4:7: tags: must not be empty"),
        ("grade_time_s: 0\n", ":4:15: grade_time_s: must be positive and at most"),
        ("grade_time_s: 60\n", "at most limits.total_time_s (20)"),
        ("grade_time_s: soon\n", ":4:15: grade_time_s: expected a number"),
    ],
)
def test_tag_and_grading_time_mistakes_are_located(
    tmp_path: Path, extra: str, expected: str
) -> None:
    folder = _folder(tmp_path, "id: x\ntitle: t\nentry: sigmoid.py\n" + extra)
    with pytest.raises(ValidationFailed) as info:
        load_exercise(folder)
    assert any(expected in line for line in info.value.lines()), info.value.lines()


def test_the_tag_vocabulary_is_the_quiz_banks() -> None:
    from grader.bank.loader import load_bank
    from grader.exercise.model import TAG_VOCABULARY

    quizzes = SHIPPED.parents[1] / "quizzes"
    used = {tag for path in quizzes.glob("*.yaml") for tag in load_bank(path).tags}
    assert used == set(TAG_VOCABULARY)
