"""How long loading and validating a bank takes, against naive baselines in the same run.

Baselines: `yaml.safe_load` with the pure-Python loader (what a naive loader would do,
with no validation and no positions) and with libyaml. `load_bank` composes with
libyaml, keeps every value's position, validates every key and checks every formula.

    python benchmarks/bench_bank_load.py [BANK] [--runs N] [--scale K]

--scale K repeats the bank's questions K times (ids made unique) to see how it grows.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from grader.bank import load_bank

ROOT = Path(__file__).resolve().parents[1]


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def scaled_bank(path: Path, scale: int, out: Path) -> Path:
    data = yaml.safe_load(path.read_text())
    questions = []
    for k in range(scale):
        for q in data["questions"]:
            questions.append({**q, "id": f"{q['id']}-{k}"})
    data["questions"] = questions
    out.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bank", nargs="?", default=str(ROOT / "quizzes/vanishing-gradients.yaml"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.bank)
        if args.scale > 1:
            path = scaled_bank(path, args.scale, Path(tmp) / "scaled.yaml")
        text = path.read_text()
        load_bank(path)  # warm the imports and caches a long-running process would have
        n = len(load_bank(path).questions)
        ours = median_seconds(lambda: load_bank(path), args.runs)
        naive = median_seconds(lambda: yaml.load(text, Loader=yaml.SafeLoader), args.runs)
        cfast = median_seconds(lambda: yaml.load(text, Loader=yaml.CSafeLoader), args.runs)
    print(f"bank: {path.name}, {n} questions, {len(text):,} bytes, median of {args.runs}")
    print(f"  load_bank (validated, located, math checked): {ours * 1000:8.1f} ms")
    print(f"  yaml.safe_load, pure Python (no validation):  {naive * 1000:8.1f} ms"
          f"   ratio {ours / naive:.2f}x")  # fmt: skip
    print(f"  yaml CSafeLoader (no validation):             {cfast * 1000:8.1f} ms"
          f"   ratio {ours / cfast:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
