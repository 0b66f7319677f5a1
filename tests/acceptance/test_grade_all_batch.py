"""grade-all on a class of 50 generated submissions (correct, wrong, hostile): the
gradebook rows, the class report's contents and the skip on a rerun, through the real
command; then the same class on a real Dask LocalCluster (separate worker processes on
loopback): the same scores, a worker killed mid-batch loses no submission, and a hostile
submission cannot reach the scheduler."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRIVIAL = ROOT / "tests/fixtures/exercises/trivial-add"
SIGMOID = ROOT / "exercises/sigmoid-basics"

CORRECT = "def add(a, b):\n    return a + b  # {n}\n"
WRONG = "def add(a, b):\n    return a - b  # {n}\n"
HOSTILE = {
    "loops": ("def add(a, b):\n    while True:\n        pass\n", None),
    "exits": ("import os\nos._exit(7)\n", "crashed"),
    "raises": ("def add(a, b):\n    raise ValueError('no')\n", None),
    "hog": ("def add(a, b):\n    x = bytearray(2**31)\n    return 5\n", None),
    "forks": (
        "import os\ndef add(a, b):\n    for _ in range(64):\n        try:\n"
        "            os.fork()\n        except OSError:\n            pass\n    return a + b\n",
        None,
    ),
    "kills": ("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n", None),
    "noentry": (None, "error"),
}
# The verdict of the one scored test, for the hostile ones that get that far.
HIDDEN_VERDICT = {"loops": "timeout", "raises": "error", "hog": "memory", "exits": "crashed"}


def make_class(folder: Path, *, correct: int = 25, wrong: int = 18) -> dict[str, str]:
    """Writes the class; returns student -> expected status (None: any non-passed)."""
    folder.mkdir(parents=True)
    expected: dict[str, str] = {}
    for n in range(correct):
        (folder / f"c{n:02d}.py").write_text(CORRECT.format(n=n))
        expected[f"c{n:02d}"] = "passed"
    for n in range(wrong):
        (folder / f"w{n:02d}.py").write_text(WRONG.format(n=n))
        expected[f"w{n:02d}"] = "failed"
    for name, (code, status) in HOSTILE.items():
        if code is None:
            (folder / name).mkdir()
            (folder / name / "notes.txt").write_text("forgot the code")
        else:
            (folder / f"{name}.py").write_text(code)
        expected[name] = status or "not passed"
    return expected


def grader(*args: str, timeout: float = 1500) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "grader", "exercise", *args],
        capture_output=True, text=True, env=env, timeout=timeout,
    )  # fmt: skip


def gradebook(out: Path) -> dict[str, dict[str, str]]:
    with (out / "gradebook.csv").open(newline="") as handle:
        return {row["SIS Login ID"]: row for row in csv.DictReader(handle)}


def check_rows(rows: dict[str, dict[str, str]], expected: dict[str, str]) -> None:
    assert set(rows) == set(expected)
    for student, status in expected.items():
        row = rows[student]
        if status == "not passed":
            assert row["Status"] != "passed", student
        else:
            assert row["Status"] == status, (student, row)
        assert row["Add two numbers"] == ("1" if status == "passed" else "0"), student
        assert row["Max"] == "1" and len(row["Content SHA-256"]) == 64


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str], str]:
    base = tmp_path_factory.mktemp("batch")
    expected = make_class(base / "subs")
    assert len(expected) >= 50
    proc = grader("grade-all", str(TRIVIAL), str(base / "subs"), "--out", str(base / "out"))
    assert proc.returncode == 1, proc.stdout + proc.stderr  # failures, no internal error
    return base / "subs", base / "out", expected, proc.stdout


def test_every_submission_has_its_row_and_report(
    graded: tuple[Path, Path, dict[str, str], str],
) -> None:
    _, out, expected, stdout = graded
    check_rows(gradebook(out), expected)
    for student in expected:
        report = json.loads((out / f"{student}.json").read_text())
        assert report["student"] == student
        if student in HIDDEN_VERDICT:
            verdict = [t["status"] for t in report["tests"] if t["id"] == "hidden::test_add"]
            assert verdict == [HIDDEN_VERDICT[student]], (student, report["tests"])
    assert f"{len(expected)} submissions (folder): 25 passed, {len(expected) - 25} not" in stdout


def test_the_class_report_counts_what_happened(
    graded: tuple[Path, Path, dict[str, str], str],
) -> None:
    _, out, expected, _ = graded
    html = (out / "class-report.html").read_text()
    assert f"{len(expected)} submissions · 25 passed every test" in html
    assert "add(2, 3) is 5" in html
    # 25 of the 49 graded submissions that reached the test passed it (noentry never did).
    assert '<td>add(2, 3) is 5</td><td class="num">25</td>' in html
    # The most common failure is the wrong answer of the 18 wrong submissions.
    assert 'add(2, 3) returned -1, expected 5</code></td><td class="num">18</td>' in html
    assert "<svg" in html and "<script" not in html
    import re

    slowest = html.split('id="slow-h"')[1]
    seconds = [float(x) for x in re.findall(r'<td class="num">([0-9.]+)</td><td>', slowest)]
    assert len(seconds) == 10 and seconds == sorted(seconds, reverse=True)
    assert "<td>loops</td>" in "".join(slowest.split("</tr>")[1:4])  # an endless loop is slow


def test_a_rerun_skips_the_unchanged_and_regrades_the_changed(
    graded: tuple[Path, Path, dict[str, str], str],
) -> None:
    subs, out, expected, _ = graded
    before = {s: (out / f"{s}.json").stat().st_mtime_ns for s in expected}
    (subs / "w00.py").write_text(CORRECT.format(n="fixed"))
    proc = grader("grade-all", str(TRIVIAL), str(subs), "--out", str(out))
    assert proc.returncode == 1, proc.stderr
    assert f"{len(expected) - 1} unchanged" in proc.stdout
    rows = gradebook(out)
    check_rows(rows, {**expected, "w00": "passed"})
    after = {s: (out / f"{s}.json").stat().st_mtime_ns for s in expected}
    assert [s for s in expected if before[s] != after[s]] == ["w00"]
    assert "25 passed every test" not in (out / "class-report.html").read_text()
    forced = grader("grade-all", str(TRIVIAL), str(subs), "--out", str(out), "--force")
    assert forced.returncode == 1 and " 0 unchanged" in forced.stdout


def test_real_sigmoid_submissions_grade_as_alone(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ref.py").write_text((SIGMOID / "solution/sigmoid.py").read_text())
    for wrong in ("unstable", "wrong_derivative"):
        (subs / f"{wrong}.py").write_text((SIGMOID / f"wrong/{wrong}.py").read_text())
    proc = grader("grade-all", str(SIGMOID), str(subs), "--out", str(tmp_path / "out"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    rows = gradebook(tmp_path / "out")
    title = next(k for k in rows["ref"] if k.startswith("Sigmoid"))
    assert {s: rows[s][title] for s in rows} == {
        "ref": "12",
        "unstable": "9",
        "wrong_derivative": "6",
    }


# -- Dask --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster() -> object:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as local:  # fmt: skip
        yield local


def test_the_cluster_gives_the_same_grades_and_loses_no_submission(
    cluster: object, graded: tuple[Path, Path, dict[str, str], str], tmp_path: Path
) -> None:
    import distributed

    from grader.batch.engine import Request, run
    from grader.batch.progress import Progress

    address = cluster.scheduler_address  # type: ignore[attr-defined]
    host, port = address.removeprefix("tcp://").rsplit(":", 1)
    subs = tmp_path / "subs"
    expected = make_class(subs)
    # Aimed at the scheduler: the jail has no network, so the connection never opens.
    (subs / "reach.py").write_text(
        "import socket\ntry:\n"
        f"    socket.create_connection(({host!r}, {port}), timeout=2)\n"
        "    print('REACHED THE SCHEDULER')\n"
        "except OSError as exc:\n    print('no route:', type(exc).__name__, exc)\n"
        "def add(a, b):\n    return a + b\n"
    )
    expected["reach"] = "passed"
    client = distributed.Client(address)
    worker_pids = list(client.run(os.getpid).values())
    killed: list[int] = []

    class KillMidBatch(Progress):
        def update(self, row: dict[str, object]) -> None:
            super().update(row)
            if self.done == 8 and not killed:
                os.kill(worker_pids[0], signal.SIGKILL)  # its running task goes elsewhere
                killed.append(worker_pids[0])

    out = tmp_path / "out"
    lines: list[str] = []
    code = run(
        Request(str(TRIVIAL), subs, out, cluster=address),
        echo=lines.append,
        progress=KillMidBatch(len(expected), stream=open(os.devnull, "w"), tty=False),  # noqa: SIM115
    )
    assert killed and code == 1, lines
    rows = gradebook(out)
    check_rows(rows, expected)
    local = gradebook(graded[1])
    for student in graded[2]:
        if student != "w00":  # changed by the rerun test
            assert rows[student]["Add two numbers"] == local[student]["Add two numbers"]
    report = json.loads((out / "reach.json").read_text())
    assert "no route:" in report["output"], report["output"]
    assert "REACHED" not in report["output"] and report["isolation"] == "namespaces"
    deadline = time.monotonic() + 120
    while len(client.scheduler_info()["workers"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)  # the nanny restarts the killed worker
    client.close()


def test_sealed_hidden_tests_on_the_cluster_use_the_workers_key(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    env = {k: v for k, v in os.environ.items() if k != "GRADER_SEAL_KEY"}
    env["PYTHONPATH"] = str(ROOT)

    def cli(*args: str, key: str | None = None) -> subprocess.CompletedProcess[str]:
        full = {**env, "GRADER_SEAL_KEY": key} if key else env
        return subprocess.run(
            [sys.executable, "-m", "grader", "exercise", *args],
            capture_output=True, text=True, env=full, timeout=900, cwd=tmp_path,
        )  # fmt: skip

    key = cli("seal-key").stdout.strip()
    assert cli("seal", str(TRIVIAL), "-o", "t.sealed", key=key).returncode == 0
    assert cli("release", str(TRIVIAL), "-o", "student").returncode == 0
    copy = tmp_path / "student/trivial-add"
    assert not (copy / "tests/hidden").exists()
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "right.py").write_text(CORRECT.format(n=0))
    (subs / "wrong.py").write_text(WRONG.format(n=0))
    args = ("grade-all", str(copy), str(subs), "--out", "out", "--sealed", "t.sealed",
            "--cluster", "local:1")  # fmt: skip
    proc = cli(*args, key=key)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    rows = gradebook(tmp_path / "out")
    assert {s: rows[s]["Add two numbers"] for s in rows} == {"right": "1", "wrong": "0"}
    assert json.loads((tmp_path / "out/right.json").read_text())["tests"][-1]["id"] == (
        "hidden::test_add"
    )
    refused = cli(*args, "--force", key=None)  # no key anywhere: one clear line, exit 2
    assert refused.returncode == 2 and "GRADER_SEAL_KEY is not set" in refused.stderr
