"""How long does `grader exercise grade` take on the demo exercise?

Measured in one run, against naive baselines on the same machine at the same moment:

- baseline: a fresh `python -c "import torch"` (what any per-submission interpreter pays);
- cli: `grader exercise grade sigmoid-basics <reference> --format json` end to end;
- cli_import_only: the same interpreter start without grading (`grader --version`);
- warm: one more submission through an already-running Grader (one zygote), which is what
  `grade-all` pays per student;
- jail: spawning one jail from the warm zygote, importing the submission and one call.

Usage: python benchmarks/bench_exercise_grade.py [--runs N]
Prints medians and ratios to the baseline; asserts nothing (see DESIGN.md, Testing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "exercises" / "sigmoid-basics"
SOLUTION = EXERCISE / "solution" / "sigmoid.py"


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def run(*args: str) -> None:
    subprocess.run(args, check=False, capture_output=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    py = sys.executable
    results: dict[str, list[float]] = {}
    results["baseline: python -c 'import torch'"] = timed(
        lambda: run(py, "-c", "import torch"), runs
    )
    results["cli_import_only: grader --version"] = timed(
        lambda: run(py, "-m", "grader", "--version"), runs
    )
    cli = [
        py,
        "-m",
        "grader",
        "exercise",
        "grade",
        "sigmoid-basics",
        str(SOLUTION),
        "--format",
        "json",
    ]
    results["cli: grader exercise grade (8 tests)"] = timed(lambda: run(*cli), runs)

    sys.path.insert(0, str(ROOT))
    from grader.exercise.load import load_exercise
    from grader.runner.judge import Grader
    from grader.runner.limits import JailSpec
    from grader.runner.judge.proxy import Proxy
    from grader.runner.judge.session import Session

    exercise = load_exercise(EXERCISE)
    work = Path(tempfile.mkdtemp(prefix="grader-bench-"))
    try:
        sub = work / "sub"
        sub.mkdir()
        shutil.copyfile(SOLUTION, sub / "sigmoid.py")
        with Grader(exercise) as grader:
            grader.grade(sub)  # warm the caches once
            results["warm: one more submission, 8 tests"] = timed(
                lambda: grader.grade(sub), runs * 4
            )
            level = grader.grade(sub).isolation
            root = work / "root"
            root.mkdir()
            work.chmod(0o755)
            spec = JailSpec(
                str(sub), str(root), "sigmoid.py", exercise.limits, grader.max_level, []
            )

            def one_jail() -> None:
                import torch

                session = Session(*grader.zygote.spawn(spec), spec.limits)
                session.start()
                session.deadline = time.monotonic() + 5
                session.request({"op": "import"}, "import")
                Proxy(session, 0, "module", "sigmoid").sigmoid(torch.zeros(3))
                session.close()

            results["jail: spawn + import + one call"] = timed(one_jail, runs * 4)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    base = statistics.median(next(iter(results.values())))
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}, isolation {level}")
    print(f"{'what':42} {'median':>9} {'min':>9} {'max':>9}  vs baseline")
    for name, values in results.items():
        med = statistics.median(values)
        print(
            f"{name:42} {med * 1000:8.1f}ms {min(values) * 1000:8.1f}ms {max(values) * 1000:8.1f}ms"
            f"  {med / base:6.2f}x"
        )


if __name__ == "__main__":
    main()
