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
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_hostile import CORRECT, EXERCISE, HIDDEN_MARKER, HOSTILE, LIMITS

SCRIPT = r"""
import json, os, pwd, sys
from pathlib import Path

# Everything the grading needs, imported while the Python installation is still readable.
import grader.exercise.load, grader.report.model, grader.runner.judge, grader.runner.jail
from grader.runner import verdicts, zygote, _linux
zygote.warm_up()

nobody = pwd.getpwnam("nobody")
if os.geteuid() == 0:
    os.setgroups([])
    os.setresgid(nobody.pw_gid, nobody.pw_gid, nobody.pw_gid)
    os.setresuid(nobody.pw_uid, nobody.pw_uid, nobody.pw_uid)
assert os.geteuid() != 0 and _linux.capabilities() == 0

exercise = grader.exercise.load.load_exercise(sys.argv[1])
out = {}
with grader.runner.judge.Grader(exercise) as g:
    for folder in sys.argv[2:]:
        result = g.grade(Path(folder))
        out[Path(folder).name] = {
            "isolation": result.isolation,
            "score": result.score,
            "sandbox": result.extra["sandbox"],
            "output": result.output,
        }
print(json.dumps(out))
"""


@pytest.fixture
def world_readable() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="grader-unpriv-"))
    try:
        base.chmod(0o755)
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.skipif(sys.platform != "linux", reason="user namespaces are Linux only")
def test_a_grader_that_is_not_root_reaches_the_userns_level(world_readable: Path) -> None:
    copy = world_readable / "sigmoid-basics"
    shutil.copytree(EXERCISE, copy)
    (copy / "exercise.yaml").write_text(LIMITS)
    with (copy / "tests" / "hidden" / "test_sigmoid_hidden.py").open("a") as f:
        f.write(f"\n# {HIDDEN_MARKER}\n")
    values = {"copy": str(copy), "repo": str(EXERCISE), "drop": str(world_readable), "port": 9}
    subs = {
        "correct": CORRECT,
        "snoop": HOSTILE["reading the reference solution and hidden tests"][0] % values,
        "socket": HOSTILE["opening a socket"][0] % values,
    }
    for name, source in subs.items():
        (world_readable / name).mkdir()
        (world_readable / name / "sigmoid.py").write_text(source)
    for path in world_readable.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(copy), *(str(world_readable / n) for n in subs)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=world_readable,  # the jail must not need the grader's own folder
        env={**os.environ, "TMPDIR": "/tmp"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
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
