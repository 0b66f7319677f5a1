"""`grader quiz export` end to end: files written, warnings on stderr, exit codes."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALL_TYPES = ROOT / "tests/fixtures/banks/all-types.yaml"
BANK = "tests/fixtures/banks/all-types.yaml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", "quiz", "export", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


@pytest.mark.parametrize("fmt", ["html", "html-key", "qti", "moodle", "gift", "md"])
def test_each_format_is_written(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"quiz.{fmt}"
    proc = run(str(ALL_TYPES), "--format", fmt, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    data = out.read_bytes()
    if fmt == "qti":
        names = zipfile.ZipFile(out).namelist()
        assert names == ["imsmanifest.xml", "all-types-assessment/all-types-assessment.xml"]
    elif fmt.startswith("html"):
        assert data.startswith(b"<!DOCTYPE html>")
    if fmt in ("html", "html-key", "md"):
        assert proc.stderr == ""
    else:  # every loss is a warning naming the question
        lines = proc.stderr.splitlines()
        assert lines and all(re.match(rf"warning( \(changes scores\))?: {fmt}: ", x) for x in lines)
        assert any("backprop-order" in line for line in lines)


def test_the_shipped_bank_exports_by_name(tmp_path: Path) -> None:
    out = tmp_path / "vg.html"
    proc = run("vanishing-gradients", "--format", "html", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "<fieldset" in out.read_text()


def test_seeded_key_matches_seeded_page(tmp_path: Path) -> None:
    page, key = tmp_path / "p.html", tmp_path / "k.html"
    assert run(str(ALL_TYPES), "--format", "html", "--seed", "5", "-o", str(page)).returncode == 0
    assert (
        run(str(ALL_TYPES), "--format", "html-key", "--seed", "5", "-o", str(key)).returncode == 0
    )
    # The key lists the questions in the shuffled order (the browser test checks that
    # answering the page with the key's letters scores full marks).
    key_ids = re.findall(r"id <code>([\w-]+)</code>", key.read_text())
    plain = run(str(ALL_TYPES), "--format", "md", "--seed", "5", "-o", str(tmp_path / "m.md"))
    assert plain.returncode == 0
    md_ids = re.findall(r"^### \d+\. `([\w-]+)`", (tmp_path / "m.md").read_text(), re.M)
    assert key_ids == md_ids
    assert key_ids != [
        "kaylee", "sigmoid-max", "relu-saturates", "chain-product", "name-fn", "name-regex",
        "derivs", "backprop-order", "fill",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope-bank", "--format", "html", "-o", "x.html"], "no bank file or shipped bank named"),
        ([BANK, "--format", "pdf", "-o", "x"], "'pdf' is not one of"),
        ([BANK, "--format", "md", "-o", "/no/such/dir/x.md"], "does not exist"),
        ([BANK, "--format", "md"], "Missing option '-o'"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_an_invalid_bank_is_reported_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: b\ntitle: B\nquestions:\n  - id: q\n    type: single\n    prompt: p\n")
    proc = run(str(bad), "--format", "gift", "-o", str(tmp_path / "b.gift"))
    assert proc.returncode == 2
    assert f"{bad}:4" in proc.stderr
    assert not (tmp_path / "b.gift").exists()


def test_dash_writes_to_standard_output(tmp_path: Path) -> None:
    for fmt in ("md", "qti"):
        proc = subprocess.run(
            [sys.executable, "-m", "grader", "quiz", "export", str(ALL_TYPES), "--format", fmt,
             "-o", "-"],
            capture_output=True, cwd=tmp_path, timeout=120,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert not (tmp_path / "-").exists()
        if fmt == "md":
            assert proc.stdout.startswith(b"# ")
        else:  # the zip, byte for byte, with the warnings apart on stderr
            assert proc.stdout.startswith(b"PK") and b"warning" in proc.stderr
            names = zipfile.ZipFile(io.BytesIO(proc.stdout)).namelist()
            assert "imsmanifest.xml" in names


def test_warnings_are_summarised_by_kind_with_score_changes_first(tmp_path: Path) -> None:
    proc = run("vanishing-gradients", "--format", "qti", "-o", str(tmp_path / "q.zip"))
    assert proc.returncode == 0
    lines = proc.stderr.splitlines()
    # One line per kind for what does not change scores (it was one per question: 118 lines).
    assert len(lines) < 25, proc.stderr
    scoring = [i for i, x in enumerate(lines) if x.startswith("warning (changes scores): qti: ")]
    assert scoring == list(range(len(scoring))) and len(scoring) >= 2, proc.stderr
    assert any("tolerance dropped" in lines[i] for i in scoring)
    assert any("cannot be exported; only" in lines[i] for i in scoring)
    [tags] = [x for x in lines if ": tags dropped: " in x]
    assert re.search(r"tags dropped: \d+ questions \(what-is-it, .* and \d+ more\)$", tags), tags
