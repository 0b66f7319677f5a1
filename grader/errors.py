"""The one exception family the CLI knows how to turn into an exit code.

Exit codes are a contract (see docs/ci-guide.md): 0 passed, 1 graded and something
failed, 2 bad input or usage, 3 internal error of the grader.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        key = f" {self.path}:" if self.path else ""
        return f"{where}:{key} {self.message}"


# Import names whose distribution is named otherwise (what `pip install` needs).
_DISTRIBUTIONS = {
    "yaml": "pyyaml",
    "markdown_it": "markdown-it-py",
    "mdit_py_plugins": "mdit-py-plugins",
}


def missing_dependency(exc: ModuleNotFoundError) -> str | None:
    """One line naming the package that is not installed and how to install it, or None
    when the missing module is grader's own (that is a bug, not a setup problem)."""
    top = (exc.name or "").split(".")[0]
    if not top or top == "grader":
        return None
    dist = _DISTRIBUTIONS.get(top, top)
    return (
        f"the Python package '{dist}' is not installed in this environment "
        f"({sys.executable}); install it with `python -m pip install {dist}`, "
        "or reinstall grader with its dependencies"
    )


class GraderError(Exception):
    """An error with a message meant for a person and the exit code it implies."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def lines(self) -> list[str]:
        return [self.message]


class BadInput(GraderError):
    """The user gave us something we cannot use: exit code 2."""

    exit_code = EXIT_BAD_INPUT


class ValidationFailed(BadInput):
    """A file has one or more located problems; all of them are reported at once."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]
