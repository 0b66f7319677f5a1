"""Sealed hidden tests: the instructor-only part of an exercise in one encrypted file.

A sealed file is::

    grader-sealed/1\\n
    {"exercise": "<id>", "cipher": "AES-256-GCM"}\\n      (the header, authenticated)
    12-byte random nonce
    AES-256-GCM ciphertext + tag of a tar archive

The archive holds ``exercise.yaml``, ``tests/public/``, ``tests/hidden/`` and
``solution/``: everything the judge trusts when grading, so a student's edits to their
copy of the tests or of ``exercise.yaml`` change nothing. It is built deterministically
(sorted names, fixed times and owners), so the same folder always gives the same content.

The key comes from the ``GRADER_SEAL_KEY`` environment variable (32 bytes, base64 or hex).
``take_key`` reads it and wipes it from the environment before any jail exists; the
archive is decrypted into the judge's memory only, after the zygote has been forked.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import io
import json
import os
import secrets
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.errors import BadInput
from grader.exercise.files import MemoryFiles
from grader.exercise.model import Exercise

KEY_ENV = "GRADER_SEAL_KEY"
MAGIC = b"grader-sealed/1\n"
CIPHER = "AES-256-GCM"
NONCE_BYTES = 12
MAX_SEALED_BYTES = 64 * 2**20
# What the judge reads; the rest of the folder (starter, README, wrong/) is not sealed.
SEALED = ("exercise.yaml", "tests/public", "tests/hidden", "solution")
SKIP = {"__pycache__", ".git", ".ipynb_checkpoints"}


def new_key() -> str:
    """A fresh random key, as the base64 text ``GRADER_SEAL_KEY`` expects."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def parse_key(text: bytes | bytearray) -> bytearray:
    """32 key bytes from base64 (standard or URL-safe) or hex text."""
    raw = bytes(text).strip()
    key = b""
    with contextlib.suppress(ValueError, binascii.Error):
        key = bytes.fromhex(raw.decode("ascii")) if len(raw) == 64 else b""
    if not key:
        with contextlib.suppress(ValueError, binascii.Error):
            key = base64.b64decode(raw.replace(b"-", b"+").replace(b"_", b"/"), validate=True)
    if len(key) != 32:
        raise BadInput(
            f"{KEY_ENV} is not a key: expected 32 bytes as base64 or hex "
            "(make one with `grader exercise seal-key`)"
        )
    return bytearray(key)


def take_key() -> bytearray:
    """Read the key's text and remove it from this process's environment.

    Besides ``os.environ``, the original environment block (what ``/proc/self/environ``
    shows) is overwritten, so a jail forked later finds the key in neither. The returned
    buffer is zeroed in every child forked from here on.
    """
    value = _wipe_environment(KEY_ENV)
    if not value:
        raise BadInput(
            f"{KEY_ENV} is not set: grading with --sealed needs the key the file was sealed "
            "with (see docs/ci-guide.md)"
        )
    os.register_at_fork(after_in_child=lambda: _zero(value))
    return value


def _zero(buf: bytearray) -> None:
    for i in range(len(buf)):
        buf[i] = 0


def _wipe_environment(name: str) -> bytearray:
    encoded = name.encode()
    data = os.environ._data  # type: ignore[attr-defined]  # the bytes os.environ wraps
    held = data.get(encoded) if isinstance(data, dict) else None
    value = bytearray(held) if isinstance(held, bytes) else bytearray()
    if sys.platform != "win32":
        import ctypes

        try:
            libc = ctypes.CDLL(None)
            libc.getenv.restype = ctypes.c_void_p
            libc.getenv.argtypes = [ctypes.c_char_p]
            libc.strlen.restype = ctypes.c_size_t
            libc.strlen.argtypes = [ctypes.c_void_p]
            ptr = libc.getenv(encoded)
            if ptr:  # the C string lives in the initial environment block: overwrite it
                ctypes.memset(ptr, ord("x"), libc.strlen(ptr))
            if isinstance(held, bytes) and len(held) > 1:
                # Python's own copy of the value, wiped in place before it is dropped.
                offset = sys.getsizeof(b"") - 1
                ctypes.memset(id(held) + offset, ord("x"), len(held))
        except (OSError, AttributeError):
            pass  # no libc to reach: removing it from os.environ is what remains
    os.environ.pop(name, None)
    return value


# -- sealing ---------------------------------------------------------------------------------


def archive(exercise: Exercise) -> bytes:
    """The deterministic tar of the instructor-only files of ``exercise``."""
    root = exercise.root
    if not exercise.hidden_tests.is_dir() and not exercise.solution.is_dir():
        raise BadInput(
            f"{root} is a student copy (no tests/hidden/, no solution/): seal the "
            "instructor's copy of the exercise"
        )
    files: list[tuple[str, Path]] = []
    for rel in SEALED:
        src = root / rel
        if src.is_file() and not src.is_symlink():
            files.append((rel, src))
        elif src.is_dir():
            for path in src.rglob("*"):
                parts = path.relative_to(root).parts
                if path.is_symlink() or not path.is_file() or SKIP & set(parts):
                    continue
                if path.suffix == ".pyc":
                    continue
                files.append(("/".join(parts), path))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for rel, path in sorted(files):
            data = path.read_bytes()
            info = tarfile.TarInfo(rel)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def seal(exercise: Exercise, key: bytes | bytearray) -> tuple[bytes, str, int]:
    """(sealed file bytes, sha256 of the archive, number of files)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    content = archive(exercise)
    header = MAGIC + json.dumps({"exercise": exercise.id, "cipher": CIPHER}).encode() + b"\n"
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(bytes(key)).encrypt(nonce, content, header)
    with tarfile.open(fileobj=io.BytesIO(content)) as tar:
        count = len(tar.getmembers())
    return header + nonce + sealed, hashlib.sha256(content).hexdigest(), count


# -- opening ---------------------------------------------------------------------------------


@dataclass
class Sealed:
    """A sealed file read from disk and its key, not yet decrypted.

    ``open`` is called by the judge after its zygote is running, so the plaintext never
    exists in a process that a jail is forked from.
    """

    path: Path
    blob: bytes
    exercise_id: str
    key: bytearray = field(repr=False)

    @classmethod
    def read(cls, path: Path | str, key: bytearray) -> Sealed:
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_SEALED_BYTES:
                raise BadInput(f"{path}: larger than a sealed file can be")
            blob = path.read_bytes()
        except OSError as exc:
            raise BadInput(f"{path}: cannot read the sealed file: {exc.strerror or exc}") from None
        if not blob.startswith(MAGIC):
            raise BadInput(f"{path}: not a sealed file of grader (made by `grader exercise seal`)")
        end = blob.find(b"\n", len(MAGIC), len(MAGIC) + 4096)
        try:
            header = json.loads(blob[len(MAGIC) : end]) if end > 0 else None
        except ValueError:
            header = None
        if not isinstance(header, dict) or header.get("cipher") != CIPHER:
            raise BadInput(f"{path}: damaged sealed file (unreadable header)")
        return cls(path, blob, str(header.get("exercise")), key)

    def check_exercise(self, exercise: Exercise) -> None:
        if self.exercise_id != exercise.id:
            raise BadInput(
                f"{self.path}: sealed for exercise '{self.exercise_id}', not '{exercise.id}'"
            )

    def open(self) -> MemoryFiles:
        """Verify and decrypt into memory; the key is zeroed afterwards."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        split = self.blob.index(b"\n", len(MAGIC)) + 1
        header, nonce, sealed = (
            self.blob[:split],
            self.blob[split : split + NONCE_BYTES],
            self.blob[split + NONCE_BYTES :],
        )
        try:
            key = parse_key(self.key)
            content = AESGCM(bytes(key)).decrypt(nonce, sealed, header)
        except (InvalidTag, ValueError):
            raise BadInput(
                f"{self.path}: cannot open the sealed file: wrong {KEY_ENV}, "
                "or the file was modified"
            ) from None
        finally:
            _zero(self.key)
        return MemoryFiles(_unpack(content, self.path), str(self.path))


def _unpack(content: bytes, where: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(content)) as tar:
        for member in tar.getmembers():
            name = PurePosixPath(member.name)
            if not member.isfile() or name.is_absolute() or ".." in name.parts:
                raise BadInput(f"{where}: unexpected entry {member.name!r} in the sealed archive")
            handle = tar.extractfile(member)
            if handle is not None:
                files[str(name)] = handle.read()
    return files


def sealed_exercise(student_copy: Exercise, files: MemoryFiles) -> Exercise:
    """The exercise as sealed: its exercise.yaml wins over the (editable) student copy's."""
    from grader.exercise.load import load_exercise

    data = files.read("exercise.yaml")
    if data is None:
        return student_copy
    exercise = load_exercise(
        student_copy.root,
        text=data.decode("utf-8"),
        label=files.filename("exercise.yaml"),
    )
    if exercise.id != student_copy.id:
        raise BadInput(
            f"{files.label}: sealed for exercise '{exercise.id}', not '{student_copy.id}'"
        )
    return exercise
