"""What a name on the command line means: a path, then the course repository the
command runs in (./exercises/NAME, ./quizzes/NAME.yaml), then what grader ships."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.errors import BadInput
from grader.resources import data_dir, resolve_bank, resolve_exercise

ROOT = Path(__file__).resolve().parents[2]
SIGMOID = ROOT / "exercises" / "sigmoid-basics"


def test_a_course_repository_exercise_wins_over_the_shipped_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(
        ROOT / "exercises" / "sigmoid-basics", tmp_path / "exercises" / "sigmoid-basics"
    )
    monkeypatch.chdir(tmp_path)
    assert resolve_exercise("sigmoid-basics") == Path("exercises/sigmoid-basics")


def test_a_folder_without_exercise_yaml_is_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "exercises" / "sigmoid-basics").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert resolve_exercise("sigmoid-basics") == data_dir("exercises") / "sigmoid-basics"


def test_an_existing_path_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(SIGMOID, tmp_path / "sigmoid-basics")
    shutil.copytree(
        ROOT / "exercises" / "sigmoid-basics", tmp_path / "exercises" / "sigmoid-basics"
    )
    monkeypatch.chdir(tmp_path)
    assert resolve_exercise("sigmoid-basics") == Path("sigmoid-basics")


def test_a_course_bank_wins_over_the_shipped_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "vanishing-gradients.yaml").write_text("id: mine\n")
    monkeypatch.chdir(tmp_path)
    assert resolve_bank("vanishing-gradients") == Path("quizzes/vanishing-gradients.yaml")


@pytest.mark.parametrize("name", ["../sigmoid-basics", "a/b", ".", ".."])
def test_only_plain_names_are_looked_up_in_the_course(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BadInput):
        resolve_exercise(name + "-missing")
