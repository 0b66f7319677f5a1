"""How long does grading each exercise take? The figures behind `grade_time_s`.

For every exercise (or the ones named), on this machine, now:

- warm: `Result.duration_s` of the reference solution graded by an already-running Grader
  (what `grade-all` pays per student). This is what exercise.yaml records as
  `grade_time_s` and what `grader exercise list` shows.
- cold reference / cold starter: `grader exercise grade <slug> <file>` end to end in a fresh
  process (judge start, torch import, every test), the figure the 10 s budget is about,
  with the CPU seconds it used (user + system, its reaped children included): on a busy
  machine the wall clock says more about the neighbours than about the exercise.

Usage: python benchmarks/bench_exercise_times.py [SLUG...] [--runs N]
Prints medians; asserts nothing (see DESIGN.md, Testing).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.exercise.load import load_exercise  # noqa: E402
from grader.runner.judge import Grader  # noqa: E402


def cold(slug: str, source: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `grader exercise grade` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "grader",
            "exercise",
            "grade",
            slug,
            str(source),
            "--format",
            "json",
        ],
        check=False,
        capture_output=True,
        cwd=ROOT,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def warm(grader: Grader, source: Path, entry: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submission"
        folder.mkdir()
        shutil.copyfile(source, folder / entry)
        return grader.grade(folder).duration_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slugs", nargs="*")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folders = sorted(p.parent for p in (ROOT / "exercises").glob("*/exercise.yaml"))
    print(
        f"{'exercise':26} {'recorded':>9} {'warm ref':>9} "
        f"{'cold ref (cpu)':>16} {'cold starter (cpu)':>19}"
    )
    for folder in folders:
        if args.slugs and folder.name not in args.slugs:
            continue
        ex = load_exercise(folder)
        ref, starter = ex.solution / ex.entry, ex.starter / ex.entry
        with Grader(ex) as grader:
            warm(grader, ref, ex.entry)  # the first grade also starts the zygote
            w = statistics.median(warm(grader, ref, ex.entry) for _ in range(args.runs))
        cr = [cold(ex.id, ref) for _ in range(args.runs)]
        cs = [cold(ex.id, starter) for _ in range(args.runs)]
        recorded = f"{ex.grade_time_s:g}" if ex.grade_time_s is not None else "-"
        print(f"{ex.id:26} {recorded:>9} {w:9.2f} {_pair(cr):>16} {_pair(cs):>19}", flush=True)


def _pair(runs: list[tuple[float, float]]) -> str:
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    return f"{wall:.2f} ({cpu:.2f})"


if __name__ == "__main__":
    main()
