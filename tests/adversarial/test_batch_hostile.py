"""Hostile submissions aimed at the batch rather than the grade: damaged zips, names made
to forge report lines or overwrite reports, a judge killed under a submission, a jail that
fails to start once. Each gets its own verdict row and the batch goes on; correct
neighbours keep full marks."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from grader.batch.engine import Request, run
from grader.batch.judging import Judge, Options
from grader.batch.pool import LocalPool
from grader.batch.progress import Progress

ROOT = Path(__file__).resolve().parents[2]
TRIVIAL = ROOT / "tests/fixtures/exercises/trivial-add"
CORRECT = b"def add(a, b):\n    return a + b\n"


def _zip(path: Path, members: list[tuple[str, bytes]], method: int = zipfile.ZIP_STORED) -> bytes:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path.read_bytes()


def _patch_headers(data: bytes, *, local_at: int, central_at: int, value: bytes) -> bytes:
    """Write ``value`` at the same field of every local and central header."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", local_at), (b"PK\x01\x02", central_at)):
        start = 0
        while (found := out.find(signature, start)) >= 0:
            out[found + offset : found + offset + len(value)] = value
            start = found + 4
    return bytes(out)


def hostile_zips(folder: Path) -> dict[str, str]:
    """Writes the damaged zips; returns student -> a word its error row must contain."""
    body = CORRECT * 20  # long enough that a flipped byte lands in the data
    expect: dict[str, str] = {}

    data = bytearray(_zip(folder / "crc.zip", [("add.py", body)]))
    data[data.find(b"return") + 2] ^= 0x20
    (folder / "crc.zip").write_bytes(bytes(data))
    expect["crc"] = "damaged"

    data = bytearray(_zip(folder / "deflate.zip", [("add.py", body)], zipfile.ZIP_DEFLATED))
    start = 30 + len("add.py")  # the compressed stream right after the first local header
    data[start : start + 12] = b"\xff" * 12
    (folder / "deflate.zip").write_bytes(bytes(data))
    expect["deflate"] = "damaged"

    data = _zip(folder / "method.zip", [("add.py", body)])
    (folder / "method.zip").write_bytes(
        _patch_headers(data, local_at=8, central_at=10, value=(99).to_bytes(2, "little"))
    )
    expect["method"] = "compression method"

    data = _zip(folder / "encrypted.zip", [("add.py", body)])
    (folder / "encrypted.zip").write_bytes(
        _patch_headers(data, local_at=6, central_at=8, value=(1).to_bytes(2, "little"))
    )
    expect["encrypted"] = "encrypted"

    _zip(folder / "fileanddir.zip", [("add.py", CORRECT), ("x", b"1"), ("x/y.py", b"2")])
    expect["fileanddir"] = "cannot unpack"

    _zip(folder / "longname.zip", [("add.py", CORRECT), ("d" * 300 + ".py", b"1")])
    expect["longname"] = "File name too long"

    with pytest.warns(UserWarning, match="Duplicate name"):
        _zip(folder / "twice.zip", [("add.py", CORRECT), ("add.py", b"def add(a, b): 0\n")])
    expect["twice"] = "two files named"

    (folder / "notzip.zip").write_bytes(b"PK\x05\x06 not really")
    expect["notzip"] = "not a readable zip"
    return expect


def test_every_hostile_archive_and_name_gets_its_own_row(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    expect = hostile_zips(subs)
    for name in ("honest1", "honest2", "honest3"):
        (subs / f"{name}.py").write_bytes(CORRECT)
    # Two submissions of one student and names made to forge lines or escape the folder.
    (subs / "alice.py").write_bytes(CORRECT)
    _zip(subs / "alice.zip", [("add.py", b"def add(a, b):\n    return 0\n")])
    (subs / "mallory\nhonest1              1-1 passed.py").write_bytes(b"def add(a, b): 0\n")
    (subs / "\x1b[2J\x1b]0;owned\x07title.py").write_bytes(b"def add(a, b): 0\n")
    os.close(os.open(os.fsencode(subs) + b"/caf\xe9\xff.py", os.O_CREAT | os.O_WRONLY, 0o644))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "exercise", "grade-all", str(TRIVIAL), str(subs),
         "--out", str(out), "--jobs", "2"],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    rows = {r["SIS Login ID"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    for student, word in expect.items():
        assert rows[student]["Status"] == "error", student
        report = (out / f"{student}.json").read_text()
        assert word in report, (student, report)
    for honest in ("honest1", "honest2", "honest3", "alice"):
        assert (rows[honest]["Add two numbers"], rows[honest]["Status"]) == ("1", "passed")
    assert rows["alice-2"]["Status"] == "failed"  # alice.zip did not overwrite alice.py
    assert {"mallory_honest1_1-1_passed", "2J_0_owned_title", "caf"} <= set(rows)
    assert len(rows) == len(expect) + 3 + 2 + 3
    # One line per submission, none forged, no escape sequence reaches the terminal.
    lines = [line for line in proc.stdout.splitlines() if "/1 " in line]
    assert len(lines) == len(rows)
    assert sum(line.startswith("honest1 ") for line in lines) == 1
    assert "\x1b" not in proc.stdout
    assert all(p.parent == out for p in out.rglob("*"))


def _slow_batch(tmp_path: Path) -> Path:
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(6):
        (subs / f"ok{i}.py").write_bytes(CORRECT)
    # The victim is slow enough for the test to find its judge and kill it.
    (subs / "victim.py").write_bytes(
        b"import time\ndef add(a, b):\n    time.sleep(1.8)\n    return a + b\n"
    )
    return subs


def test_a_judge_killed_under_a_submission_costs_only_that_row(tmp_path: Path) -> None:
    subs = _slow_batch(tmp_path)
    out = tmp_path / "out"
    pool = LocalPool(Options(str(TRIVIAL)), size=2, timeout_s=60, exercise_id="trivial-add")
    killed: list[int] = []

    def killer() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not killed:
            with pool.lock:
                pids = [pid for pid, job in pool.busy.items() if job.student == "victim"]
            if pids:
                time.sleep(0.3)
                os.kill(pids[0], signal.SIGKILL)  # as the kernel's OOM killer would
                killed.append(pids[0])
            time.sleep(0.02)

    watcher = threading.Thread(target=killer, daemon=True)
    watcher.start()
    lines: list[str] = []
    code = run(
        Request(str(TRIVIAL), subs, out),
        echo=lines.append,
        progress=Progress(7, stream=open(os.devnull, "w"), tty=False),  # noqa: SIM115
        backend=pool,
    )
    watcher.join()
    assert killed, "the victim's judge was never seen busy"
    assert code == 3  # an internal error row: the exit code says the batch had errors
    rows = {r["SIS Login ID"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    assert rows["victim"]["Status"] == "error"
    assert "killed by SIGKILL" in (out / "victim.json").read_text()
    assert all(rows[f"ok{i}"]["Status"] == "passed" for i in range(6))
    assert "1 internal errors" in lines[-1]


class _FailsOnce:
    """The real zygote, except that its first jail does not start (a busy cgroup, say)."""

    def __init__(self, zygote: object) -> None:
        self.zygote, self.calls = zygote, 0

    def new_session(self, spec: object) -> object:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("the zygote did not answer: injected")
        return self.zygote.new_session(spec)  # type: ignore[attr-defined]


def test_a_jail_that_fails_to_start_once_is_tried_again(tmp_path: Path) -> None:
    sub = tmp_path / "alice.py"
    sub.write_bytes(CORRECT)
    judge = Judge(Options(str(TRIVIAL)))
    try:
        flaky = _FailsOnce(judge.grader.zygote)
        judge.grader.zygote = flaky  # type: ignore[assignment]
        answer = judge.grade(sub, "alice")
        assert flaky.calls >= 2
        assert (answer["result"]["status"], answer["result"]["score"]) == ("passed", 1.0)
        assert not answer["internal"]
    finally:
        judge.close()
