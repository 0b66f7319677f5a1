"""Packaging: the wheel ships what students need and nothing they must not see, and a
plain (non-editable) install works from any directory.

The wheel is built from a copy of the working tree, so the checkout gets no `build/`
or `*.egg-info` and concurrent test runs do not race on them. The venv borrows the
site-packages of the interpreter running pytest (torch and friends are not reinstalled)
through a .pth file, which works whether that interpreter is itself a venv or not:
`--system-site-packages` from inside a venv would borrow the *base* interpreter's
packages instead. grader itself comes only from the wheel — the test checks that the
import really comes from the venv.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from borrowing_venv import borrowing_venv

from grader import __version__

ROOT = Path(__file__).resolve().parents[2]
JUNK = ("__pycache__", "*.pyc", "*.egg-info", "build", "dist", ".git", "node_modules", ".*cache")
# Inside an exercise folder only these reach students; see [tool.setuptools.package-data].
STUDENT_FILES = ("exercise.yaml", "README.md")
STUDENT_DIRS = ("starter", "tests/public")
INSTRUCTOR_ONLY = ("solution", "wrong", "tests/hidden")

pytestmark = pytest.mark.slow


def files_under(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )


def run(cmd: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(
        cmd, cwd=cwd, env={**clean, **env}, input="", capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def build_wheel(work: Path) -> Path:
    """The wheel of the working tree, built in ``work`` from a copy of it."""
    src = work / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*JUNK))
    out = work / "dist"
    # Without build isolation when setuptools is at hand: no network needed for the build.
    isolation = ["--no-build-isolation"] if importlib.util.find_spec("setuptools") else []
    proc = run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", *isolation, "-w", str(out), "-q"],
        cwd=src,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    assert proc.returncode == 0, proc.stderr
    [built] = out.glob("grader-*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


def test_wheel_ships_every_bank_and_template(names: set[str]) -> None:
    assert "grader/_data/quizzes/vanishing-gradients.yaml" in names
    for bank in (ROOT / "quizzes").glob("*.yaml"):
        assert f"grader/_data/quizzes/{bank.name}" in names
    templates = files_under(ROOT / "templates")
    for path in templates:
        assert f"grader/_data/templates/{path.relative_to(ROOT / 'templates').as_posix()}" in names


def test_wheel_ships_every_subpackage(names: set[str]) -> None:
    """A subpackage missing from pyproject's explicit `packages` list breaks installed users."""
    missing = sorted(
        init.parent.relative_to(ROOT).as_posix().replace("/", ".")
        for init in (ROOT / "grader").rglob("__init__.py")
        if "__pycache__" not in init.parts and init.relative_to(ROOT).as_posix() not in names
    )
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"
    for module in (ROOT / "grader").rglob("*.py"):
        rel = module.relative_to(ROOT).as_posix()
        if (module.parent / "__init__.py").is_file() and "__pycache__" not in module.parts:
            assert rel in names, rel


def exercise_folders() -> list[Path]:
    return sorted(p.parent for p in (ROOT / "exercises").glob("*/exercise.yaml"))


def test_wheel_ships_exactly_the_student_side_of_exercises(names: set[str]) -> None:
    shipped = {n for n in names if n.startswith("grader/_data/exercises/")}
    expected: set[str] = set()
    for folder in exercise_folders():
        student = [folder / f for f in STUDENT_FILES if (folder / f).is_file()]
        for sub in STUDENT_DIRS:
            if (folder / sub).is_dir():
                student += files_under(folder / sub)
        expected |= {
            f"grader/_data/exercises/{p.relative_to(ROOT / 'exercises').as_posix()}"
            for p in student
        }
    assert shipped == expected


def test_wheel_holds_no_instructor_material(names: set[str]) -> None:
    for name in names:
        for secret in INSTRUCTOR_ONLY:
            assert f"/{secret}/" not in f"/{name}", f"{name} must not ship"
    # And, concretely, no file of any exercise's instructor side, by content path.
    for folder in exercise_folders():
        for secret in INSTRUCTOR_ONLY:
            for path in files_under(folder / secret) if (folder / secret).is_dir() else []:
                rel = path.relative_to(ROOT / "exercises").as_posix()
                assert f"grader/_data/exercises/{rel}" not in names


def test_the_venv_sees_every_dependency_even_when_made_from_inside_a_venv(tmp_path: Path) -> None:
    """The bug this guards: pytest run from a venv made the install venv see the base
    interpreter's packages, without torch or markdown-it. The nested venv is made from
    inside the outer one, as a user's `python -m pytest` inside their venv would."""
    outer = borrowing_venv(tmp_path / "outer")
    maker = ROOT / "tests" / "borrowing_venv.py"
    made = run([str(outer), str(maker), str(tmp_path / "inner")], cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    inner = Path(made.stdout.strip())
    # pyproject's [project] dependencies (tomllib is 3.11+; the list is one string per line).
    pyproject = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"^dependencies = \[(.*?)^\]", pyproject, re.M | re.S)
    assert block, "no dependencies list in pyproject.toml"
    dists = re.findall(r'^\s*"([A-Za-z0-9_.-]+)', block.group(1), re.M)
    assert "torch" in dists and "markdown-it-py" in dists
    probe = (
        "import importlib.metadata as m, importlib.util as u, sys\n"
        f"missing = [d for d in {dists!r} if not u.find_spec('pip') or not m.files(d)]\n"
        "import torch, markdown_it\n"
        "print(missing, u.find_spec('grader') is None)\n"
    )
    for python in (outer, inner):
        seen = run([str(python), "-c", probe], cwd=tmp_path)
        assert seen.returncode == 0, seen.stderr
        # Every dependency visible, pip too, and no grader but the one a test installs.
        assert seen.stdout.split() == ["[]", "True"], (python, seen.stdout)


def test_non_editable_install_works_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    # The borrowed pip installs into whichever interpreter runs it, here the venv;
    # --ignore-installed: never touch the grader that the test runner's environment has.
    python, grader = borrowing_venv(venv), venv / "bin" / "grader"
    installed = run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", str(wheel)],
        cwd=tmp_path,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    assert installed.returncode == 0, installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    where = run(
        [str(python), "-c", "import grader.resources as r; print(r.data_dir('quizzes'))"],
        cwd=elsewhere,
    )
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout  # not the checkout

    check = run([str(grader), "quiz", "check", "vanishing-gradients"], cwd=elsewhere)
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("vanishing-gradients: ok")

    version = run([str(python), "-m", "grader", "--version"], cwd=elsewhere)
    assert version.returncode == 0, version.stderr
    assert __version__ in version.stdout

    # The README's first command ends in `grader quiz take vanishing-gradients`: piped
    # input stands in for the student; end of input saves the attempt.
    data = tmp_path / "data"
    take = run(
        [str(grader), "quiz", "take", "vanishing-gradients", "--student", "newcomer",
         "--seed", "1", "--limit", "2", "--no-color"],
        cwd=elsewhere, GRADER_DATA_DIR=str(data),
    )  # fmt: skip
    assert take.returncode == 0, take.stderr
    assert "Question 1/2" in take.stdout and "--resume" in take.stdout
    assert list((data / "sessions").glob("vanishing-gradients--newcomer*.json"))

    bad = run([str(grader), "quiz", "check", "no-such-bank"], cwd=elsewhere)
    assert bad.returncode == 2
    assert "vanishing-gradients" in bad.stderr  # names what is shipped
    assert "Traceback" not in bad.stderr
