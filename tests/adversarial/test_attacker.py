"""A determined attacker who has read the runner's source, one class of attack at a time.

Each class below is an issue that was found by aiming at the runner's design; each test
keeps a hostile submission for it, run at every isolation level where it applies, and
checks the honest verdict, that nothing leaked and that no neighbour was touched.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.exercise.load import load_exercise
from grader.report.model import Result
from grader.report.registry import render
from grader.runner.judge import Grader

sys.path.insert(0, str(Path(__file__).parent))
from test_hostile import CORRECT, EXERCISE, HIDDEN_MARKER, SIGMOID_TESTS, _jails_left

LIMITS = """
id: sigmoid-basics
title: attacker copy
entry: sigmoid.py
limits: {time_s: 1.0, total_time_s: 10, import_time_s: 8, memory_mb: 256, processes: 16,
         output_kb: 64}
"""

ROOT = os.geteuid() == 0
LINUX = sys.platform == "linux"
# Levels a fork-started jail can be asked for here, plus "spawn" (GRADER_JAIL=spawn).
LEVELS = (["namespaces", "uid"] if ROOT else []) + ["userns", "rlimits", "spawn"]


def _copy(base: Path) -> Path:
    copy = base / "sigmoid-basics"
    shutil.copytree(EXERCISE, copy)
    (copy / "exercise.yaml").write_text(LIMITS)
    with (copy / "tests" / "hidden" / "test_sigmoid_hidden.py").open("a") as f:
        f.write(f"\n# {HIDDEN_MARKER}\n")
    for path in [base, *base.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)  # world-readable on purpose
    return copy


@pytest.fixture(scope="module")
def lab() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="attacker-lab-"))
    try:
        yield _copy(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


_graders: dict[str, Grader] = {}


def grader_for(lab: Path, level: str) -> Grader:
    if level not in _graders:
        saved = os.environ.get("GRADER_JAIL")
        os.environ["GRADER_JAIL"] = "spawn" if level == "spawn" else "fork"
        try:
            max_level = "rlimits" if level == "spawn" else level
            _graders[level] = Grader(load_exercise(lab), max_level=max_level)
        finally:
            if saved is None:
                os.environ.pop("GRADER_JAIL", None)
            else:
                os.environ["GRADER_JAIL"] = saved
    return _graders[level]


def grade(lab: Path, level: str, source: str, **files: str) -> Result:
    folder = Path(tempfile.mkdtemp(prefix="attacker-sub-"))
    try:
        (folder / "sigmoid.py").write_text(source)
        for name, text in files.items():
            target = folder / name.replace("__", "/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        result = _graders_get(lab, level).grade(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if level == "userns" and result.isolation != "userns":
        pytest.skip(f"user namespaces are refused here: {result.extra['sandbox']}")
    return result


def _graders_get(lab: Path, level: str) -> Grader:
    return grader_for(lab, level)


def passed(result: Result) -> set[str]:
    return {str(t.id).split("::")[1] for t in result.tests if t.status == "passed"}


# -- 1. secrets reach the jail -------------------------------------------------------------

# The marker is split so that no file or jail-side string ever holds it whole: finding it
# whole in the jail's memory means it came from the judge.
HALF_A, HALF_B = "JUDGE-ONLY-SECRET-", "7c41d2e9"
SNOOP = (
    f"""
import gc, os, re
A, B = {HALF_A!r}, {HALF_B!r}
PLANT = os.path.exists("plant")  # the control: put the secret in our own memory on purpose
planted = (A + B) if PLANT else None

def whole(data):
    a, b = A.encode(), B.encode()
    start = data.find(a)
    while start >= 0:
        if data[start + len(a): start + len(a) + len(b)] == b:
            return True
        start = data.find(a, start + 1)
    return False

found = []
for name, value in os.environ.items():
    if A in value:
        found.append("os.environ " + name)
for path in ("/proc/self/environ", "/proc/self/cmdline", "/proc/1/environ", "/proc/1/cmdline"):
    try:
        with open(path, "rb") as f:
            if whole(f.read()):
                found.append(path)
    except OSError:
        pass
try:
    for entry in os.listdir("/proc"):
        for leaf in ("environ", "cmdline"):
            try:
                with open(f"/proc/{{entry}}/{{leaf}}", "rb") as f:
                    if whole(f.read()):
                        found.append(f"/proc/{{entry}}/{{leaf}}")
            except OSError:
                pass
except OSError:
    pass
scanned = 0
import ctypes
try:
    with open("/proc/self/maps") as maps:
        regions = [line.split() for line in maps]
except OSError as exc:
    regions = []
    print("memory scan refused:", type(exc).__name__)
for fields in regions:
    # Anonymous memory only (heap, stack, arenas): where a forked judge's secrets would be;
    # file-backed mappings may fault past their end.
    if "r" not in fields[1] or (len(fields) > 5 and not fields[5].startswith(("[heap", "[stack"))):
        continue
    lo, hi = (int(x, 16) for x in fields[0].split("-"))
    tail = b""
    while lo < hi and scanned < 3 << 30:
        size = min(hi - lo, 1 << 22)
        chunk = ctypes.string_at(lo, size)
        scanned += size
        if whole(tail + chunk):
            found.append("memory")
            break
        tail = chunk[-64:]
        lo += size
print("scanned", scanned >> 20, "MiB; found", sorted(set(found)))
"""
    + CORRECT
)


SECRET_SCRIPT = r"""
import json, os, sys
from pathlib import Path
from grader.exercise.load import load_exercise
from grader.runner.judge import Grader
# What a grade-all judge holds before any jail exists: every classmate's path, argv, env.
classmates = [f"/submissions/{sys.argv[3]}-{i}" for i in range(50)]
out = {}
for level in sys.argv[4:]:
    os.environ["GRADER_JAIL"] = "spawn" if level == "spawn" else "fork"
    grader = Grader(load_exercise(sys.argv[1]), max_level="rlimits" if level == "spawn" else level)
    for kind in ("snoop", "plant"):
        result = grader.grade(Path(sys.argv[2]) / kind)
        out[f"{level}/{kind}"] = {"output": result.output, "isolation": result.isolation,
                                  "score": result.score}
print(json.dumps(out))
"""


@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_no_secret_of_the_judge_reaches_the_jail_at_any_level(lab: Path, tmp_path: Path) -> None:
    secret = HALF_A + HALF_B
    for kind in ("snoop", "plant"):
        (tmp_path / kind).mkdir()
        (tmp_path / kind / "sigmoid.py").write_text(SNOOP)
    (tmp_path / "plant" / "plant").write_text("")
    levels = [lvl for lvl in LEVELS if lvl != "userns"]
    proc = subprocess.run(
        [sys.executable, "-c", SECRET_SCRIPT, str(lab), str(tmp_path), secret, *levels],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "CI_DEPLOY_TOKEN": secret, "GRADER_SEAL_KEY": secret},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    for level in levels:
        snoop, plant = out[f"{level}/snoop"], out[f"{level}/plant"]
        assert "found []" in snoop["output"], (level, snoop["output"])
        assert snoop["score"] == 12.0, (level, snoop)
        # The control proves the scan can see: a copy planted in the jail's own memory is
        # found (where the jail may read its own memory at all).
        if "memory scan refused" not in plant["output"]:
            assert "'memory'" in plant["output"], (level, plant["output"])
        assert secret not in snoop["output"] + plant["output"]


# -- 2. one submission must not abort the grade (malformed frames) ---------------------------

FORGE = """
import json, os, stat, struct
import torch

def forge(tree, blobs=b""):
    head = json.dumps(tree).encode()
    body = struct.pack(">I", len(head)) + head + blobs
    frame = struct.pack(">I", len(body)) + body
    for fd in range(3, 64):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode) or stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, frame)
        except OSError:
            pass

def sigmoid(x):
    forge(%s)
    return torch.sigmoid(x)

def sigmoid_derivative(x):
    s = 1 / (1 + torch.exp(-x.clamp(-500, 500)))
    return s * (1 - s)

def chain_derivative(x, depth):
    return torch.full((7,), 0.3)
"""

FRAMES = {
    "a huge integer": '{"ok": {"$": "bigint", "v": "9" * 100000}}',
    "an impossible shape": '{"ok": {"$": "ndarray", "dtype": "float64", "shape": [2**39, 2**39],'
    ' "b": [0, 0]}}',
    "a size that overflows": '{"ok": {"$": "bytes", "b": [2**63, 2**63]}}',
    "one blob referenced a thousand times": '{"ok": [{"$": "bytes", "b": [0, 1 << 20]}] * 1000},'
    ' b"\\0" * (1 << 20)',
    "a header of megabytes": '{"ok": [0] * 3000000}',
    "nesting ten thousand deep": 'json.loads("[" * 10000 + "]" * 10000)',
}


@pytest.mark.parametrize("level", ["namespaces" if ROOT else "userns", "spawn"])
@pytest.mark.parametrize("frame", sorted(FRAMES))
def test_a_malformed_frame_costs_its_test_and_nothing_else(
    lab: Path, level: str, frame: str
) -> None:
    result = grade(lab, level, FORGE % FRAMES[frame])
    assert not SIGMOID_TESTS & passed(result), [t.message for t in result.tests]
    # The tests that never call sigmoid still pass: the grade went on.
    assert {"test_derivative_at_zero", "test_derivative_matches_autograd"} <= passed(result)


# -- 3. reports can be forged or broken -----------------------------------------------------

FORGER = r"""
import sys
sys.stdout.write("\x1b[2J\x1b[H\x1b]0;pwned\x07\rScore: 12/12 passed\x1b[31m\u202eevil\n")
sys.stdout.write("\udc80 lone surrogate\n")
Huge = type("E" * 40_000_000, (Exception,), {})
def sigmoid(x):
    raise ValueError("\x1b[2J\x1b]0;title\x07\rall passed \udc80 \u202e" + "x" * 10_000_000)
def sigmoid_derivative(x):
    raise Huge("\x1b[1A\x1b[2K 12/12")
def chain_derivative(x, depth):
    class Odd(Exception):
        pass
    Odd.__name__ = "Odd\x1b[2J\n" + "\udc81"
    raise Odd("\x9b2J C1 control")
"""


def test_student_text_cannot_forge_or_break_any_report(lab: Path) -> None:
    level = "namespaces" if ROOT else "userns"
    result = grade(lab, level, FORGER)
    assert result.score == 0.0
    for fmt in ("text", "json", "junit", "gradescope", "html", "csv"):
        report = render(result, fmt)
        data = report.encode("utf-8")  # no lone surrogate survives
        assert len(data) < 3_000_000, (fmt, len(data))
        for bad in ("\x1b", "\x07", "\r", "\x9b", "\u202e", "\udc80"):
            assert bad not in report, (fmt, repr(bad))
    text = render(result, "text")
    assert "\\x1b[2J" in text  # shown, not obeyed


# -- 4. one submission must not hurt its neighbours -----------------------------------------

SPINNER = """
import os, time
for _ in range(8):
    if os.fork() == 0:
        while True:
            pass
""" + CORRECT.replace(
    "def sigmoid(x):", "def sigmoid(x):\n    time.sleep(0.8)\n    return x\n\ndef _x(x):"
)

# Honest, correct and slow: 0.4 s of CPU per call on larger inputs, under the 1 s limit.
SLOW_HONEST = (
    CORRECT.replace(
        "def sigmoid(x):",
        "def sigmoid(x):\n    if x.numel() >= 32:\n        _burn()\n    return _sigmoid(x)\n\n"
        "def _sigmoid(x):",
    )
    + """
import time
def _burn():
    end = time.process_time() + 0.4
    while time.process_time() < end:
        pass
"""
)

BIG_FRAME = CORRECT.replace(
    "def sigmoid(x):", "def sigmoid(x):\n    return list(range(3_000_000))\n\ndef _s(x):"
)


@pytest.mark.parametrize("level", [*(["namespaces", "uid"] if ROOT else ["userns"]), "rlimits"])
def test_an_honest_slow_neighbour_keeps_full_marks_beside_hostile_ones(
    lab: Path, level: str
) -> None:
    grader = grader_for(lab, level)
    for _run in range(2):
        results: dict[str, Result] = {}

        def one(name: str, source: str, out: dict[str, Result] = results) -> None:
            out[name] = grade(lab, level, source)

        threads = [
            threading.Thread(target=one, args=(n, s))
            for n, s in (("honest", SLOW_HONEST), ("spinner", SPINNER), ("big", BIG_FRAME))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        honest = results["honest"]
        assert honest.score == 12.0, [
            (t.name, t.message) for t in honest.tests if t.score < t.max_score
        ]
        assert results["spinner"].score < 12.0 and results["big"].score < 12.0
        deadline = time.monotonic() + 5  # supervisors finish their sweep, then end
        while _jails_left(grader.zygote.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _jails_left(grader.zygote.pid), "a jail outlived its grading"


# -- 5. jails reach each other ----------------------------------------------------------------

NEIGHBOUR_ATTACK = (
    """
import os, signal, time
me = os.getpid()
print("uid", os.getuid())
hit = []
for pid in range(max(2, me - 3000), me + 3000):
    if pid == me:
        continue
    try:
        os.kill(pid, signal.SIGKILL)
        hit.append(pid)
    except OSError:
        pass
try:
    os.kill(-1, signal.SIGKILL)  # everyone it may signal: nobody but itself
except OSError:
    pass
for pid in range(max(2, me - 3000), me + 3000):
    if pid == me:
        continue
    try:
        with open(f"/proc/{pid}/cwd/sigmoid.py", "w") as f:
            f.write("def sigmoid(x): return x\\n")
        hit.append(f"wrote {pid}")
    except OSError:
        pass
print("hit", hit)
"""
    + CORRECT
)

PATIENT = (
    """
import os, time
print("uid", os.getuid())
time.sleep(0.6)  # still alive while the attacker strikes
"""
    + CORRECT
)


@pytest.mark.skipif(not ROOT, reason="a uid per jail needs root")
@pytest.mark.parametrize("level", ["uid", "namespaces"])
def test_concurrent_jails_have_their_own_uids_and_cannot_touch_each_other(
    lab: Path, level: str
) -> None:
    results: dict[str, Result] = {}

    def one(name: str, source: str) -> None:
        results[name] = grade(lab, level, source)

    threads = [threading.Thread(target=one, args=("patient", PATIENT))]
    threads.append(threading.Thread(target=one, args=("attacker", NEIGHBOUR_ATTACK)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert results["patient"].score == 12.0, results["patient"].tests
    uids = {r.output.split("uid ", 1)[1].split()[0] for r in results.values()}
    assert len(uids) == 2 and "0" not in uids and "65534" not in uids, uids
    assert "hit []" in results["attacker"].output, results["attacker"].output


# -- 6. the syscall filter has no hole ---------------------------------------------------------

SYSCALLS = (
    r"""
import ctypes, mmap, os, platform
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
out = {}
if platform.machine() == "x86_64":
    # socket(AF_INET, SOCK_STREAM, 0) through the i386 entry (int 0x80, call 359).
    code = bytes.fromhex("b867010000" "bb02000000" "b901000000" "ba00000000" "cd80" "c3")
    buf = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    buf.write(code)
    addr = ctypes.addressof(ctypes.c_char.from_buffer(buf))
    out["i386 socket"] = ctypes.CFUNCTYPE(ctypes.c_int)(addr)()
    out["x32 socket"] = libc.syscall(0x40000000 | 41, 2, 1, 0)
    nrs = {"add_key": 248, "keyctl": 250, "io_uring_setup": 425, "unshare": 272, "ptrace": 101}
else:
    nrs = {"add_key": 217, "keyctl": 219, "io_uring_setup": 425, "unshare": 97, "ptrace": 117}
out["add_key"] = libc.syscall(nrs["add_key"], b"user", b"k", b"v", 1, -3)  # session keyring
out["keyctl join"] = libc.syscall(nrs["keyctl"], 1, b"grader-leftover")
out["io_uring_setup"] = libc.syscall(nrs["io_uring_setup"], 8, ctypes.create_string_buffer(120))
out["unshare user"] = libc.syscall(nrs["unshare"], 0x10000000)
out["ptrace attach 1"] = libc.syscall(nrs["ptrace"], 16, 1, 0, 0)
print("syscalls", sorted(out.items()))
"""
    + CORRECT
)


@pytest.mark.skipif(platform.machine() not in ("x86_64", "aarch64") or not LINUX, reason="Linux")
@pytest.mark.parametrize("level", LEVELS)
def test_foreign_abis_keyrings_io_uring_and_namespaces_are_refused(lab: Path, level: str) -> None:
    result = grade(lab, level, SYSCALLS)
    assert result.score == 12.0, result.tests
    line = next(x for x in result.output.splitlines() if x.startswith("syscalls"))
    values = dict(eval(line.removeprefix("syscalls ")))  # our own repr of a list of pairs
    assert values and all(v < 0 for v in values.values()), line


# -- 7. the spawned jail is a jail ---------------------------------------------------------------

SHADOW = 'import sys\nsys.stdout.write("PWNED by %s\\n")\n'


def test_a_spawned_jail_imports_nothing_of_the_submission_in_graders_place(lab: Path) -> None:
    files = {
        "grader____init__.py": SHADOW % "grader",
        "numpy.py": SHADOW % "numpy",
        "torch.py": SHADOW % "torch",
        "sitecustomize.py": SHADOW % "sitecustomize",
        "usercustomize.py": SHADOW % "usercustomize",
        "json.py": SHADOW % "json",
    }
    result = grade(lab, "spawn", CORRECT, **files)
    assert "PWNED" not in result.output, result.output
    assert result.score == 12.0
    assert result.isolation == ("none" if sys.platform == "win32" else "rlimits")
    assert result.extra["sandbox"].get("spawned") is True


DAEMON = (
    """
import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        print("daemon pid", os.getpid(), flush=True)
        time.sleep(30)
        os._exit(0)
    os._exit(0)
time.sleep(0.2)  # let the daemon say who it is
"""
    + CORRECT
)


@pytest.mark.skipif(not LINUX, reason="the supervisor that reaps daemons needs Linux")
def test_a_spawned_jail_leaves_no_daemon_behind(lab: Path) -> None:
    result = grade(lab, "spawn", DAEMON)
    assert result.score == 12.0
    pid = int(result.output.split("daemon pid ", 1)[1].split()[0])
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), f"the daemon {pid} outlived the spawned jail"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# -- 8. honest work that is slow to start is not punished ---------------------------------------

FUNCTORCH = """
import torch
from torch.func import grad

def sigmoid(x):
    z = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, 1 / (1 + z), z / (1 + z))

def _smooth(t):
    # The same function in a form whose autograd is right at 0 too (|x| has no slope there).
    return 1 / (1 + torch.exp(-t.clamp(-60, 60)))

def sigmoid_derivative(x):
    return grad(lambda t: _smooth(t).sum())(x)

def chain_derivative(x, depth):
    g, a = torch.ones_like(x), x
    for _ in range(depth):
        g, a = g * sigmoid_derivative(a), sigmoid(a)
    return g
"""

WARM_AT_IMPORT = FUNCTORCH + "\nsigmoid_derivative(torch.zeros(3))\n"


@pytest.mark.parametrize("source", [FUNCTORCH, WARM_AT_IMPORT], ids=["first use", "at import"])
def test_torch_func_solutions_get_the_same_full_marks_every_run(lab: Path, source: str) -> None:
    level = "namespaces" if ROOT else "userns"
    scores = [grade(lab, level, source).score for _ in range(3)]
    assert scores == [12.0, 12.0, 12.0], scores
