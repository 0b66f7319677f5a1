"""Parametrized banks in exports: one variant per file, or every variant in one LMS file.

`--student ID` exports that student's variant; `--variants N` writes N pages (and for
`html` a key per page) named ``NAME-v0.html``, ``NAME-v1.html``, ...; QTI and Moodle XML
instead hold all N variants of each parametrized question in one file, as a question group
that draws one (QTI ``selection_number`` 1) or a category drawn by a random question
(Moodle), so the LMS gives each student one variant.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from grader.bank.model import Bank
from grader.bank.variants import bank_variant, question_variant
from grader.export._context import Loss
from grader.export._view import BankView, QuestionView

GROUPED = ("qti", "moodle")  # formats with a native way to draw one of several questions


@dataclass(frozen=True)
class Group:
    """Where a variant sits among the variants of its question."""

    qid: str
    title: str
    index: int
    count: int
    points: float

    @property
    def first(self) -> bool:
        return self.index == 0

    @property
    def last(self) -> bool:
        return self.index == self.count - 1


def titled(bank: Bank, variant: int) -> Bank:
    """The variant, with its number in the title so that a page and its key pair up."""
    drawn = bank_variant(bank, variant)
    return replace(drawn, title=f"{bank.title} (variant {variant})")


def expand(view: BankView, bank: Bank, count: int) -> BankView:
    """Each parametrized question's view becomes ``count`` views, one per variant."""
    views: list[QuestionView] = []
    for v in view.questions:
        if v.q.params is None:
            views.append(v)
            continue
        for k in range(count):
            q = question_variant(v.q, bank, k)
            q = replace(q, id=f"{v.q.id}.v{k}", title=f"{v.q.title or v.q.id} (variant {k})")
            views.append(
                replace(
                    v,
                    q=q,
                    choices=_same_order(v, q),
                    group=Group(v.q.id, v.q.title or v.q.id, k, count, v.q.points),
                )
            )
    return replace(view, questions=views)


def _same_order(v: QuestionView, q: object) -> list:  # type: ignore[type-arg]
    """The variant's choices in the order the arranged view shows them."""
    choices = getattr(q, "choices", [])
    order = [c.key for c in v.choices]
    return sorted(choices, key=lambda c: order.index(c.key)) if order else []


def first_variant_only(losses: list[Loss], view: BankView) -> list[Loss]:
    """What a format loses is the same in every variant: say it once, of the question."""
    groups = {v.q.id: v.group for v in view.questions if v.group is not None}
    out = []
    for loss in losses:
        group = groups.get(loss.question or "")
        if group is None:
            out.append(loss)
        elif group.first:
            out.append(
                replace(
                    loss, question=group.qid, what=f"{loss.what} (variant 0; likewise the others)"
                )
            )
    return out


def variant_path(output: str, variant: int, *, key: bool = False) -> Path:
    path = Path(output)
    return path.with_name(f"{path.stem}-v{variant}{'-key' if key else ''}{path.suffix}")
