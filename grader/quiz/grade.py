"""`grader quiz grade BANK ANSWERS`: score an answers file, report, exit 0/1/2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from grader.bank import load_bank
from grader.bank.model import Bank
from grader.errors import EXIT_FAILED, EXIT_OK, BadInput
from grader.quiz.answers import read_answers, read_header
from grader.quiz.scoring import build_result
from grader.resources import resolve_bank


def pass_fraction(raw: str | float | None) -> float | None:
    """--pass-mark as a fraction: 0.6, 60 and 60% all mean 60 %."""
    if raw is None:
        return None
    text = str(raw).strip()
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise BadInput(f"--pass-mark must be a fraction (0.6) or a percentage (60%), found {raw}")
    return value / 100.0 if percent or value > 1 else value


def _variant_of(bank: Bank, path: Path, student: str | None) -> tuple[Bank, str | None]:
    """The variant the answers were given to: the file's `variant:`, else the student's
    (from --student or the file's `student:`), else variant 0."""
    from grader.bank.variants import bank_for_student, bank_variant

    header = read_header(path, bank)
    if student and header.student and student != header.student:
        raise BadInput(f"{path}: answers of '{header.student}', but --student is '{student}'")
    student = student or header.student
    if header.variant is not None:
        return bank_variant(bank, header.variant), student
    return bank_for_student(bank, student)[0], student


def main(
    *,
    bank: str,
    answers: str,
    fmt: str = "text",
    pass_mark: str | float | None = None,
    student: str | None = None,
    output: str | None = None,
    no_color: bool = False,
    echo: Callable[..., None] = print,
) -> int:
    fraction = pass_fraction(pass_mark)
    the_bank = load_bank(resolve_bank(bank))
    path = Path(answers)
    if not path.is_file():
        raise BadInput(f"{answers}: no such file")
    if the_bank.parametrized:
        the_bank, student = _variant_of(the_bank, path, student)
    responses = read_answers(path, the_bank)
    result = build_result(
        the_bank,
        the_bank.questions,
        responses,
        student=student,
        duration_s=0.0,
        pass_mark=fraction,
        extra={"answers_file": str(path)},
    )
    if fmt == "text":
        from grader.report.style import color_wanted
        from grader.report.text_report import render as render_text

        color = False if output else color_wanted(no_color=no_color)
        report = render_text(result, color=color)
    else:
        from grader.report.registry import render

        report = render(result, fmt)
    if output:
        from grader.quiz.store import write_atomic

        write_atomic(Path(output), report)
    else:
        echo(report.rstrip("\n"))
    return EXIT_OK if result.passed else EXIT_FAILED
