"""How fast is `grader quiz export --format html` on a 500-question bank?

Generates a bank that uses every question type (with math, code blocks and feedback),
then times, in this one run:

- export: the real exporter, bank already loaded: the first (cold) run, as the CLI
  does it, and the best of 5 warm runs;
- naive: the same templates and renderer, but the Jinja environment, the Markdown
  parser and the math/code caches are rebuilt for every question, the way a first
  implementation that renders each question on its own would do it;
- cli: `grader quiz export BANK --format html -o FILE` as a subprocess, end to end
  (Python start-up, YAML loading and validation included).

Run: python benchmarks/bench_export.py [--questions 500]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader import markup
from grader.bank import load_bank
from grader.bank.model import Bank
from grader.export import _context, _markup, export_bank
from grader.export._context import ExportContext
from grader.export._view import BankView, arrange
from grader.export.html import export as html_export

TEMPLATES = [
    """  - id: q{i}-single
    type: single
    prompt: |
      Layer {i}: what is the largest value of $\\sigma'(x)$ for $x \\in \\mathbb{{R}}$?
    choices:
      - {{text: "$\\\\frac{{1}}{{4}}$", correct: true, feedback: "At $x = 0$."}}
      - {{text: "$1$", correct: false, feedback: "That is $\\\\tanh'(0)$."}}
      - {{text: "$\\\\frac{{1}}{{2}}$", correct: false}}
    explanation: The derivative $\\sigma(x)(1 - \\sigma(x))$ peaks at $x = 0$.
    tags: [derivatives]
""",
    """  - id: q{i}-multi
    type: multi
    points: 2
    prompt: Which changes help gradients reach layer {i}?
    choices:
      - {{text: Switch to ReLU, correct: true}}
      - {{text: Add batch normalization, correct: true}}
      - {{text: Initialize with large weights, correct: false, feedback: Saturation.}}
      - {{text: Use more sigmoid layers, correct: false}}
""",
    """  - id: q{i}-code
    type: numeric
    prompt: |
      What does this print?

      ```python
      s = 0.5
      print(s * (1 - s) * {i})
      ```
    answer: {value}
    tolerance: 0.001
""",
    """  - id: q{i}-cloze
    type: cloze
    prompt: "$10$ layers scaling by $0.{d}$ give [[1]]; the fix is [[2]]."
    blanks:
      - {{answer: 1e-10, rel_tolerance: 0.01}}
      - {{accept: [relu]}}
""",
    """  - id: q{i}-match
    type: matching
    prompt: Match each activation to the largest value of its derivative.
    pairs:
      - {{left: sigmoid, right: "0.25"}}
      - {{left: tanh, right: "1"}}
    distractors: ["0.5"]
""",
]


def make_bank(n: int, folder: Path) -> Path:
    parts = ["id: bench\ntitle: Benchmark bank\nquestions:\n"]
    for i in range(n):
        template = TEMPLATES[i % len(TEMPLATES)]
        parts.append(template.format(i=i, value=0.25 * i, d=1 + i % 9))
    path = folder / "bench.yaml"
    path.write_text("".join(parts))
    return path


def naive_export(bank: Bank) -> bytes:
    """One question at a time, rebuilding the environment, parser and caches each time."""
    view = arrange(bank, None)
    pages = []
    for question in view.questions:
        _context.environment.cache_clear()
        markup.markdown_parser.cache_clear()
        _markup._mathml.cache_clear()
        _markup._highlight.cache_clear()
        one = BankView(bank, [question], None)
        pages.append(html_export(ExportContext(one, "html")))
    return b"".join(pages)


def best_of(runs: int, fn: object) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = make_bank(args.questions, Path(tmp))
        start = time.perf_counter()
        bank = load_bank(path)
        load_s = time.perf_counter() - start
        cold = best_of(1, lambda: export_bank(bank, "html"))  # compiles templates, fills caches
        fast = best_of(5, lambda: export_bank(bank, "html"))
        naive = best_of(1, lambda: naive_export(bank))
        out = Path(tmp) / "bench.html"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "grader", "quiz", "export", str(path), "--format", "html",
             "-o", str(out)],
            check=True,
        )  # fmt: skip
        cli = time.perf_counter() - start
        size = out.stat().st_size
    print(f"questions:            {args.questions}")
    print(f"load + validate YAML: {load_s:.3f} s")
    print(f"export html, cold:    {cold:.3f} s   (first export in a process; target <= 0.5 s)")
    print(f"export html (best/5): {fast:.3f} s   (warm caches)")
    print(f"naive per-question:   {naive:.3f} s   ({naive / fast:.1f}x slower)")
    print(f"cli end to end:       {cli:.3f} s   (page: {size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
