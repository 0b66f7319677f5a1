"""Submissions are hostile input: unpacking refuses escapes, links and bombs."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from grader.errors import BadInput
from grader.exercise import submission
from grader.exercise.submission import materialize


def test_a_lone_file_becomes_the_entry_whatever_its_name(tmp_path: Path) -> None:
    src = tmp_path / "alice_sigmoid.py"
    src.write_text("x = 1\n")
    out = materialize(src, "sigmoid.py", tmp_path / "out")
    assert (out / "sigmoid.py").read_text() == "x = 1\n"


def test_a_folder_skips_symlinks_and_caches(tmp_path: Path) -> None:
    src = tmp_path / "sub"
    (src / "__pycache__").mkdir(parents=True)
    (src / "sigmoid.py").write_text("x = 1\n")
    (src / "__pycache__" / "junk.pyc").write_bytes(b"\0")
    os.symlink("/etc/passwd", src / "passwd.py")
    out = materialize(src, "sigmoid.py", tmp_path / "out")
    assert sorted(p.name for p in out.rglob("*")) == ["sigmoid.py"]


def test_a_zip_with_one_top_folder_is_unwrapped(tmp_path: Path) -> None:
    archive = tmp_path / "work.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("alice/sigmoid.py", "x = 2\n")
        z.writestr("alice/helper.py", "y = 3\n")
    out = materialize(archive, "sigmoid.py", tmp_path / "out")
    assert (out / "sigmoid.py").read_text() == "x = 2\n" and (out / "helper.py").exists()


@pytest.mark.parametrize("name", ["../evil.py", "/abs/evil.py", "a/../../evil.py"])
def test_zip_paths_that_climb_out_are_refused(tmp_path: Path, name: str) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("sigmoid.py", "x = 1\n")
        z.writestr(name, "boom")
    with pytest.raises(BadInput, match="unsafe path"):
        materialize(archive, "sigmoid.py", tmp_path / "out")
    assert not (tmp_path / "evil.py").exists()


def test_a_zip_bomb_stops_at_the_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(submission, "MAX_BYTES", 1 << 20)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("sigmoid.py", b"0" * (8 << 20))  # 8 MiB of zeros compress to a few KiB
    assert archive.stat().st_size < 100_000
    with pytest.raises(BadInput, match="larger than"):
        materialize(archive, "sigmoid.py", tmp_path / "out")


def test_missing_entry_and_unknown_kinds_are_bad_input(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "other.py").write_text("")
    with pytest.raises(BadInput, match=r"has no sigmoid\.py"):
        materialize(tmp_path / "sub", "sigmoid.py", tmp_path / "o1")
    (tmp_path / "notes.txt").write_text("")
    with pytest.raises(BadInput, match=r"a \.py file, a folder or a \.zip"):
        materialize(tmp_path / "notes.txt", "sigmoid.py", tmp_path / "o2")
    with pytest.raises(BadInput, match="not a readable zip"):
        (tmp_path / "fake.zip").write_text("nope")
        materialize(tmp_path / "fake.zip", "sigmoid.py", tmp_path / "o3")
