"""The pieces of grade-all that need no judge: ids, bulk-download layouts, the gradebook,
the cache, the framing and the progress line."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from grader.batch import cache, gradebook, wire
from grader.batch.ids import sanitise, unique
from grader.batch.progress import Progress
from grader.batch.sources import discover
from grader.errors import BadInput


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("alice", "alice"),
        ("bob\nalice   12/12 passed", "bob_alice_12_12_passed"),
        ("\x1b]0;pwned\x07eve", "0_pwned_eve"),
        ("../../etc/passwd", "etc_passwd"),
        ("Zoë Müller", "Zoë_Müller"),
        ("caf\udce9", "caf"),  # an undecodable byte (surrogate-escaped) never survives
        ("", "student"),
        ("...", "student"),
    ],
)
def test_sanitise_keeps_one_safe_token(raw: str, expected: str) -> None:
    got = sanitise(raw)
    assert got == expected
    assert got.isprintable() and "/" not in got and "\n" not in got and " " not in got


def test_unique_ids_never_overwrite_each_other() -> None:
    ids = unique(["alice", "alice", "Alice", "x" * 100, "x" * 100])
    assert ids[:3] == ["alice", "alice-2", "Alice-3"]
    assert len(set(i.casefold() for i in ids)) == 5
    assert all(len(i) <= 64 for i in ids)


def test_a_plain_folder_gives_one_student_per_entry(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.py").write_text("x = 1\n")
    (subs / "alice.zip").write_bytes(b"PK")
    (subs / "gradebook.py").write_text("x = 1\n")  # must not collide with gradebook.csv
    (subs / "bob").mkdir()
    (subs / ".hidden").write_text("")
    layout, found = discover(subs, tmp_path / "work")
    assert layout == "folder"
    assert sorted(s.student for s in found) == ["alice", "alice-2", "bob", "gradebook-2"]


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_canvas_bulk_download(tmp_path: Path) -> None:
    bulk = _zip(
        tmp_path / "submissions.zip",
        {
            "doejane_12345_6789_sigmoid.py": b"a = 1\n",
            "smithbob_LATE_23456_7890_sigmoid-1.py": b"b = 1\n",
            "leeann_34567_8901_work.zip": b"PK",
            "leeann_34567_8901_notes.txt": b"notes",
        },
    )
    layout, found = discover(bulk, tmp_path / "work")
    assert layout == "canvas"
    by = {s.student: s for s in found}
    assert sorted(by) == ["doejane", "leeann", "smithbob"]
    assert (by["doejane"].lms_id, by["doejane"].path.name) == ("12345", "sigmoid.py")
    assert by["smithbob"].path.name == "sigmoid.py"  # Canvas's -1 of a resubmission is dropped
    assert by["leeann"].path.is_dir()
    assert sorted(p.name for p in by["leeann"].path.iterdir()) == ["notes.txt", "work.zip"]


def test_moodle_bulk_download_in_folders_and_flat(tmp_path: Path) -> None:
    folders = _zip(
        tmp_path / "moodle.zip",
        {
            "Jane Doe_101_assignsubmission_file_/sigmoid.py": b"a = 1\n",
            "Bob Smith_102_assignsubmission_file_/sigmoid.py": b"b = 1\n",
            "Bob Smith_102_assignsubmission_onlinetext_/onlinetext.html": b"<p>hi</p>",
        },
    )
    layout, found = discover(folders, tmp_path / "w1")
    assert layout == "moodle"
    assert [(s.student, s.lms_id) for s in found] == [("Bob_Smith", "102"), ("Jane_Doe", "101")]
    flat = _zip(tmp_path / "flat.zip", {"Jane Doe_101_assignsubmission_file_sigmoid.py": b"a\n"})
    layout, found = discover(flat, tmp_path / "w2")
    assert layout == "moodle" and found[0].path.name == "sigmoid.py"


def test_gradescope_export(tmp_path: Path) -> None:
    metadata = (
        "submission_111:\n  :submitters:\n  - :name: Jane Doe\n    :sid: '9001'\n"
        "    :email: jane@example.org\n"
        "submission_222:\n  :submitters:\n  - :name: Bob Smith\n    :sid: ''\n"
        "    :email: bob@example.org\n"
    )
    bulk = _zip(
        tmp_path / "export.zip",
        {
            "assignment_42_export/submission_metadata.yml": metadata.encode(),
            "assignment_42_export/submission_111/sigmoid.py": b"a = 1\n",
            "assignment_42_export/submission_222/sigmoid.py": b"b = 1\n",
        },
    )
    layout, found = discover(bulk, tmp_path / "work")
    assert layout == "gradescope"
    assert [(s.student, s.name, s.path.name) for s in found] == [
        ("9001", "Jane_Doe", "submission_111"),
        ("bob", "Bob_Smith", "submission_222"),
    ]


def test_a_damaged_member_of_a_bulk_zip_is_that_student_s_problem(tmp_path: Path) -> None:
    bulk = _zip(
        tmp_path / "s.zip",
        {"good/sigmoid.py": b"a = 1\n" * 50, "bad/sigmoid.py": b"b = 2\n" * 50},
    )
    data = bytearray(bulk.read_bytes())
    at = data.find(b"b = 2")
    data[at] ^= 0xFF  # stored member: the CRC no longer matches
    bulk.write_bytes(bytes(data))
    _, found = discover(bulk, tmp_path / "work")
    by = {s.student: s for s in found}
    assert by["good"].problem == ""
    assert "bad/sigmoid.py" in by["bad"].problem and "CRC" in by["bad"].problem


def test_not_a_zip_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    with pytest.raises(BadInput, match="not a readable zip"):
        discover(tmp_path / "x.zip", tmp_path / "work")


def test_gradebook_rows_are_importable_and_never_formulas() -> None:
    rows = [
        {"student": "alice", "name": "", "lms_id": "12", "score": 12.0, "max_score": 12.0,
         "status": "passed", "duration_s": 0.412, "isolation": "namespaces",
         "content_hash": "ab" * 32},
        {"student": "=HYPERLINK(1)", "name": "+cmd", "lms_id": "", "score": 1 / 3,
         "max_score": 12.0, "status": "failed", "duration_s": 1.0, "isolation": "",
         "content_hash": ""},
    ]  # fmt: skip
    text = gradebook.render("Sigmoid basics", rows)
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert list(parsed[0]) == gradebook.header("Sigmoid basics")
    assert parsed[0]["Sigmoid basics"] == "12" and parsed[0]["ID"] == "12"
    assert parsed[0]["Duration (s)"] == "0.41" and parsed[0]["Isolation"] == "namespaces"
    assert parsed[1]["Student"] == "'+cmd" and parsed[1]["SIS Login ID"] == "'=HYPERLINK(1)"
    assert parsed[1]["Sigmoid basics"] == "0.3333"


def test_cache_hits_only_the_unchanged(tmp_path: Path) -> None:
    sub = tmp_path / "alice.py"
    sub.write_text("x = 1\n")
    digest = cache.content_hash(sub)
    report = tmp_path / "alice.json"
    report.write_text("{}")
    c = cache.Cache(tmp_path, {"exercise": "e1"})
    c.save({"alice": {"student": "alice", "content_hash": digest}})
    assert cache.Cache(tmp_path, {"exercise": "e1"}).hit("alice", digest, report) is not None
    assert cache.Cache(tmp_path, {"exercise": "e2"}).hit("alice", digest, report) is None
    sub.write_text("x = 2\n")
    assert cache.content_hash(sub) != digest
    report.unlink()
    assert cache.Cache(tmp_path, {"exercise": "e1"}).hit("alice", digest, report) is None


def test_frames_round_trip_and_end_cleanly() -> None:
    buffer = io.BytesIO()
    wire.send(buffer, {"student": "z\u00eb\n", "n": 1})
    wire.send_raw(buffer, bytearray(b"\x00key"))
    buffer.seek(0)
    assert wire.receive(buffer) == {"student": "z\u00eb\n", "n": 1}
    assert wire.receive_raw(buffer) == bytearray(b"\x00key")
    assert wire.receive(buffer) is None


def _row(student: str, status: str) -> dict[str, object]:
    return {"student": student, "score": 1.0 if status == "passed" else 0.0, "max_score": 1.0,
            "status": status, "duration_s": 0.5}  # fmt: skip


def test_progress_is_plain_lines_off_a_terminal() -> None:
    out = io.StringIO()
    progress = Progress(2, stream=out, tty=False)
    progress.update(_row("alice", "passed"))
    progress.update(_row("bob", "failed"))
    progress.close()
    lines = out.getvalue().splitlines()
    assert [line.split()[:3] for line in lines] == [
        ["alice", "1/1", "passed"],
        ["bob", "0/1", "failed"],
    ]
    assert "\x1b" not in out.getvalue() and "\r" not in out.getvalue()


def test_progress_bar_on_a_terminal_counts_rates_and_names_failures() -> None:
    out = io.StringIO()
    ticks = iter([0.0, 2.0, 4.0, 4.0])
    progress = Progress(4, stream=out, tty=True, clock=lambda: next(ticks))
    progress.update(_row("alice", "passed"))
    progress.update(_row("bob", "timeout"))
    bar = out.getvalue().rsplit("\r\x1b[2K", 1)[-1]
    assert "2/4" in bar and "0.5/s" in bar and "ETA 0:04" in bar and "1 failing (bob)" in bar
    assert "bob                  0/1 timeout" in out.getvalue()  # a failure stays on screen
