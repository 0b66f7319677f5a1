"""Saving attempts: atomic replace, and a full disk never corrupts the previous state."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.quiz import store
from grader.quiz.session import Attempt, Session


def make_session(answer: str = "B") -> Session:
    return Session(
        bank_id="b",
        bank_file="b.yaml",
        bank_sha256="x",
        student="ann",
        seed=1,
        mode="practice",
        order=["q1", "q2"],
        layout={"q1": ["A", "B"], "q2": []},
        attempts={"q1": Attempt(response=answer, answered=True, tries=[answer])},
        current=1,
    )


def test_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path))
    path = store.save_session(make_session())
    assert path.parent == tmp_path / "sessions"
    loaded = store.load_session("b", "ann")
    assert loaded == make_session()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left


def test_data_dir_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRADER_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert store.data_home() == tmp_path / "grader"


def test_a_failed_write_keeps_the_old_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write itself fails (ENOSPC) half-way: the old file is intact, no temp left."""
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path))
    path = store.save_session(make_session("A"))
    before = path.read_bytes()
    real_fsync = os.fsync

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(store.SaveFailed, match=r"No space left on device.*intact"):
        store.save_session(make_session("B"))
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert store.SaveFailed.exit_code == 2
    assert path.read_bytes() == before
    assert json.loads(before)["attempts"]["q1"]["response"] == "A"
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_real_file_size_limit_keeps_the_old_state(tmp_path: Path) -> None:
    """A real short write: RLIMIT_FSIZE makes the kernel refuse bytes past the limit
    (EFBIG, the same path as a full disk) in a child process."""
    code = f"""
import os, resource, signal, sys
os.environ["GRADER_DATA_DIR"] = {str(tmp_path)!r}
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_quiz_store import make_session
from grader.quiz import store
store.save_session(make_session("A"))
size = os.path.getsize(store.session_path("b", "ann"))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (size + 10, size + 10))
big = make_session("B" * 5000)
try:
    store.save_session(big)
except store.SaveFailed as exc:
    print("refused:", exc)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("refused:") and "File too large" in proc.stdout
    path = tmp_path / "sessions" / "b--ann.json"
    assert json.loads(path.read_text())["attempts"]["q1"]["response"] == "A"
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_unreadable_state_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path))
    path = store.session_path("b", "ann")
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    from grader.errors import BadInput

    with pytest.raises(BadInput, match="--restart"):
        store.load_session("b", "ann")
