"""The authoring guide's worked example (sigmoid-chain) cannot drift from the real exercise.

- the ```yaml block headed `# exercises/sigmoid-chain/exercise.yaml` is that file, verbatim;
- every ```python block headed `# excerpt of PATH` appears verbatim in PATH;
- the ```python block headed `# tests/exercises/test_sigmoid_chain_example.py` (the proof
  test) runs under pytest with the real `prover` fixture and passes.
(Its ```console blocks run with the guide's other transcripts in test_exercise_docs.py.)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "authoring-exercises.md"


def _blocks(lang: str) -> list[tuple[str, str]]:
    """(first line, the rest) of every fenced block of that language."""
    text = GUIDE.read_text(encoding="utf-8")
    found = re.findall(rf"^```{lang}\n(.*?)^```", text, re.S | re.M)
    return [tuple(body.split("\n", 1)) for body in found]  # type: ignore[misc]


def _excerpts() -> list[tuple[str, str]]:
    return [
        (head.removeprefix("# excerpt of "), rest)
        for head, rest in _blocks("python")
        if head.startswith("# excerpt of ")
    ]


def test_the_exercise_yaml_is_quoted_verbatim() -> None:
    quoted = [
        rest for head, rest in _blocks("yaml") if head == "# exercises/sigmoid-chain/exercise.yaml"
    ]
    assert len(quoted) == 1
    real = (ROOT / "exercises" / "sigmoid-chain" / "exercise.yaml").read_text(encoding="utf-8")
    assert quoted[0] == real


@pytest.mark.parametrize(("path", "excerpt"), _excerpts(), ids=[p for p, _ in _excerpts()])
def test_excerpts_are_quoted_verbatim(path: str, excerpt: str) -> None:
    assert excerpt in (ROOT / path).read_text(encoding="utf-8"), f"docs quote of {path} is stale"


def test_the_guide_quotes_each_part_of_the_exercise() -> None:
    quoted = {path.split("/")[2] for path, _ in _excerpts()}
    assert {"starter", "tests"} <= quoted


def test_the_example_proof_test_passes(tmp_path: Path) -> None:
    proof = [
        r for h, r in _blocks("python") if h == "# tests/exercises/test_sigmoid_chain_example.py"
    ]
    assert len(proof) == 1
    (tmp_path / "test_sigmoid_chain_example.py").write_text(proof[0], encoding="utf-8")
    paths = [str(ROOT / "tests" / "exercises"), str(ROOT), os.environ.get("PYTHONPATH", "")]
    proc = subprocess.run(
        # The prover fixture comes from tests/exercises/conftest.py, loaded as a plugin.
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "conftest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            str(tmp_path / "test_sigmoid_chain_example.py"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)},
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "8 passed" in proc.stdout
