"""What does one submission cost through grade-all's warm pool, and where does it go?

Measured in one run, on the same machine at the same moment:

- floor: fork a child from a torch-loaded parent, jail it the cheap way (rlimits; then
  also new mount, and mount and network, namespaces when root), make one call, read the
  answer through a pipe;
- fresh: a new `python` importing torch per submission (what a pool saves);
- grader.grade: one more submission through a warm ``Grader``, on the trivial exercise
  (one test, one call; tests/fixtures/exercises/trivial-add) and on sigmoid-basics;
- pool: one more submission through grade-all's judge process (pipes, unpacking the
  submission, rendering its report), trivial exercise;
- the trivial case split into phases (copying the folder, spawning the jail, its hello,
  the import, the call, closing the jail, the rest), by timing the runner's own calls.

Usage: python benchmarks/bench_pool.py [--runs N]
Prints medians; asserts nothing (timing belongs here, not in the tests).
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import functools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TRIVIAL = ROOT / "tests/fixtures/exercises/trivial-add"
SIGMOID = ROOT / "exercises/sigmoid-basics"
CLONE_NEWNS, CLONE_NEWNET = 0x00020000, 0x40000000


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def floor_once(flags: int = 0) -> None:
    """Fork + cheap jail (rlimits; ``flags`` namespaces when root) + one call + the answer
    through a pipe."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            if flags and os.geteuid() == 0:
                ctypes.CDLL(None, use_errno=True).unshare(flags)
            resource.setrlimit(resource.RLIMIT_NPROC, (16, 16))
            os.write(write, json.dumps({"value": (lambda a, b: a + b)(2, 3)}).encode())
        finally:
            os._exit(0)
    os.close(write)
    assert json.loads(os.read(read, 4096)) == {"value": 5}
    os.close(read)
    os.waitpid(pid, 0)


@contextmanager
def phases(totals: dict[str, float]) -> Iterator[None]:
    """Time the runner's own steps by wrapping them (nothing in grader changes)."""
    import grader.runner.judge.grading as grading
    from grader.runner.judge import pool, session

    wrapped: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, label: Callable[..., str]) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timer(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                totals[label(*args, **kwargs)] += time.perf_counter() - start

        wrapped.append((owner, name, original))
        setattr(owner, name, timer)

    wrap(pool.Zygote, "spawn", lambda *a, **k: "spawn the jail (zygote fork + setup)")
    wrap(session.Session, "start", lambda *a, **k: "wait for the jail's hello")
    wrap(
        session.Session,
        "request",
        lambda self, message, label: (
            "import the submission" if message.get("op") == "import" else "the call(s)"
        ),
    )
    wrap(session.Session, "close", lambda *a, **k: "close the jail and reap it")
    wrap(grading.shutil, "copytree", lambda *a, **k: "copy the folder in")
    # Removed by a background thread since the spare-jail work; what is left on the
    # critical path is the hand-over.
    wrap(grading.janitor, "remove_later", lambda *a, **k: "hand the scratch folder over")
    try:
        yield
    finally:
        for owner, name, original in wrapped:
            setattr(owner, name, original)


def folder_with(source: Path, entry: str, root: Path) -> Path:
    folder = root / source.stem
    folder.mkdir(parents=True)
    shutil.copyfile(source, folder / entry)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    results: dict[str, list[float]] = {}

    import torch  # noqa: F401  # the floor's parent holds torch, as the zygote does

    floor_once()
    results["floor: fork + rlimits + 1 call (torch parent)"] = timed(floor_once, runs * 3)
    results["  the same + new mount namespace"] = timed(lambda: floor_once(CLONE_NEWNS), runs * 3)
    results["  the same + new mount and network namespaces"] = timed(
        lambda: floor_once(CLONE_NEWNS | CLONE_NEWNET), runs * 3
    )
    results["fresh python importing torch"] = timed(
        lambda: subprocess.run([sys.executable, "-c", "import torch"], check=True),
        max(3, runs // 6),
    )

    from grader.batch.jobs import Job
    from grader.batch.judging import Options
    from grader.batch.pool import LocalPool
    from grader.exercise.load import load_exercise
    from grader.runner.judge import Grader

    work = Path(tempfile.mkdtemp(prefix="bench-pool-"))
    breakdown: dict[str, float] = collections.defaultdict(float)
    try:
        trivial = folder_with(TRIVIAL / "solution/add.py", "add.py", work / "t")
        sigmoid = folder_with(SIGMOID / "solution/sigmoid.py", "sigmoid.py", work / "s")
        with Grader(load_exercise(TRIVIAL)) as g:
            g.grade(trivial)
            level = g.grade(trivial).isolation
            results["grader.grade, trivial (1 test, 1 call)"] = timed(
                lambda: g.grade(trivial), runs
            )
            with phases(breakdown):
                start = time.perf_counter()
                for _ in range(runs):
                    g.grade(trivial)
                breakdown["(total)"] = time.perf_counter() - start
        with Grader(load_exercise(SIGMOID)) as g:
            g.grade(sigmoid)
            results["grader.grade, sigmoid-basics (8 tests)"] = timed(
                lambda: g.grade(sigmoid), max(5, runs // 3)
            )
        pool = LocalPool(Options(str(TRIVIAL)), size=1, timeout_s=60, exercise_id="trivial-add")
        try:
            source = TRIVIAL / "solution/add.py"
            list(pool.grade([Job(0, "warm", source)]))
            results["pool process, trivial (+pipes, unpack, report)"] = timed(
                lambda: list(pool.grade([Job(1, "s", source)])), runs
            )
        finally:
            pool.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    floor = statistics.median(results["floor: fork + rlimits + 1 call (torch parent)"])
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, isolation {level}")
    print(f"{'what':50} {'median':>9} {'min':>9}  vs floor")
    for name, values in results.items():
        med = statistics.median(values)
        print(f"{name:50} {med * 1e3:8.1f}ms {min(values) * 1e3:8.1f}ms  {med / floor:7.1f}x")
    total = breakdown.pop("(total)")
    print(f"\nwhere a trivial submission's time goes (mean of {runs}):")
    accounted = 0.0
    for name, seconds in sorted(breakdown.items(), key=lambda kv: -kv[1]):
        accounted += seconds
        print(f"  {name:44} {seconds / runs * 1e3:7.1f}ms")
    rest = (total - accounted) / runs * 1e3
    print(f"  {'the rest (judge: verdicts, result, threads)':44} {rest:7.1f}ms")
    print(f"  {'total':44} {total / runs * 1e3:7.1f}ms")


if __name__ == "__main__":
    main()
