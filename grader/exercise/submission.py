"""A submission (a .py file, a folder or a .zip) -> a clean folder of regular files.

Everything here treats the submission as hostile input: no symlinks, no paths that climb
out of the folder, caps on file count and total size (a zip bomb stops at the cap).
"""

from __future__ import annotations

import shutil
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from grader.errors import BadInput

MAX_FILES = 200
MAX_BYTES = 16 * 2**20
SKIP_DIRS = {"__pycache__", ".git", ".ipynb_checkpoints", "__MACOSX"}


def materialize(source: Path, entry: str, dest: Path) -> Path:
    """Copy the submission into ``dest`` (created) and return it; ``dest/entry`` exists."""
    if not source.exists():
        raise BadInput(f"{source}: no such file or folder")
    dest.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        _copy_folder(source, dest)
    elif source.suffix == ".zip":
        _extract_zip(source, dest)
    elif source.suffix == ".py":
        _check_size(source.stat().st_size, source)
        shutil.copyfile(source, dest / entry)  # a lone file is the entry, whatever its name
    else:
        raise BadInput(f"{source}: a submission is a .py file, a folder or a .zip")
    if not (dest / entry).is_file():
        # A folder or zip with everything inside one top-level folder is common.
        inner = [p for p in dest.iterdir() if p.is_dir()]
        if len(inner) == 1 and (inner[0] / entry).is_file() and len(list(dest.iterdir())) == 1:
            return inner[0]
        raise BadInput(f"{source}: the submission has no {entry}")
    return dest


def _check_size(size: int, where: Path | str) -> None:
    if size > MAX_BYTES:
        raise BadInput(f"{where}: the submission is larger than {MAX_BYTES // 2**20} MiB")


def _copy_folder(source: Path, dest: Path) -> None:
    count = total = 0
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if any(part in SKIP_DIRS for part in rel.parts):
            continue
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            continue  # a link could point at anything on the grading machine
        if stat.S_ISDIR(mode):
            (dest / rel).mkdir(parents=True, exist_ok=True)
        elif stat.S_ISREG(mode):
            count += 1
            total += path.stat().st_size
            if count > MAX_FILES:
                raise BadInput(f"{source}: more than {MAX_FILES} files")
            _check_size(total, source)
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest / rel)


def _extract_zip(source: Path, dest: Path) -> None:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise BadInput(f"{source}: not a readable zip file ({exc})") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_FILES:
            raise BadInput(f"{source}: more than {MAX_FILES} files")
        seen: set[str] = set()
        total = 0
        for member in members:
            name = PurePosixPath(member.filename.replace("\\", "/"))
            if name.is_absolute() or ".." in name.parts or not name.parts:
                raise BadInput(f"{source}: unsafe path in zip: {member.filename!r}")
            if any(part in SKIP_DIRS for part in name.parts):
                continue
            if stat.S_ISLNK(member.external_attr >> 16):
                continue
            if str(name) in seen:
                raise BadInput(f"{source}: two files named {member.filename!r} in the zip")
            seen.add(str(name))
            try:
                total = _extract_member(archive, member, dest.joinpath(*name.parts), total, source)
            except BadInput:
                raise
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise BadInput(f"{source}: {member.filename!r} is damaged ({exc})") from None
            except NotImplementedError as exc:  # an unsupported compression method
                raise BadInput(f"{source}: {member.filename!r}: {exc}") from None
            except RuntimeError as exc:  # an encrypted member
                raise BadInput(f"{source}: {member.filename!r} cannot be read ({exc})") from None
            except (OSError, ValueError) as exc:  # a file and a folder of one name, long names
                why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                raise BadInput(f"{source}: cannot unpack {member.filename!r}: {why}") from None


def _extract_member(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, total: int, source: Path
) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(member) as src, open(target, "wb") as out:
        # Count real bytes, not the header's claim: a zip bomb lies about sizes.
        while chunk := src.read(1 << 16):
            total += len(chunk)
            _check_size(total, source)
            out.write(chunk)
    return total
