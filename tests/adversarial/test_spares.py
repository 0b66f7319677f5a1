"""Spare jails (grader/runner/jail/spares.py), read as an attacker would.

The zygote builds the next ``namespaces`` jail while the current one runs. A spare must
be exactly what a fresh jail would have been for the request it serves: the cgroups of
that request's limits, covers over that request's hidden folders, nothing of another
jail's, nothing left when the zygote ends, and nothing a hostile predecessor could reach.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.exercise.load import load_exercise
from grader.report.model import Result
from grader.runner.jail import spares
from grader.runner.judge import Grader

sys.path.insert(0, str(Path(__file__).parent))
from test_hostile import _jails_left, spare_trees

ROOT_ = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or os.geteuid() != 0, reason="spares exist at the namespaces level"
)

HIDDEN_TEST = '''
from grader.exercise.api import points


@points(1)
def test_probe(submission):
    """what the submission reports"""
    got = submission.probe()
    assert got == "ok", got
'''


def _exercise(base: Path, name: str, processes: int) -> Path:
    root = base / name
    (root / "tests" / "hidden").mkdir(parents=True)
    (root / "tests" / "public").mkdir(parents=True)
    (root / "solution").mkdir()
    (root / "starter").mkdir()
    (root / "exercise.yaml").write_text(
        textwrap.dedent(f"""\
        id: {name}
        title: spare probe
        entry: probe.py
        limits: {{time_s: 5, total_time_s: 20, memory_mb: 256, processes: {processes}}}
        """)
    )
    (root / "tests" / "hidden" / "test_probe.py").write_text(HIDDEN_TEST)
    (root / "tests" / "public" / "test_probe_public.py").write_text(HIDDEN_TEST)
    for folder in ("solution", "starter"):
        (root / folder / "probe.py").write_text('def probe():\n    return "ok"\n')
    for path in [base, *base.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


@pytest.fixture(scope="module")
def lab() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="spares-lab-"))
    try:
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


def grade(grader: Grader, source: str, where: Path | None = None) -> Result:
    folder = Path(tempfile.mkdtemp(prefix="spares-sub-", dir=where))
    try:
        (folder / "probe.py").write_text(source)
        result = grader.grade(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert result.isolation == "namespaces", result.extra["sandbox"]
    return result


def message(result: Result) -> str:
    return result.tests[0].message or ""


def full(result: Result) -> bool:
    return result.score == result.max_score > 0


def wait_for_spares(zygote: int, count: int = spares.COUNT) -> list[set[int]]:
    deadline = time.monotonic() + 10
    while len(found := spare_trees(zygote)) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return found


# -- a spare serves only a request it was built for ----------------------------------------

FORKS = """
import os, time

def probe():
    children = []
    for _ in range(24):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(0.3)
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    return "ok" if len(children) == 24 else f"forked {len(children)}"
"""


def test_a_spare_built_for_other_limits_is_never_used(lab: Path) -> None:
    """The process limit is the pids cgroup's alone at this level: a spare made for a tight
    exercise serving a roomy one (or the other way) would show in the count of forks."""
    tight = Grader(load_exercise(_exercise(lab, "tight", processes=6)))
    roomy = Grader(load_exercise(_exercise(lab, "roomy", processes=64)))
    try:
        for _ in range(2):
            small = grade(tight, FORKS)
            assert small.score == 0 and message(small).startswith("forked "), message(small)
            assert int(message(small).split()[1]) < 6
            wait_for_spares(tight.zygote.pid)  # spares for the tight limits are ready
            big = grade(roomy, FORKS)
            assert full(big), message(big)
            wait_for_spares(roomy.zygote.pid)
    finally:
        tight.close()
        roomy.close()


SIBLING = """
import os

def probe():
    return "sees it" if os.path.exists(%r) else "ok"
"""


def test_a_spare_covers_the_folders_its_request_hides(lab: Path) -> None:
    """A submission folder inside a folder the jail must show (here /usr/local) is hidden
    with everything beside it, though the spare was built for a submission elsewhere."""
    shown = Path(tempfile.mkdtemp(prefix="spares-", dir="/usr/local/share"))
    try:
        (shown / "classmate.py").write_text("answers = 42\n")
        shown.chmod(0o755)
        (shown / "classmate.py").chmod(0o644)
        grader = Grader(load_exercise(_exercise(lab, "cover", processes=16)))
        try:
            source = SIBLING % str(shown / "classmate.py")
            # From /tmp, nothing hides that folder: the probe sees it (it can fail), and
            # the spares are built for this request.
            assert message(grade(grader, source)).startswith("sees it")
            assert wait_for_spares(grader.zygote.pid)
            for _ in range(spares.COUNT + 1):  # served by spares made for another folder
                inside = grade(grader, source, where=shown)
                assert full(inside), message(inside)
        finally:
            grader.close()
    finally:
        shutil.rmtree(shown, ignore_errors=True)


# -- a spare holds nothing of anyone else's ------------------------------------------------


def _inodes(pid: int) -> set[str]:
    out = set()
    folder = Path(f"/proc/{pid}/fd")
    for fd in os.listdir(folder) if folder.is_dir() else []:
        try:
            target = os.readlink(folder / fd)
        except OSError:
            continue
        if target.startswith(("socket:", "pipe:")):
            out.add(target)
    return out


def test_no_spare_holds_the_zygote_socket_or_another_jail_s_descriptors(lab: Path) -> None:
    grader = Grader(load_exercise(_exercise(lab, "fds", processes=16)))
    try:
        for _ in range(3):
            assert full(grade(grader, 'def probe():\n    return "ok"\n'))
        trees = wait_for_spares(grader.zygote.pid)
        assert len(trees) == spares.COUNT
        zygote_sockets = {i for i in _inodes(grader.zygote.pid) if i.startswith("socket:")}
        held = [set().union(*(_inodes(p) for p in tree)) for tree in trees]
        for i, mine in enumerate(held):
            # Its own socket's peer is the zygote's; the socket itself is never shared.
            assert not mine & zygote_sockets, "a spare holds one of the zygote's sockets"
            for theirs in held[i + 1 :]:
                assert not mine & theirs, "two spares share a descriptor"
    finally:
        grader.close()


# -- nothing is left when the zygote ends --------------------------------------------------

AFTER_EXIT = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from grader.exercise.load import load_exercise
from grader.runner.judge import Grader
from test_spares import spare_trees, wait_for_spares

sub = Path(sys.argv[3])
with Grader(load_exercise(sys.argv[1])) as g:
    result = g.grade(sub)
    assert result.score == result.max_score > 0
    trees = wait_for_spares(g.zygote.pid)
    roots = [str(p) for p in Path("/tmp").glob("jail-spare-root-*")]
    print(json.dumps({"pids": sorted(p for t in trees for p in t), "roots": roots}))
"""


def test_the_zygote_ending_leaves_no_spare_no_cgroup_no_mount_point(lab: Path) -> None:
    exercise = _exercise(lab, "exit", processes=16)
    sub = lab / "exit-sub"
    sub.mkdir()
    (sub / "probe.py").write_text('def probe():\n    return "ok"\n')
    before = set(Path("/tmp").glob("jail-spare-root-*"))
    proc = subprocess.run(
        [sys.executable, "-c", AFTER_EXIT, str(exercise), str(Path(__file__).parent), str(sub)],
        capture_output=True, text=True, timeout=120, cwd=ROOT_,
        env={**os.environ, "TMPDIR": "/tmp"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(seen["pids"]) == 2 * spares.COUNT
    supervisors = seen["pids"]
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{p}").exists() for p in supervisors) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in supervisors if Path(f"/proc/{p}").exists()]
    for pid in supervisors:
        for controller in ("memory", "pids", "cpu"):
            assert not Path(f"/sys/fs/cgroup/{controller}/grader/jail-{pid}").exists()
            assert not Path(f"/sys/fs/cgroup/grader-jail-{pid}").exists()
    assert set(Path("/tmp").glob("jail-spare-root-*")) <= before


# -- a hostile submission cannot reach the jail that serves the next one ---------------------

PLANT = """
import glob, os, signal, socket

def probe():
    planted = []
    try:  # an abstract socket, for the next jail to find
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind("\\0grader-spare-plant")
        s.listen(1)
        globals()["_keep"] = s
        planted.append("abstract socket")
    except OSError:
        pass
    for path in ("/tmp/plant", "/home/student/../plant", "/dev/shm/plant"):
        try:
            with open(path, "w") as f:
                f.write("x")
            planted.append(path)
        except OSError:
            pass
    seen = glob.glob("/tmp/jail-spare-root-*") + glob.glob("/sys/fs/cgroup/*")
    others = [p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]
    for pid in others:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass
    return "ok" if not seen and not others else f"seen {seen} others {others} planted {planted}"
"""

FIND = """
import os, socket

def probe():
    found = []
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect("\\0grader-spare-plant")
        found.append("abstract socket")
    except OSError:
        pass
    found += [p for p in ("/tmp/plant", "/plant", "/dev/shm/plant") if os.path.exists(p)]
    return "ok" if not found else "found " + ", ".join(found)
"""


def test_a_hostile_jail_cannot_reach_the_spare_that_serves_the_next_submission(
    lab: Path,
) -> None:
    grader = Grader(load_exercise(_exercise(lab, "plant", processes=16)))
    try:
        assert full(grade(grader, 'def probe():\n    return "ok"\n'))
        assert wait_for_spares(grader.zygote.pid)  # built before the hostile one runs
        hostile = grade(grader, PLANT)
        assert full(hostile), message(hostile)  # it saw no spare, no neighbour
        for _ in range(spares.COUNT + 1):  # served by spares made before and during it
            after = grade(grader, FIND)
            assert full(after), message(after)
        deadline = time.monotonic() + 5
        while _jails_left(grader.zygote.pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _jails_left(grader.zygote.pid)
    finally:
        grader.close()


# -- what graders killed before us left behind ---------------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert not Path(f"/proc/{proc.pid}").exists()
    return proc.pid


def _groups(name: str) -> list[Path]:
    from grader.runner.jail.cgroups import ROOT

    return [ROOT / c / "grader" / name for c in ("memory", "pids")]


@pytest.mark.skipif(
    not Path("/sys/fs/cgroup/memory").is_dir(), reason="the v1 memory controller is not mounted"
)
def test_a_new_zygote_removes_the_groups_of_dead_supervisors_only() -> None:
    """A grader SIGKILLed mid-run leaves its jails' groups behind; the next zygote removes
    those whose supervisor is gone and that hold no process, and nothing else."""
    dead = _groups(f"jail-{_dead_pid()}")
    alive = _groups(f"jail-{os.getpid()}")  # a live pid: never touched
    for group in dead + alive:
        group.mkdir(parents=True, exist_ok=True)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", "from grader.runner.judge.pool import Zygote\n"
             "z = Zygote.start(); z._wait_ready(); z.close()"],
            capture_output=True, text=True, timeout=120, cwd=ROOT_,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert not any(g.exists() for g in dead), "a dead supervisor's group is left"
        assert all(g.exists() for g in alive), "a live pid's group was removed"
    finally:
        for group in dead + alive:
            with contextlib.suppress(OSError):
                group.rmdir()
