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
