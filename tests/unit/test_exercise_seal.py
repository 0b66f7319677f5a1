"""The pure pieces of sealing: keys, the deterministic archive, the file format, MemoryFiles.

Real AES-GCM throughout; nothing here touches the process environment (``take_key`` is
exercised through real CLI processes in tests/acceptance/test_exercise_sealed.py).
"""

from __future__ import annotations

import base64
import io
import shutil
import tarfile
from pathlib import Path

import pytest

from grader.errors import BadInput
from grader.exercise.files import MemoryFiles
from grader.exercise.load import load_exercise
from grader.exercise.seal import MAGIC, Sealed, archive, new_key, parse_key, seal

EXERCISE = Path(__file__).resolve().parents[2] / "exercises" / "sigmoid-basics"
KEY = bytes(range(32))


def test_keys_parse_from_base64_urlsafe_base64_and_hex() -> None:
    for text in (
        base64.b64encode(KEY),
        base64.urlsafe_b64encode(KEY),
        KEY.hex().encode(),
        b"  " + KEY.hex().upper().encode() + b"\n",
    ):
        assert parse_key(text) == bytearray(KEY), text
    assert len(parse_key(new_key().encode())) == 32


@pytest.mark.parametrize("text", [b"", b"abc", base64.b64encode(bytes(16)), b"zz" * 32])
def test_keys_of_the_wrong_size_or_alphabet_are_refused(text: bytes) -> None:
    with pytest.raises(BadInput, match="32 bytes"):
        parse_key(text)


def test_the_archive_is_deterministic_and_holds_only_the_instructor_part(tmp_path: Path) -> None:
    copy = tmp_path / "sigmoid-basics"
    shutil.copytree(EXERCISE, copy)
    first = archive(load_exercise(copy))
    (copy / "tests" / "hidden" / "__pycache__").mkdir(exist_ok=True)
    (copy / "tests" / "hidden" / "__pycache__" / "x.pyc").write_bytes(b"junk")
    for path in copy.rglob("*"):
        path.touch()  # new mtimes change nothing
    assert archive(load_exercise(copy)) == first
    with tarfile.open(fileobj=io.BytesIO(first)) as tar:
        names = tar.getnames()
        assert {m.mtime for m in tar.getmembers()} == {0}
    assert names == sorted(names)
    assert "tests/hidden/test_sigmoid_hidden.py" in names
    assert "solution/sigmoid.py" in names and "exercise.yaml" in names
    assert not [n for n in names if n.startswith(("starter", "wrong", "README"))]


def _sealed(tmp_path: Path, blob: bytes, key: bytes = KEY) -> Sealed:
    path = tmp_path / "x.sealed"
    path.write_bytes(blob)
    return Sealed.read(path, bytearray(base64.b64encode(key)))


def test_a_sealed_file_opens_to_the_same_files_and_zeroes_the_key(tmp_path: Path) -> None:
    ex = load_exercise(EXERCISE)
    blob, digest, count = seal(ex, KEY)
    assert blob.startswith(MAGIC) and len(digest) == 64 and count >= 4
    sealed = _sealed(tmp_path, blob)
    assert sealed.exercise_id == "sigmoid-basics"
    files = sealed.open()
    assert isinstance(files, MemoryFiles)
    hidden = EXERCISE / "tests" / "hidden" / "test_sigmoid_hidden.py"
    assert files.read("tests/hidden/test_sigmoid_hidden.py") == hidden.read_bytes()
    assert files.listing("tests/hidden", "test_*.py") == ["tests/hidden/test_sigmoid_hidden.py"]
    assert files.has_dir("tests/public") and not files.has_dir("tests/hid")
    assert files.filename("solution/sigmoid.py") == f"{tmp_path / 'x.sealed'}/solution/sigmoid.py"
    assert not any(sealed.key)


@pytest.mark.parametrize("where", ["header", "nonce", "body", "tag", "truncated"])
def test_any_change_is_refused(tmp_path: Path, where: str) -> None:
    blob = bytearray(seal(load_exercise(EXERCISE), KEY)[0])
    start = blob.index(b"\n", len(MAGIC)) + 1
    if where == "truncated":
        blob = blob[: start + 20]
    else:
        index = {
            "header": blob.index(b"sigmoid-basics"),
            "nonce": start + 3,
            "body": len(blob) // 2,
            "tag": len(blob) - 1,
        }[where]
        blob[index] ^= 0x20
    with pytest.raises(BadInput, match="wrong GRADER_SEAL_KEY, or the file was modified"):
        _sealed(tmp_path, bytes(blob)).open()


def test_a_wrong_key_is_refused(tmp_path: Path) -> None:
    blob = seal(load_exercise(EXERCISE), KEY)[0]
    with pytest.raises(BadInput, match="wrong GRADER_SEAL_KEY"):
        _sealed(tmp_path, blob, key=bytes(32)).open()


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"", "not a sealed file"),
        (b"PK\x03\x04 a zip", "not a sealed file"),
        (MAGIC + b"{not json\n" + bytes(40), "unreadable header"),
        (MAGIC + b'{"exercise": "x", "cipher": "ROT13"}\n' + bytes(40), "unreadable header"),
    ],
)
def test_files_that_are_not_sealed_files_are_refused(
    tmp_path: Path, blob: bytes, message: str
) -> None:
    with pytest.raises(BadInput, match=message):
        _sealed(tmp_path, blob)


def test_a_student_copy_is_not_sealed(tmp_path: Path) -> None:
    from grader.exercise.release import release

    release(load_exercise(EXERCISE), tmp_path)
    with pytest.raises(BadInput, match="student copy"):
        archive(load_exercise(tmp_path / "sigmoid-basics"))
