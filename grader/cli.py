"""The command line: a thin click layer. Each command parses options, calls one
function in its subpackage, and renders the outcome; exit codes follow the contract
in grader.errors (0 passed, 1 failed, 2 bad input, 3 internal error)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from grader import __version__
from grader.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, GraderError, missing_dependency


class _Group(click.Group):
    """Turns our errors into one-line messages and exit codes; never a traceback."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("standalone_mode", True)
        try:
            return super().main(*args, **kwargs)
        except GraderError as exc:
            for line in exc.lines():
                click.echo(f"error: {line}" if len(exc.lines()) == 1 else line, err=True)
            sys.exit(exc.exit_code)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (GraderError, click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            raise
        except BrokenPipeError:
            # The reader stopped reading (`grader ... | head -3`): nothing is wrong, and
            # nobody is left to tell. Point stdout at /dev/null so the exit flush is quiet.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except Exception as exc:  # a bug of ours: say so, briefly, with exit code 3
            if os.environ.get("GRADER_DEBUG"):
                raise
            missing = missing_dependency(exc) if isinstance(exc, ModuleNotFoundError) else None
            if missing is not None:  # a setup problem, not a bug
                click.echo(f"error: {missing}", err=True)
                sys.exit(EXIT_BAD_INPUT)
            click.echo(
                f"internal error: {type(exc).__name__}: {exc} "
                "(this is a bug in grader; rerun with GRADER_DEBUG=1 for details)",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grader")
def main() -> None:
    """Auto-graded quizzes and coding exercises for teaching deep learning.

    Students take quizzes with `grader quiz take` and check exercises with
    `grader exercise check`; instructors validate, export and grade.
    """


@main.group(cls=_Group)
def quiz() -> None:
    """Question banks: check, take, grade, export, stats."""


@main.group(cls=_Group)
def exercise() -> None:
    """Coding exercises: list, check, grade, grade-all, release, seal, seal-key, gradescope."""


@quiz.command("check")
@click.argument("banks", nargs=-1, required=True)
@click.option(
    "--samples",
    type=click.IntRange(1, 10_000),
    default=200,
    show_default=True,
    help="Variants of each parametrized question to draw and check.",
)
def quiz_check(banks: Sequence[str], samples: int) -> None:
    """Validate question banks (paths or shipped names).

    Exits 0 when every bank is valid, else 2 after listing every problem
    as FILE:LINE:COL: KEY: MESSAGE. Parametrized questions are drawn --samples times.
    """
    from grader.bank.check import main as check_main

    sys.exit(check_main(banks=list(banks), echo=click.echo, samples=samples))


_EXPORT_FORMATS = click.Choice(["html", "html-key", "qti", "moodle", "gift", "md"])


@quiz.command("export", short_help="Export a bank: student page, key, QTI, Moodle, GIFT, Markdown.")
@click.argument("bank")
@click.option("--format", "fmt", type=_EXPORT_FORMATS, required=True, help="What to write.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="The file to write (- for standard output).",
)
@click.option("--seed", type=int, help="Shuffle questions and choices; the key matches the seed.")
@click.option("--student", help="Parametrized banks: this student's variant.")
@click.option(
    "--variants",
    type=int,
    help="Parametrized banks: N variants (qti/moodle: drawn by the LMS; others: N files).",
)
def quiz_export(
    bank: str, fmt: str, output: str, seed: int | None, student: str | None, variants: int | None
) -> None:
    """Export BANK (a path or shipped name) for students, a key, or an LMS.

    html is a self-contained student page (self-check with JavaScript, printable
    without); html-key is the answer key; qti is a QTI 1.2 zip for Canvas; moodle is
    Moodle XML; gift is Moodle's GIFT text; md is Markdown. Whatever the format cannot
    express is printed as a warning on stderr, naming the question.
    """
    from grader.export import main as export_main

    sys.exit(
        export_main(
            bank=bank,
            fmt=fmt,
            output=output,
            seed=seed,
            warn=lambda s: click.echo(s, err=True),
            student=student,
            variants=variants,
        )
    )


# -- quiz take / grade / stats ---------------------------------------------------------------
# Lazy imports keep `quiz take` fast: the first question is on screen in well under 150 ms.


@quiz.command("take")
@click.argument("bank")
@click.option("--student", help="Who is taking it (default: $GRADER_STUDENT or your login).")
@click.option("--seed", type=int, help="Shuffle questions and choices reproducibly.")
@click.option(
    "--mode",
    type=click.Choice(["practice", "exam"]),
    default="practice",
    show_default=True,
    help="practice: feedback after each answer; exam: feedback at the end, review first.",
)
@click.option("--resume", is_flag=True, help="Continue the saved, unfinished attempt.")
@click.option("--restart", is_flag=True, help="Throw away an unfinished attempt and start anew.")
@click.option("--tag", "tags", multiple=True, help="Only questions with this tag (repeatable).")
@click.option("--limit", type=int, help="Draw N questions at random (by --seed).")
@click.option("--time-limit", help="Exam time limit, e.g. 20m, 1h30m, 90s.")
@click.option("--no-color", is_flag=True, help="No colour (NO_COLOR is honoured too).")
@click.option(
    "-o", "--out", type=click.Path(dir_okay=False), help="Write the results JSON here too."
)
@click.option(
    "--save-answers",
    type=click.Path(dir_okay=False),
    help="When finished, write your answers here (YAML) for `grader quiz grade`.",
)
def quiz_take(
    bank: str,
    student: str | None,
    seed: int | None,
    mode: str,
    resume: bool,
    restart: bool,
    tags: Sequence[str],
    limit: int | None,
    time_limit: str | None,
    no_color: bool,
    out: str | None,
    save_answers: str | None,
) -> None:
    """Take the quiz BANK (a path or a shipped name) in the terminal.

    Progress is saved after every answer; Ctrl-C saves and tells you how to continue.
    Without a terminal, answers are read one per line from standard input.
    """
    from pathlib import Path

    from grader.quiz.take import main as take_main

    sys.exit(
        take_main(
            bank=bank,
            student=student,
            seed=seed,
            mode=mode,
            resume=resume,
            restart=restart,
            tags=list(tags),
            limit=limit,
            time_limit=time_limit,
            no_color=no_color,
            out=Path(out) if out else None,
            save_answers=Path(save_answers) if save_answers else None,
        )
    )


@quiz.command("grade", short_help="Grade an answers file against a bank.")
@click.argument("bank")
@click.argument("answers")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "junit"]),
    default="text",
    show_default=True,
)
@click.option(
    "--pass-mark",
    help="Pass at this fraction of the maximum (0.6) or percentage (60%); default full marks.",
)
@click.option(
    "--student", help="Student id recorded in the result (and, with params, their variant)."
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option("--no-color", is_flag=True, help="No colour in the text report.")
def quiz_grade(
    bank: str,
    answers: str,
    fmt: str,
    pass_mark: str | None,
    student: str | None,
    output: str | None,
    no_color: bool,
) -> None:
    """Grade an ANSWERS file (YAML or JSON: question id -> response) against BANK.

    Exits 0 at full marks (or at/above --pass-mark), 1 below, 2 on bad input.
    """
    from grader.quiz.grade import main as grade_main

    sys.exit(
        grade_main(
            bank=bank,
            answers=answers,
            fmt=fmt,
            pass_mark=pass_mark,
            student=student,
            output=output,
            no_color=no_color,
            echo=click.echo,
        )
    )


@quiz.command("stats", short_help="Item analysis of a bank over graded results.")
@click.argument("bank")
@click.argument("results", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv", "html"]),
    default="text",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the analysis here.")
@click.option("--no-color", is_flag=True, help="No colour in the text output.")
def quiz_stats(
    bank: str, results: Sequence[str], fmt: str, output: str | None, no_color: bool
) -> None:
    """Item analysis of BANK over RESULTS (results JSON files or folders of them): test
    statistics and reliability, facility, discrimination, weights, choices and flags per
    question; html is a self-contained report with charts."""
    from grader.quiz.stats import main as stats_main

    sys.exit(
        stats_main(
            bank=bank,
            results=list(results),
            fmt=fmt,
            output=output,
            no_color=no_color,
            echo=click.echo,
        )
    )


# -- exercises -----------------------------------------------------------------------------
# Each command imports its implementation lazily: torch loads only when a jail is needed.

_ISOLATION = click.Choice(["none", "rlimits", "uid", "userns", "namespaces"])
_EXERCISE_FORMATS = click.Choice(["text", "json", "junit", "gradescope", "html"])


def _style(text: str, **kwargs: Any) -> str:
    if os.environ.get("NO_COLOR"):  # https://no-color.org
        return text
    return click.style(text, **kwargs)


@exercise.command("list", short_help="List the exercises, with points, topics and grading time.")
@click.argument("directory", required=False)
def exercise_list(directory: str | None) -> None:
    """List the exercises in DIRECTORY (default: the ones shipped with grader)."""
    from grader.commands.exercise import list_main

    sys.exit(list_main(directory=directory, echo=click.echo))


@exercise.command("check", short_help="Run the public tests on your work (students).")
@click.argument("exercise_name", metavar="EXERCISE")
@click.argument("path", required=False)
@click.option("--watch", is_flag=True, help="Re-run the public tests every time PATH is saved.")
def exercise_check(exercise_name: str, path: str | None, watch: bool) -> None:
    """Run the public tests of EXERCISE on your work (PATH: file, folder or zip;
    default: the exercise's file in the current folder). Exit 0 when they all pass."""
    from grader.commands.exercise import check_main

    sys.exit(
        check_main(exercise=exercise_name, path=path, watch=watch, echo=click.echo, style=_style)
    )


@exercise.command("grade", short_help="Grade one submission with the hidden tests.")
@click.argument("exercise_name", metavar="EXERCISE")
@click.argument("submission")
@click.option("--format", "fmt", type=_EXERCISE_FORMATS, default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option(
    "--student", help="Student id recorded in the result (and, with params, their variant)."
)
@click.option(
    "--require-isolation",
    type=_ISOLATION,
    help="Refuse to grade (exit 2) if the sandbox cannot reach this level.",
)
@click.option(
    "--sealed",
    type=click.Path(dir_okay=False),
    help="Hidden tests from this sealed file (key in GRADER_SEAL_KEY).",
)
def exercise_grade(
    exercise_name: str,
    submission: str,
    fmt: str,
    output: str | None,
    student: str | None,
    require_isolation: str | None,
    sealed: str | None,
) -> None:
    """Grade SUBMISSION (a .py file, folder or zip) with the public and hidden tests.

    Exit 0 when every test passed, 1 when something failed, 2 on bad input.
    """
    from grader.commands.exercise import grade_main

    sys.exit(
        grade_main(
            exercise=exercise_name,
            submission=submission,
            fmt=fmt,
            output=output,
            require_isolation=require_isolation,
            student=student,
            echo=click.echo,
            style=_style,
            sealed=sealed,
        )
    )


@exercise.command("grade-all", short_help="Grade every submission in a folder or LMS download.")
@click.argument("exercise_name", metavar="EXERCISE")
@click.argument("submissions")
@click.option(
    "--out", "out", default="grader-reports", show_default=True, type=click.Path(file_okay=False)
)
@click.option("--format", "fmt", type=_EXERCISE_FORMATS, default="json", show_default=True)
@click.option("--jobs", type=int, help="Judge processes at once [default: usable cores].")
@click.option("--require-isolation", type=_ISOLATION)
@click.option(
    "--sealed",
    type=click.Path(dir_okay=False),
    help="Hidden tests from this sealed file (key in GRADER_SEAL_KEY).",
)
@click.option("--force", is_flag=True, help="Regrade unchanged submissions too.")
@click.option("--cluster", metavar="ADDRESS", help="Grade on a Dask scheduler (or local:N).")
def exercise_grade_all(
    exercise_name: str,
    submissions: str,
    out: str,
    fmt: str,
    jobs: int | None,
    require_isolation: str | None,
    sealed: str | None,
    force: bool,
    cluster: str | None,
) -> None:
    """Grade every submission in SUBMISSIONS (a folder or an LMS bulk-download zip): a
    report per student, gradebook.csv and class-report.html in --out."""
    from grader.commands.exercise import grade_all_main

    sys.exit(
        grade_all_main(
            exercise=exercise_name,
            submissions=submissions,
            out=out,
            fmt=fmt,
            jobs=jobs,
            require_isolation=require_isolation,
            echo=click.echo,
            sealed=sealed,
            force=force,
            cluster=cluster,
        )
    )


@exercise.command("release", short_help="Write the student copy of an exercise.")
@click.argument("exercise_name", metavar="EXERCISE")
@click.option("-o", "--out", "out", required=True, type=click.Path(file_okay=False))
def exercise_release(exercise_name: str, out: str) -> None:
    """Write the student copy of EXERCISE to OUT/<id>: README, starter, public tests."""
    from grader.commands.exercise import release_main

    sys.exit(release_main(exercise=exercise_name, out=out, echo=click.echo))


@exercise.command("seal", short_help="Encrypt the instructor-only files of an exercise.")
@click.argument("exercise_name", metavar="EXERCISE")
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False))
def exercise_seal(exercise_name: str, out: str) -> None:
    """Encrypt the hidden tests, solution, public tests and exercise.yaml of EXERCISE
    into one file for CI (key in GRADER_SEAL_KEY; make one with `seal-key`)."""
    from grader.commands.exercise import seal_main

    sys.exit(seal_main(exercise=exercise_name, out=out, echo=click.echo))


@exercise.command("gradescope", short_help="Build a Gradescope autograder zip.")
@click.argument("exercise_name", metavar="EXERCISE")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@click.option("--sealed", is_flag=True, help="Hidden tests sealed in the zip (the default).")
@click.option("--include-hidden", is_flag=True, help="Hidden tests and solution in the clear.")
@click.option(
    "--require-isolation",
    type=_ISOLATION,
    help="Passed to grade (default with --include-hidden: namespaces).",
)
def exercise_gradescope(
    exercise_name: str,
    output: str,
    sealed: bool,
    include_hidden: bool,
    require_isolation: str | None,
) -> None:
    """Build a Gradescope autograder zip for EXERCISE (setup.sh, run_autograder)."""
    from grader.exercise.gradescope import main as gradescope_main

    sys.exit(
        gradescope_main(
            exercise=exercise_name,
            output=output,
            sealed=sealed,
            include_hidden=include_hidden,
            require_isolation=require_isolation,
            echo=click.echo,
        )
    )


@exercise.command("seal-key", short_help="Print a new random key for GRADER_SEAL_KEY.")
def exercise_seal_key() -> None:
    """Print a new random key for GRADER_SEAL_KEY (keep it in your CI's secrets)."""
    from grader.commands.exercise import seal_key_main

    sys.exit(seal_key_main(echo=click.echo))


# -- CI ------------------------------------------------------------------------------------


@main.group(cls=_Group)
def ci() -> None:
    """CI workflows that grade exercises and quizzes, and their reports."""


@ci.command("init")
@click.option("--provider", type=click.Choice(["github", "gitlab"]), required=True)
@click.option(
    "--exercise",
    "exercises",
    multiple=True,
    metavar="NAME[=SUBMISSION]",
    help="Grade this exercise (repeatable); SUBMISSION defaults to <id>/<entry>.",
)
@click.option(
    "--bank",
    "banks",
    multiple=True,
    metavar="BANK[=ANSWERS]",
    help="Grade this quiz's answers file (repeatable); ANSWERS defaults to answers.yaml.",
)
@click.option("--sealed", is_flag=True, help="Hidden tests from <id>.sealed (key in a secret).")
@click.option(
    "--install",
    multiple=True,
    metavar="SPEC",
    help="What pip installs to get grader (repeatable; default: '.', this repository).",
)
@click.option("--python", default="3.11", show_default=True, help="The Python version.")
@click.option("--require-isolation", type=_ISOLATION, help="Passed to every exercise grade.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Where to write it.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def ci_init(
    provider: str,
    exercises: Sequence[str],
    banks: Sequence[str],
    sealed: bool,
    install: Sequence[str],
    python: str,
    require_isolation: str | None,
    output: str | None,
    force: bool,
) -> None:
    """Write a ready workflow that grades exercises and quizzes (default file:
    .github/workflows/grade.yml or .gitlab-ci.yml). Run it at the repository's root."""
    from grader.ci.workflow import main as init_main

    sys.exit(
        init_main(
            provider=provider,
            exercises=list(exercises),
            banks=list(banks),
            sealed=sealed,
            install=list(install),
            python=python,
            require_isolation=require_isolation,
            output=output,
            force=force,
            echo=click.echo,
        )
    )


@ci.command("report")
@click.argument("results", nargs=-1, required=True)
@click.option("--junit-dir", type=click.Path(file_okay=False), help="Write <name>.xml here.")
@click.option(
    "--summary", type=click.Path(dir_okay=False), help="Append a Markdown summary to this file."
)
@click.option("--annotate", is_flag=True, help="Print GitHub annotations for failed tests.")
@click.option("--file", help="The file annotations point at (the submission, answers file).")
def ci_report(
    results: Sequence[str],
    junit_dir: str | None,
    summary: str | None,
    annotate: bool,
    file: str | None,
) -> None:
    """Reports from JSON RESULTS (of --format json): JUnit, a Markdown job summary, GitHub
    annotations. Exit 0 when every result passed, 1 otherwise."""
    from grader.ci.report import main as report_main

    sys.exit(
        report_main(
            results=list(results),
            junit_dir=junit_dir,
            summary=summary,
            annotate=annotate,
            file=file,
            echo=click.echo,
        )
    )
