"""Sealed hidden tests end to end: real AES-GCM, real CLI processes, real jails.

The instructor seals the exercise and releases the student copy; grading then uses only
the student copy, the sealed file and the key in ``GRADER_SEAL_KEY``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXERCISE = REPO / "exercises" / "sigmoid-basics"
SOLUTION = EXERCISE / "solution" / "sigmoid.py"
WRONG = EXERCISE / "wrong"
# A line only the hidden test file holds: if it is on disk, the hidden tests are.
MARKER = "sigmoid stays finite for inputs as large as"


def run(
    *args: str, cwd: Path, key: str | None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "GRADER_SEAL_KEY"}
    if key is not None:
        full["GRADER_SEAL_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "grader", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**full, "NO_COLOR": "1", **(env or {})},
        timeout=180,
    )


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A CI workspace: the student copy, the sealed file, nothing of the instructor's."""
    instructor = tmp_path_factory.mktemp("instructor")
    work = tmp_path_factory.mktemp("ci")
    key = run("exercise", "seal-key", cwd=instructor, key=None).stdout.strip()
    sealed = run(
        "exercise", "seal", str(EXERCISE), "-o", str(instructor / "hidden.sealed"), cwd=instructor,
        key=key,
    )  # fmt: skip
    assert sealed.returncode == 0, sealed.stderr
    assert "content sha256" in sealed.stdout
    released = run("exercise", "release", str(EXERCISE), "-o", str(work), cwd=work, key=None)
    assert released.returncode == 0, released.stderr
    shutil.copyfile(instructor / "hidden.sealed", work / "hidden.sealed")
    assert not (work / "sigmoid-basics" / "tests" / "hidden").exists()
    assert not (work / "sigmoid-basics" / "solution").exists()
    return work, key


def _scan(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and MARKER.encode() in p.read_bytes()]


def test_the_key_is_32_random_bytes_and_sealing_is_deterministic(tmp_path: Path) -> None:
    import base64

    keys = {run("exercise", "seal-key", cwd=tmp_path, key=None).stdout.strip() for _ in range(2)}
    assert len(keys) == 2 and all(len(base64.b64decode(k)) == 32 for k in keys)
    key = keys.pop()
    outs = [
        run("exercise", "seal", str(EXERCISE), "-o", f"s{i}.sealed", cwd=tmp_path, key=key)
        for i in range(2)
    ]
    digests = {o.stdout.split("sha256 ")[-1].strip() for o in outs}
    assert len(digests) == 1, [o.stdout + o.stderr for o in outs]
    a, b = (tmp_path / "s0.sealed").read_bytes(), (tmp_path / "s1.sealed").read_bytes()
    assert a != b  # a random nonce each time
    assert MARKER.encode() not in a and b"def test_" not in a


def test_a_student_copy_cannot_be_sealed(course: tuple[Path, str], tmp_path: Path) -> None:
    work, key = course
    proc = run("exercise", "seal", str(work / "sigmoid-basics"), "-o", "x", cwd=tmp_path, key=key)
    assert proc.returncode == 2 and "student copy" in proc.stderr
    assert not (tmp_path / "x").exists()


def test_sealed_grading_matches_the_clear_folder(course: tuple[Path, str], tmp_path: Path) -> None:
    work, key = course
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copyfile(SOLUTION, subs / "reference.py")
    for wrong in sorted(WRONG.glob("*.py")):
        shutil.copyfile(wrong, subs / wrong.name)
    sealed = run(
        "exercise", "grade-all", "sigmoid-basics", str(subs), "--out", str(tmp_path / "sealed"),
        "--sealed", "hidden.sealed", cwd=work, key=key,
    )  # fmt: skip
    clear = run(
        "exercise", "grade-all", str(EXERCISE), str(subs), "--out", str(tmp_path / "clear"),
        cwd=tmp_path, key=None,
    )  # fmt: skip
    assert sealed.returncode == clear.returncode == 1, sealed.stderr + clear.stderr
    for student in ["reference", *(w.stem for w in WRONG.glob("*.py"))]:
        a = json.loads((tmp_path / "sealed" / f"{student}.json").read_text())
        b = json.loads((tmp_path / "clear" / f"{student}.json").read_text())
        assert (a["score"], a["max_score"]) == (b["score"], b["max_score"]), student
        assert [(t["name"], t["status"], t["score"]) for t in a["tests"]] == [
            (t["name"], t["status"], t["score"]) for t in b["tests"]
        ], student
        if student == "reference":
            assert a["score"] == a["max_score"] == 12 and a["status"] == "passed"
            assert any(t.get("visibility") == "hidden" for t in a["tests"])
        else:
            assert a["score"] < 12, student


def test_grade_one_submission_with_the_student_copy_only(
    course: tuple[Path, str], tmp_path: Path
) -> None:
    work, key = course
    proc = run(
        "exercise", "grade", "sigmoid-basics", str(SOLUTION), "--sealed", "hidden.sealed",
        "--format", "json", cwd=work, key=key,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["score"] == 12 and len(data["tests"]) == 8


def test_errors_in_sealed_tests_name_the_sealed_file_and_line(
    course: tuple[Path, str], tmp_path: Path
) -> None:
    instructor = tmp_path / "sigmoid-basics"
    shutil.copytree(EXERCISE, instructor)
    (instructor / "tests" / "hidden" / "test_zz.py").write_text("x = 1\n\ndef test_(:\n")
    work, key = course
    sealing = run("exercise", "seal", str(instructor), "-o", "b.sealed", cwd=tmp_path, key=key)
    assert sealing.returncode == 0, sealing.stderr
    proc = run(
        "exercise", "grade", "sigmoid-basics", str(SOLUTION),
        "--sealed", str(tmp_path / "b.sealed"), cwd=work, key=key,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "b.sealed/tests/hidden/test_zz.py:3" in proc.stderr, proc.stderr
    assert _scan(work) == []


TRACEBACK = """
import traceback
from pathlib import Path
from grader.exercise.files import MemoryFiles
from grader.exercise.load import load_exercise
from grader.runner.judge.collect import collect

root = Path({root!r})
files = {{
    "tests/public/test_a.py": (root / "tests/public/test_sigmoid.py").read_bytes(),
    "tests/hidden/test_a.py": (root / "tests/hidden/test_sigmoid_hidden.py").read_bytes(),
    "tests/hidden/test_b.py": b"def test_boom(submission):\\n    return {{}}['nope']\\n",
}}
cases = collect(
    load_exercise(root), include_hidden=True, files=MemoryFiles(files, "/nowhere/x.sealed")
)
boom = next(c for c in cases if c.function == "test_boom")
print(boom.file, boom.line)
try:
    boom.func(None)
except KeyError:
    traceback.print_exc()
"""


def test_tracebacks_of_sealed_tests_quote_their_source(tmp_path: Path) -> None:
    """Loaded from memory, yet with a __file__, line numbers and source lines."""
    folder = tmp_path / "sigmoid-basics"
    shutil.copytree(EXERCISE, folder)
    (folder / "exercise.yaml").write_text(
        (folder / "exercise.yaml").read_text().replace("points: 12\n", "")
    )
    proc = subprocess.run(
        [sys.executable, "-c", TRACEBACK.format(root=str(folder))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "/nowhere/x.sealed/tests/hidden/test_b.py 1" in proc.stdout
    assert 'File "/nowhere/x.sealed/tests/hidden/test_b.py", line 2' in proc.stderr
    assert "return {}['nope']" in proc.stderr
    assert not Path("/nowhere").exists()


@pytest.mark.parametrize("damage", ["ciphertext", "header", "wrong key", "wrong exercise"])
def test_a_damaged_file_or_wrong_key_is_refused(
    course: tuple[Path, str], tmp_path: Path, damage: str
) -> None:
    work, key = course
    blob = bytearray((work / "hidden.sealed").read_bytes())
    student = work / "sigmoid-basics"
    if damage == "ciphertext":
        blob[len(blob) // 2] ^= 0x01
    elif damage == "header":
        blob[blob.index(b"sigmoid-basics")] = ord("S")
    elif damage == "wrong key":
        key = run("exercise", "seal-key", cwd=tmp_path, key=None).stdout.strip()
    else:
        student = tmp_path / "other"
        shutil.copytree(work / "sigmoid-basics", student)
        yaml = student / "exercise.yaml"
        yaml.write_text(yaml.read_text().replace("id: sigmoid-basics", "id: other-exercise"))
    (tmp_path / "f.sealed").write_bytes(bytes(blob))
    proc = run(
        "exercise", "grade", str(student), str(SOLUTION), "--sealed", str(tmp_path / "f.sealed"),
        cwd=work, key=key,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "f.sealed" in proc.stderr
    if damage == "wrong exercise":
        assert "other-exercise" in proc.stderr


def test_without_a_key_grading_refuses(course: tuple[Path, str]) -> None:
    work, _ = course
    proc = run(
        "exercise", "grade", "sigmoid-basics", str(SOLUTION), "--sealed", "hidden.sealed",
        cwd=work, key=None,
    )  # fmt: skip
    assert proc.returncode == 2 and "GRADER_SEAL_KEY is not set" in proc.stderr


HOSTILE = """
import os
from pathlib import Path

MARKER = {head!r} + {tail!r}  # split, so that this file does not hold the marker itself
KEY = os.environ.get("GRADER_SEAL_KEY")
print("environ-has-key:", "GRADER_SEAL_KEY" in os.environ, KEY)
for proc in Path("/proc").glob("*/environ"):
    try:
        print("proc-environ:", proc, proc.read_bytes().replace(b"\\0", b" ").decode("latin-1"))
    except OSError:
        pass
scanned, found = 0, []
for top in {roots!r} + [os.getcwd()]:
    for folder, _dirs, files in os.walk(top):
        for name in files:
            try:
                data = Path(folder, name).read_bytes()
            except OSError:
                continue
            scanned += 1
            if MARKER.encode() in data:
                found.append(os.path.join(folder, name))
print("scanned:", scanned, "found:", found)
import linecache, sys
print("in-memory:", sorted(
    [k for k in sys.modules if k.startswith(("grader_tests", "grader_reference"))]
    + [k for k in linecache.cache if "sealed" in k]
))
print("sealed-visible:", [p for p in {roots!r} if Path(p, "hidden.sealed").exists()])
def readable(path):
    try:
        return bool(Path(path).read_bytes())
    except OSError:
        return False
print("sealed-readable:", [p for p in {roots!r} if readable(Path(p, "hidden.sealed"))])
"""


@pytest.mark.parametrize("level", ["namespaces", "rlimits", "spawn"])
def test_a_hostile_submission_finds_neither_key_nor_tests(
    course: tuple[Path, str], tmp_path: Path, level: str
) -> None:
    work, key = course
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    sub = tmp_path / "hostile"
    sub.mkdir()
    source = HOSTILE.format(head=MARKER[:10], tail=MARKER[10:], roots=[str(work), str(tmp)])
    (sub / "sigmoid.py").write_text(source + SOLUTION.read_text())
    proc = run(
        "exercise", "grade", "sigmoid-basics", str(sub), "--sealed", "hidden.sealed",
        "--format", "json", cwd=work, key=key,
        env={"TMPDIR": str(tmp)}
        | ({"GRADER_JAIL": "spawn"} if level == "spawn" else {"GRADER_MAX_ISOLATION": level}),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["score"] == 12
    output = data["output"]
    assert "environ-has-key: False None" in output, output
    assert "in-memory: []" in output, output
    assert key not in output
    assert key not in proc.stdout + proc.stderr
    scanned = [line for line in output.splitlines() if line.startswith("scanned:")]
    assert scanned and scanned[0].endswith("found: []"), scanned
    if level == "namespaces" and data["isolation"] == "namespaces":
        # The folder holding the sealed file is hidden from the jail as well.
        assert "sealed-visible: []" in output, output
    if level in ("rlimits", "spawn") and data["sandbox"].get("landlock"):
        # No private root, but Landlock: the jail reads only the system and its own folder.
        assert int(scanned[0].split()[1]) > 0  # its own files: the scan did run
        assert "proc-environ:" not in output
        # Landlock stops reads, not lookups: the bundle may be seen to exist, never read.
        assert "sealed-readable: []" in output, output
    elif level in ("rlimits", "spawn") and os.geteuid() == 0:
        # Same user, no namespaces: the jail could read the disk, so the scan meant something.
        assert int(scanned[0].split()[1]) > 0
        assert "proc-environ:" in output
        assert f"sealed-visible: [{str(work)!r}]" in output, output
    assert _scan(work) == [] and _scan(tmp) == []


def test_the_hostile_scan_finds_what_the_jail_may_read_and_nothing_else(tmp_path: Path) -> None:
    """Control: the same scan finds a hidden test copied into the submission's own folder,
    and (with Landlock, at rlimits) not the instructor's copy lying world-readable on disk."""
    instructor = tmp_path / "sigmoid-basics"
    shutil.copytree(EXERCISE, instructor)
    sub = tmp_path / "hostile"
    sub.mkdir()
    source = HOSTILE.format(head=MARKER[:10], tail=MARKER[10:], roots=[str(instructor)])
    (sub / "sigmoid.py").write_text(source + SOLUTION.read_text())
    hidden = instructor / "tests" / "hidden" / "test_sigmoid_hidden.py"
    shutil.copyfile(hidden, sub / "copied_by_the_student.py")
    proc = run(
        "exercise", "grade", str(instructor), str(sub), "--format", "json", cwd=tmp_path,
        key=None, env={"GRADER_MAX_ISOLATION": "rlimits"},
    )  # fmt: skip
    data = json.loads(proc.stdout)
    output = data["output"]
    assert "copied_by_the_student.py" in output, output
    if data["sandbox"].get("landlock"):
        assert "test_sigmoid_hidden.py" not in output, output
    elif os.geteuid() == 0:
        assert "test_sigmoid_hidden.py" in output, output
