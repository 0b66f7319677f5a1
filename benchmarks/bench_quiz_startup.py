"""How long until the first question of `grader quiz take` is on screen.

Runs the real command in a pseudo-terminal, timing from fork to the moment the
screen shows "Question 1/", and compares with `python -c pass` measured in the same
run on the same machine (the interpreter's own floor). Three starts are timed,
interleaved: warm (every cache filled), a new bank (its bytes never seen, the
compiled templates cached) and a first run ever (nothing cached: the last line).
Prints medians and their ratios to `python -c pass` and to the warm start.

Bytecode is written as usual (PYTHONDONTWRITEBYTECODE is dropped for the runs), so
the figures are those of an installed grader, not of compiling it on every start.

    python benchmarks/bench_quiz_startup.py [BANK] [--runs N]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pty
import select
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BANK = ROOT / "quizzes" / "vanishing-gradients.yaml"


def time_until(
    argv: list[str], marker: bytes | None, env: dict[str, str], keep: Path | None = None
) -> float:
    """Seconds from fork until ``marker`` appears on the pty (or the process exits);
    with ``keep``, the process then runs on until files appear there (the caches that
    a first run writes behind its first screen)."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execvpe(argv[0], argv, env)
    seen = b""
    elapsed = None
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 10)
            if not ready:
                raise RuntimeError(f"no output from {argv}: {seen[-200:]!r}")
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the pty
                chunk = b""
            if not chunk:
                elapsed = time.perf_counter() - start
                break
            seen += chunk
            if marker is not None and marker in seen:
                elapsed = time.perf_counter() - start
                break
        deadline = time.monotonic() + 20
        while keep is not None and not any(keep.glob("*")) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
    if marker is not None and marker not in seen:
        raise RuntimeError(f"{argv} ended without showing {marker!r}: {seen[-300:]!r}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bank", nargs="?", default=str(DEFAULT_BANK))
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    bank = (
        args.bank if Path(args.bank).exists() else str(ROOT / "tests/fixtures/banks/all-types.yaml")
    )
    baseline, take, new_bank, cold = [], [], [], []
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "GRADER_DATA_DIR": data, "TERM": "xterm", "NO_COLOR": ""}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        warm_up = [sys.executable, "-m", "grader", "quiz", "take", bank, "--student", "warm-up"]
        time_until(warm_up, b"Question 1/", env, keep=Path(data) / "cache" / "banks")
        text = Path(bank).read_text(encoding="utf-8")
        for i in range(args.runs):  # interleaved, so machine noise hits all alike
            baseline.append(time_until([sys.executable, "-c", "pass"], None, env))
            argv = [sys.executable, "-m", "grader", "quiz", "take", bank,
                    "--student", f"bench{i}", "--seed", "1"]  # fmt: skip
            take.append(time_until(argv, b"Question 1/", env))
            with tempfile.TemporaryDirectory() as folder:  # the same bank, bytes never seen
                unseen = Path(folder) / Path(bank).name
                unseen.write_text(f"{text}\n# run {i}\n", encoding="utf-8")
                new_argv = [*argv[:5], str(unseen), "--student", f"new{i}", "--seed", "1"]
                new_bank.append(time_until(new_argv, b"Question 1/", env))
            with tempfile.TemporaryDirectory() as empty:  # nothing cached: the first run ever
                cold_env = {**env, "GRADER_DATA_DIR": empty}
                cold.append(time_until(argv, b"Question 1/", cold_env))
    base_ms, take_ms, new_ms, cold_ms = (
        statistics.median(times) * 1000 for times in (baseline, take, new_bank, cold)
    )

    def line(what: str, ms: float, note: str = "") -> str:
        ratios = f"{ms / base_ms:5.2f}x python  {ms / take_ms:5.2f}x warm"
        return f"{what:<40}median {ms:6.1f} ms  {ratios}{note}"

    print(f"bank: {Path(bank).name}   runs: {args.runs}")
    print(f"{'python -c pass':<40}median {base_ms:6.1f} ms")
    print(line("quiz take -> first question (warm)", take_ms, "  (budget 150 ms)"))
    print(f"{'  of which grader, not python':<40}median {take_ms - base_ms:6.1f} ms")
    print(line("a new bank (templates compiled before)", new_ms))
    print(line("first run ever (nothing cached)", cold_ms, "  (checks the bank behind it)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
