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
from grader.errors import EXIT_INTERNAL, GraderError


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
        except Exception as exc:  # a bug of ours: say so, briefly, with exit code 3
            if os.environ.get("GRADER_DEBUG"):
                raise
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
    """Question banks: check, take, grade, export, analyse."""


@main.group(cls=_Group)
def exercise() -> None:
    """Coding exercises: list, check, grade, release."""


@quiz.command("check")
@click.argument("banks", nargs=-1, required=True)
def quiz_check(banks: Sequence[str]) -> None:
    """Validate question banks (paths or shipped names).

    Exits 0 when every bank is valid, else 2 after listing every problem
    as FILE:LINE:COL: KEY: MESSAGE.
    """
    from grader.bank.check import main as check_main

    sys.exit(check_main(banks=list(banks), echo=click.echo))


_EXPORT_FORMATS = click.Choice(["html", "html-key", "qti", "moodle", "gift", "md"])


@quiz.command("export")
@click.argument("bank")
@click.option("--format", "fmt", type=_EXPORT_FORMATS, required=True, help="What to write.")
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="The file to write."
)
@click.option("--seed", type=int, help="Shuffle questions and choices; the key matches the seed.")
def quiz_export(bank: str, fmt: str, output: str, seed: int | None) -> None:
    """Export BANK (a path or shipped name) for students, a key, or an LMS.

    html is a self-contained student page (self-check with JavaScript, printable
    without); html-key is the answer key; qti is a QTI 1.2 zip for Canvas; moodle is
    Moodle XML; gift is Moodle's GIFT text; md is Markdown. Whatever the format cannot
    express is printed as a warning on stderr, naming the question.
    """
    from grader.export import main as export_main

    sys.exit(
        export_main(
            bank=bank, fmt=fmt, output=output, seed=seed, warn=lambda s: click.echo(s, err=True)
        )
    )


# -- exercises -----------------------------------------------------------------------------
# Each command imports its implementation lazily: torch loads only when a jail is needed.

_ISOLATION = click.Choice(["none", "rlimits", "uid", "namespaces"])
_EXERCISE_FORMATS = click.Choice(["text", "json", "junit", "gradescope", "html"])


def _style(text: str, **kwargs: Any) -> str:
    return click.style(text, **kwargs)


@exercise.command("list")
@click.argument("directory", required=False)
def exercise_list(directory: str | None) -> None:
    """List the exercises in DIRECTORY (default: the ones shipped with grader)."""
    from grader.exercise.commands import list_main

    sys.exit(list_main(directory=directory, echo=click.echo))


@exercise.command("check")
@click.argument("exercise_name", metavar="EXERCISE")
@click.argument("path", required=False)
@click.option("--watch", is_flag=True, help="Re-run the public tests every time PATH is saved.")
def exercise_check(exercise_name: str, path: str | None, watch: bool) -> None:
    """Run the public tests of EXERCISE on your work (PATH: file, folder or zip;
    default: the exercise's file in the current folder). Exit 0 when they all pass."""
    from grader.exercise.commands import check_main

    sys.exit(
        check_main(exercise=exercise_name, path=path, watch=watch, echo=click.echo, style=_style)
    )


@exercise.command("grade")
@click.argument("exercise_name", metavar="EXERCISE")
@click.argument("submission")
@click.option("--format", "fmt", type=_EXERCISE_FORMATS, default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option("--student", help="Student id recorded in the result.")
@click.option(
    "--require-isolation",
    type=_ISOLATION,
    help="Refuse to grade (exit 2) if the sandbox cannot reach this level.",
)
def exercise_grade(
    exercise_name: str,
    submission: str,
    fmt: str,
    output: str | None,
    student: str | None,
    require_isolation: str | None,
) -> None:
    """Grade SUBMISSION (a .py file, folder or zip) with the public and hidden tests.

    Exit 0 when every test passed, 1 when something failed, 2 on bad input.
    """
    from grader.exercise.commands import grade_main

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
        )
    )


@exercise.command("grade-all")
@click.argument("exercise_name", metavar="EXERCISE")
@click.argument("submissions")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=_EXERCISE_FORMATS, default="json", show_default=True)
@click.option("--require-isolation", type=_ISOLATION)
def exercise_grade_all(
    exercise_name: str, submissions: str, out: str, fmt: str, require_isolation: str | None
) -> None:
    """Grade every submission in the SUBMISSIONS folder; one report per student in --out."""
    from grader.exercise.commands import grade_all_main

    sys.exit(
        grade_all_main(
            exercise=exercise_name,
            submissions=submissions,
            out=out,
            fmt=fmt,
            require_isolation=require_isolation,
            echo=click.echo,
        )
    )


@exercise.command("release")
@click.argument("exercise_name", metavar="EXERCISE")
@click.option("-o", "--out", "out", required=True, type=click.Path(file_okay=False))
def exercise_release(exercise_name: str, out: str) -> None:
    """Write the student copy of EXERCISE to OUT/<id>: README, starter, public tests."""
    from grader.exercise.commands import release_main

    sys.exit(release_main(exercise=exercise_name, out=out, echo=click.echo))
