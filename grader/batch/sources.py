"""Finding the submissions: a folder of them, or an LMS bulk download, one per student.

Layouts recognised (each documented in docs/batch-grading.md):

- a plain folder (or zip) of per-student entries: ``alice.py``, ``bob.zip``, ``carol/``;
  the student is the name without its suffix;
- Canvas "Download Submissions": ``<name>[_LATE]_<user id>_<submission id>_<file>``;
- Moodle "Download all submissions": ``<Full Name>_<participant id>_assignsubmission_file_``
  (a folder per student, or that prefix before each file when not in folders);
- Gradescope "Export Submissions": ``submission_metadata.yml`` beside ``submission_<id>/``
  folders, the metadata naming each submission's submitters (name, sid, email).
"""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from grader.batch.ids import sanitise, unique
from grader.errors import BadInput

MAX_BULK_FILES = 50_000
MAX_BULK_BYTES = 4 * 2**30
RESERVED = ("gradebook", "class-report")  # names of the batch's own files in --out

CANVAS = re.compile(r"^(?P<login>[^_]+?)(?:_LATE)?_(?P<uid>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
MOODLE = re.compile(
    r"^(?P<name>.+?)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.*)$"
)
RESUBMITTED = re.compile(r"^(?P<stem>.+?)-\d+(?P<suffix>\.[^.]+)$")  # Canvas: sigmoid-1.py


@dataclass(frozen=True)
class Submission:
    student: str  # sanitised and unique in the batch: names the report file
    path: Path  # what the judge materialises (a file, folder or zip)
    origin: str  # the name it came under, sanitised for display
    lms_id: str = ""  # the LMS's id for the student, where the bulk download gives one
    name: str = ""  # the student's name as the LMS gives it (sanitised)
    problem: str = ""  # set when it could not even be unpacked: an error row, not a grade


def discover(source: Path, work: Path) -> tuple[str, list[Submission]]:
    """(layout, submissions): ``source`` is a folder or a bulk-download zip."""
    if source.is_file() and source.suffix == ".zip":
        folder, problems = _unpack_bulk(source, work / "bulk")
    elif source.is_dir():
        folder, problems = source, {}
    else:
        raise BadInput(f"{source}: not a folder of submissions or a bulk-download zip")
    folder = _single_top(folder)
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX")))
    if (folder / "submission_metadata.yml").is_file():
        layout, found = "gradescope", _gradescope(folder)
    elif entries and all(MOODLE.match(p.name) for p in entries):
        layout, found = "moodle", _moodle(entries, work / "moodle")
    elif entries and all(CANVAS.match(p.name) and p.is_file() for p in entries):
        layout, found = "canvas", _canvas(entries, work / "canvas")
    else:
        layout = "folder"
        found = [(p.stem if p.is_file() else p.name, p, p.name, "", "") for p in entries]
    origins = {f[2] for f in found}
    found += [(Path(n).stem, folder / n, n, "", "") for n in problems if n not in origins]
    names = unique([RESERVED[0], RESERVED[1], *(f[0] for f in found)])[len(RESERVED) :]
    submissions = [
        Submission(
            student=student,
            path=path,
            origin=sanitise(origin),
            lms_id=sanitise(lms_id) if lms_id else "",
            name=sanitise(name) if name else "",
            problem=problems.get(origin, ""),
        )
        for student, (_, path, origin, lms_id, name) in zip(names, found, strict=True)
    ]
    return layout, submissions


def _single_top(folder: Path) -> Path:
    """A bulk zip often holds one folder (``assignment_123_export/``): look inside it."""
    inside = [p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    one = len(inside) == 1 and inside[0].is_dir() and not MOODLE.match(inside[0].name)
    if one and ((inside[0] / "submission_metadata.yml").is_file() or folder.name == "bulk"):
        return inside[0]
    return folder


Found = tuple[str, Path, str, str, str]  # (student id, path, origin, lms id, name)


def _canvas(entries: list[Path], work: Path) -> list[Found]:
    groups: dict[tuple[str, str], list[tuple[Path, str]]] = defaultdict(list)
    for path in entries:
        m = CANVAS.match(path.name)
        assert m is not None
        original = m["file"]
        if again := RESUBMITTED.match(original):
            original = again["stem"] + again["suffix"]
        groups[(m["login"], m["uid"])].append((path, original))
    found: list[Found] = []
    for (login, uid), files in sorted(groups.items()):
        if len(files) == 1:
            path = _renamed(files[0][0], work / uid, files[0][1])
        else:
            path = work / uid / "files"
            path.mkdir(parents=True, exist_ok=True)
            for src, original in files:
                shutil.copyfile(src, path / Path(original).name)
        found.append((login, path, files[0][0].name, uid, login))
    return found


def _renamed(src: Path, folder: Path, name: str) -> Path:
    """The file under its original name (a zip stays a zip, a .py stays the entry)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(name).name
    shutil.copyfile(src, target)
    return target


def _moodle(entries: list[Path], work: Path) -> list[Found]:
    groups: dict[tuple[str, str], list[Path]] = defaultdict(list)
    for path in entries:
        m = MOODLE.match(path.name)
        assert m is not None
        if m["plugin"] != "file":
            continue  # online text, comments: nothing to run
        groups[(m["name"], m["pid"])].append(path)
    found: list[Found] = []
    for (name, pid), paths in sorted(groups.items()):
        if len(paths) == 1 and paths[0].is_dir():
            path = paths[0]
        elif len(paths) == 1:
            m = MOODLE.match(paths[0].name)
            assert m is not None
            path = _renamed(paths[0], work / pid, m["file"])
        else:
            path = work / pid / "files"
            path.mkdir(parents=True, exist_ok=True)
            for src in paths:
                m = MOODLE.match(src.name)
                assert m is not None
                if src.is_file():
                    shutil.copyfile(src, path / m["file"])
        found.append((name, path, paths[0].name, pid, name))
    return found


def _gradescope(folder: Path) -> list[Found]:
    import yaml

    metadata_path = folder / "submission_metadata.yml"
    try:
        metadata = yaml.safe_load(metadata_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise BadInput(f"{metadata_path}: cannot read: {exc}") from None
    if not isinstance(metadata, dict):
        raise BadInput(f"{metadata_path}: expected a mapping of submission folders")
    found: list[Found] = []
    for key, record in sorted(metadata.items(), key=lambda kv: str(kv[0])):
        path = folder / str(key)
        submitter = _first_submitter(record)
        sid = str(submitter.get("sid") or submitter.get(":sid") or "")
        name = str(submitter.get("name") or submitter.get(":name") or "")
        email = str(submitter.get("email") or submitter.get(":email") or "")
        student = sid or email.split("@")[0] or name or str(key)
        if path.exists():
            found.append((student, path, str(key), sid or email, name))
    return found


def _first_submitter(record: Any) -> dict[str, Any]:
    if isinstance(record, dict):
        submitters = record.get(":submitters") or record.get("submitters") or []
        if isinstance(submitters, list) and submitters and isinstance(submitters[0], dict):
            return submitters[0]
    return {}


def _unpack_bulk(source: Path, dest: Path) -> tuple[Path, dict[str, str]]:
    """Extract a bulk download; a member that cannot be read becomes a problem of its own
    (the student it belongs to gets an error row), never the end of the batch."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadInput(f"{source}: not a readable zip file ({exc})") from None
    problems: dict[str, str] = {}
    dest.mkdir(parents=True, exist_ok=True)
    total = 0
    with archive:
        members = archive.infolist()
        if len(members) > MAX_BULK_FILES:
            raise BadInput(f"{source}: more than {MAX_BULK_FILES} files")
        for member in members:
            name = PurePosixPath(member.filename.replace("\\", "/"))
            if name.is_absolute() or ".." in name.parts or not name.parts:
                continue
            if member.is_dir() or stat.S_ISLNK(member.external_attr >> 16):
                continue
            target = dest.joinpath(*name.parts)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as src, open(target, "wb") as out:
                    while chunk := src.read(1 << 16):
                        total += len(chunk)
                        if total > MAX_BULK_BYTES:
                            raise BadInput(f"{source}: larger than {MAX_BULK_BYTES >> 30} GiB")
                        out.write(chunk)
            except BadInput:
                raise
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError,
                    OSError, EOFError, ValueError) as exc:  # fmt: skip
                problems.setdefault(_owner(name), f"{member.filename!r} in {source.name}: {exc}")
                target.unlink(missing_ok=True)
    return dest, problems


def _owner(name: PurePosixPath) -> str:
    """The top-level entry (the student's file or folder) a member belongs to."""
    parts = name.parts
    if len(parts) > 2 and parts[0].endswith("_export"):
        return parts[1]  # Gradescope: assignment_<id>_export/submission_<id>/...
    return parts[0]
