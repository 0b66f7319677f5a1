"""``grader ci init``: a ready CI workflow that grades exercises and quizzes.

What a workflow does, for either provider: install grader (pip cached), grade each
exercise (``--format json``, hidden tests sealed or from the repository) and each quiz
answers file (``grader quiz grade`` against the bank), then ``grader ci report`` turns
each JSON result into the provider's reports — JUnit for both; on GitHub also a Markdown
job summary and annotations on the files that failed. The job fails unless everything
passed. The files are rendered from ``templates/ci/``; this module only decides what
goes in them.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import jinja2

from grader import __version__
from grader.errors import EXIT_OK, BadInput
from grader.resources import data_dir, resolve_bank, resolve_exercise

Provider = Literal["github", "gitlab"]
PROVIDERS: tuple[Provider, ...] = ("github", "gitlab")
# The CPU build of torch the project itself is tested with; grader's open range accepts it.
TORCH = "torch==2.13.0"
RESULTS = "grader-results"
DEFAULT_OUTPUT = {"github": ".github/workflows/grade.yml", "gitlab": ".gitlab-ci.yml"}
# The variable that names the student on each provider (set by the provider itself).
STUDENT_VARIABLE = {"github": "GITHUB_ACTOR", "gitlab": "GITLAB_USER_LOGIN"}
TEMPLATES = {"github": "ci/github-actions.yml.j2", "gitlab": "ci/gitlab-ci.yml.j2"}

Echo = Callable[..., None]


@dataclass(frozen=True)
class Graded:
    """One thing the workflow grades: an exercise submission or a quiz answers file."""

    kind: Literal["exercise", "quiz"]
    id: str
    grade: str  # the shell command that grades it into `result`
    result: str  # its JSON result, relative to the repository root
    file: str  # the student's file that annotations point at
    sealed: bool = False


def _split(spec: str) -> tuple[str, str | None]:
    """``NAME=PATH`` -> (NAME, PATH); ``NAME`` -> (NAME, None)."""
    name, sep, path = spec.partition("=")
    if not name or (sep and not path):
        raise BadInput(f"'{spec}': expected NAME or NAME=PATH")
    return name, path or None


def _q(text: str) -> str:
    return shlex.quote(text)


def exercise_job(
    spec: str, *, sealed: bool, require_isolation: str | None, student_var: str
) -> Graded:
    from grader.exercise.load import load_exercise

    name, submission = _split(spec)
    ex = load_exercise(resolve_exercise(name), display=name)
    student_copy = not ex.hidden_tests.is_dir() and not ex.solution.is_dir()
    if student_copy and not sealed:
        raise BadInput(
            f"{name} is a student copy (no hidden tests): pass --sealed, and commit "
            f"{ex.id}.sealed made by `grader exercise seal` next to it"
        )
    submission = submission or f"{ex.id}/{ex.entry}"
    result = f"{RESULTS}/{ex.id}.json"
    words = ["grader", "exercise", "grade", _q(name), _q(submission)]
    if sealed:
        words += ["--sealed", _q(f"{ex.id}.sealed")]
    if require_isolation:
        words += ["--require-isolation", require_isolation]
    words += ["--format", "json", "-o", _q(result), "--student", f'"${student_var}"']
    return Graded("exercise", ex.id, " ".join(words), result, submission, sealed)


def quiz_job(spec: str, *, several: bool) -> Graded:
    from grader.bank import load_bank

    name, answers = _split(spec)
    bank = load_bank(resolve_bank(name))
    answers = answers or (f"answers-{bank.id}.yaml" if several else "answers.yaml")
    result = f"{RESULTS}/quiz-{bank.id}.json"
    # No --student: the file names its student (and variant), which the CI login may not be.
    words = ["grader", "quiz", "grade", _q(name), _q(answers), "--format", "json", "-o", _q(result)]
    return Graded("quiz", bank.id, " ".join(words), result, answers)


def render_workflow(
    provider: Provider,
    graded: list[Graded],
    *,
    install: list[str],
    python: str,
    command: str,
) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates"))),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["sq"] = lambda s: "'" + str(s).replace("'", "''") + "'"  # YAML single-quoted
    env.filters["sh"] = _q
    ids = [g.id for g in graded]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise BadInput(f"graded twice: {', '.join(duplicates)}")
    return env.get_template(TEMPLATES[provider]).render(
        graded=graded,
        install=[_q(spec) for spec in [TORCH, *install]],
        python=python,
        results=RESULTS,
        command=command,
        version=__version__,
        sealed=any(g.sealed for g in graded),
    )


def _command_line(
    provider: str,
    exercises: list[str],
    banks: list[str],
    sealed: bool,
    install: list[str],
    python: str,
    require_isolation: str | None,
) -> str:
    """The `grader ci init` that writes this file again (for its header)."""
    words = ["grader", "ci", "init", "--provider", provider]
    words += [w for spec in exercises for w in ("--exercise", spec)]
    words += [w for spec in banks for w in ("--bank", spec)]
    words += ["--sealed"] if sealed else []
    words += [w for spec in install for w in ("--install", spec)]
    words += ["--python", python] if python != "3.11" else []
    words += ["--require-isolation", require_isolation] if require_isolation else []
    return shlex.join(words)


def main(
    *,
    provider: str,
    exercises: list[str],
    banks: list[str],
    sealed: bool,
    install: list[str],
    python: str,
    require_isolation: str | None,
    output: str | None,
    force: bool,
    echo: Echo,
) -> int:
    if provider not in PROVIDERS:
        raise BadInput(f"unknown provider '{provider}' (choose from {', '.join(PROVIDERS)})")
    if not exercises and not banks:
        raise BadInput("nothing to grade: name at least one --exercise or --bank")
    student_var = STUDENT_VARIABLE[provider]
    graded = [
        exercise_job(spec, sealed=sealed, require_isolation=require_isolation,
                     student_var=student_var)
        for spec in exercises
    ]  # fmt: skip
    graded += [quiz_job(spec, several=len(banks) > 1) for spec in banks]
    text = render_workflow(
        provider,  # type: ignore[arg-type]
        graded,
        install=install or ["."],
        python=python,
        command=_command_line(provider, exercises, banks, sealed, install, python,
                              require_isolation),
    )  # fmt: skip
    target = Path(output or DEFAULT_OUTPUT[provider])
    if target.exists() and not force:
        raise BadInput(f"{target}: already exists (pass --force to overwrite it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    what = ", ".join(f"{g.kind} {g.id}" for g in graded)
    echo(f"wrote {target} ({provider}: {what})")
    if sealed:
        where = "Actions secret" if provider == "github" else "masked CI/CD variable"
        echo(f"store the key as the {where} GRADER_SEAL_KEY")
    return EXIT_OK
