"""`grader quiz check`: validate banks and list every problem."""

from __future__ import annotations

from collections.abc import Callable

from grader.bank.loader import load_bank
from grader.errors import EXIT_BAD_INPUT, EXIT_OK, BadInput, ValidationFailed
from grader.resources import resolve_bank


def main(*, banks: list[str], echo: Callable[..., None], samples: int = 200) -> int:
    failed = False
    for name in banks:
        try:
            path = resolve_bank(name)
            bank = load_bank(path, display_name=name if name.endswith((".yaml", ".yml")) else None)
        except ValidationFailed as exc:
            failed = True
            for line in exc.lines():
                echo(line, err=True)
            continue
        except BadInput as exc:
            failed = True
            echo(f"error: {exc.message}", err=True)
            continue
        drawn = ""
        if bank.parametrized:
            from grader.bank.variant_check import check_variants

            problems, sampled = check_variants(bank, samples)
            if problems:
                failed = True
                for problem in problems:
                    echo(str(problem), err=True)
                continue
            with_params = sum(q.params is not None for q in bank.questions)
            drawn = f"; {with_params} parametrized, {sampled} variants each checked"
        kinds = sorted({q.type for q in bank.questions})
        count, points = len(bank.questions), bank.max_score
        echo(
            f"{name}: ok — {count} question{'' if count == 1 else 's'}, "
            f"{points:g} point{'' if points == 1 else 's'} ({', '.join(kinds)}){drawn}"
        )
    return EXIT_BAD_INPUT if failed else EXIT_OK
