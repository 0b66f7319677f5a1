"""One real grade by a grader that is genuinely not root: the ``userns`` level as a hosted CI
runner gets it.

The grading process is started as root only to import what it needs (here the Python
installation lives under ``/root``, which ``nobody`` cannot read); it then becomes ``nobody``
with every capability gone, and only then creates its ``Grader``, zygote and jails. Nothing
is mocked: the jail is built from an unprivileged user namespace.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_hostile import CORRECT, EXERCISE, HIDDEN_MARKER, HOSTILE, LIMITS

SCRIPT = r"""
import json, os, pwd, sys
from pathlib import Path

# Everything the grading needs, imported while the Python installation is still readable.
import grader.exercise.load, grader.report.model, grader.runner.judge, grader.runner.jail
from grader.runner import _linux
# The judge, and a zygote it may have to fork, need these before the Python installation
# becomes unreadable (a real unprivileged grader can read its own Python).
import resource, fcntl, torch, numpy, grader.runner.jail.zygote, grader.runner.jail.spawned
from grader.runner.jail import warm
warm.warm_up()

if sys.argv[1] == "refuse-unshare":
    # What Docker's default seccomp profile does to a process without CAP_SYS_ADMIN.
    import ctypes, platform
    from grader.runner.jail import seccomp
    arch = seccomp.ARCHES[platform.machine()].audit
    unshare_nr = {"x86_64": 272, "aarch64": 97}[platform.machine()]
    prog = [
        (seccomp.LD_W_ABS, 0, 0, 4),
        (seccomp.JEQ_K, 0, 3, arch),
        (seccomp.LD_W_ABS, 0, 0, 0),
        (seccomp.JEQ_K, 0, 1, unshare_nr),
        (seccomp.RET_K, 0, 0, seccomp.SECCOMP_RET_ERRNO | 1),  # EPERM
        (seccomp.RET_K, 0, 0, seccomp.SECCOMP_RET_ALLOW),
    ]
    filters = (seccomp._Filter * len(prog))(*[seccomp._Filter(*ins) for ins in prog])
    fprog = seccomp._Prog(len(prog), ctypes.cast(filters, ctypes.POINTER(seccomp._Filter)))
    _linux.prctl(_linux.PR_SET_NO_NEW_PRIVS, 1)
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    mode = seccomp.SECCOMP_MODE_FILTER
    assert prctl(seccomp.PR_SET_SECCOMP, mode, ctypes.byref(fprog), 0, 0) == 0

nobody = pwd.getpwnam("nobody")
if sys.argv[1] == "root-without-cgroups":
    # A root grader whose cgroup tree is missing, as in some containers.
    os.environ["GRADER_CGROUPS"] = "0"  # as where the cgroup tree is missing
else:
    if os.geteuid() == 0:
        os.setgroups([])
        os.setresgid(nobody.pw_gid, nobody.pw_gid, nobody.pw_gid)
        os.setresuid(nobody.pw_uid, nobody.pw_uid, nobody.pw_uid)
    assert os.geteuid() != 0 and _linux.capabilities() == 0

exercise = grader.exercise.load.load_exercise(sys.argv[2])
out = {}
with grader.runner.judge.Grader(exercise) as g:
    for folder in sys.argv[3:]:
        result = g.grade(Path(folder))
        out[Path(folder).name] = {
            "isolation": result.isolation,
            "score": result.score,
            "sandbox": result.extra["sandbox"],
            "output": result.output,
        }
print(json.dumps(out))
"""


def run(mode: str, copy: Path, *folders: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, str(copy), *map(str, folders)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=copy.parent,  # the jail must not need the grader's own folder
        env={**os.environ, "TMPDIR": "/tmp"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def exercise_copy(base: Path) -> Path:
    copy = base / "sigmoid-basics"
    shutil.copytree(EXERCISE, copy)
    (copy / "exercise.yaml").write_text(LIMITS)
    with (copy / "tests" / "hidden" / "test_sigmoid_hidden.py").open("a") as f:
        f.write(f"\n# {HIDDEN_MARKER}\n")
    return copy


def readable_by_all(base: Path) -> None:
    for path in base.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.fixture
def world_readable() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="unpriv-exercise-"))
    try:
        base.chmod(0o755)
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.skipif(sys.platform != "linux", reason="user namespaces are Linux only")
def test_a_grader_that_is_not_root_reaches_the_userns_level(world_readable: Path) -> None:
    copy = exercise_copy(world_readable)
    values = {"copy": str(copy), "repo": str(EXERCISE), "drop": str(world_readable), "port": 9}
    subs = {
        "correct": CORRECT,
        "snoop": HOSTILE["reading the reference solution and hidden tests"][0] % values,
        "socket": HOSTILE["opening a socket"][0] % values,
    }
    for name, source in subs.items():
        (world_readable / name).mkdir()
        (world_readable / name / "sigmoid.py").write_text(source)
    readable_by_all(world_readable)
    out = run("plain", copy, *(world_readable / n for n in subs))
    refused = out["correct"]["sandbox"].get("userns_error")
    if refused:
        pytest.skip(f"this kernel refuses unprivileged user namespaces: {refused}")
    for name in subs:
        assert out[name]["isolation"] == "userns", out[name]["sandbox"]
    assert out["correct"]["score"] == 12.0
    assert out["snoop"]["score"] == 0.0
    assert "found 0 secrets" in out["snoop"]["output"]
    assert HIDDEN_MARKER not in out["snoop"]["output"]
    assert out["socket"]["score"] == 12.0
    assert out["socket"]["output"].count("no network: PermissionError") == 2


@pytest.mark.skipif(
    platform.machine() not in ("x86_64", "aarch64") or sys.platform != "linux",
    reason="the refusal is made with a seccomp filter written for these machines",
)
def test_a_refused_user_namespace_falls_back_to_rlimits_and_says_why(
    world_readable: Path,
) -> None:
    """unshare(2) refused (as Docker's default seccomp profile refuses it): the grader
    still grades, one level lower, and the result says what the kernel answered."""
    copy = exercise_copy(world_readable)
    (world_readable / "correct").mkdir()
    (world_readable / "correct" / "sigmoid.py").write_text(CORRECT)
    readable_by_all(world_readable)
    out = run("refuse-unshare", copy, world_readable / "correct")["correct"]
    assert out["isolation"] == "rlimits" and out["score"] == 12.0
    assert "Operation not permitted" in out["sandbox"]["userns_error"]


@pytest.mark.skipif(os.geteuid() != 0, reason="root's fallback")
def test_root_without_cgroups_falls_back_to_userns_not_uid(world_readable: Path) -> None:
    """As root, a refused ``namespaces`` level (no cgroups) steps down to ``userns``, whose
    jail sees no more of the disk than the ``namespaces`` one."""
    copy = exercise_copy(world_readable)
    values = {"copy": str(copy), "repo": str(EXERCISE), "drop": str(world_readable), "port": 9}
    (world_readable / "snoop").mkdir()
    (world_readable / "snoop" / "sigmoid.py").write_text(
        HOSTILE["reading the reference solution and hidden tests"][0] % values
    )
    readable_by_all(world_readable)
    out = run("root-without-cgroups", copy, world_readable / "snoop")["snoop"]
    if out["sandbox"].get("userns_error"):
        pytest.skip(f"user namespaces are refused here: {out['sandbox']['userns_error']}")
    assert out["isolation"] == "userns"
    assert out["sandbox"]["namespaces_error"] == "cgroups are not writable"
    assert "found 0 secrets" in out["output"] and out["score"] == 0.0
