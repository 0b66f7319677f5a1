"""`qti`: a QTI 1.2 zip (imsmanifest.xml + one assessment) as Canvas imports it.

Item structure follows Canvas's own QTI exporter: ``question_type`` metadata, one
``response_lid`` (``Single``/``Multiple``) naming ``response_label`` idents, a SCORE
decvar out of 100, ``displayfeedback`` -> ``itemfeedback``. Types Canvas lacks get the
closest mapping: ordering -> matching (item -> position), cloze -> fill in multiple blanks.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from grader.bank.types._numbers import NumberAnswer
from grader.bank.types._text import TextAnswer, normalise
from grader.bank.types.cloze import ClozeQuestion
from grader.bank.types.matching import MatchingQuestion
from grader.bank.types.multi import MultiQuestion
from grader.bank.types.numeric import NumericQuestion
from grader.bank.types.ordering import OrderingQuestion
from grader.bank.types.text import TextQuestion
from grader.export._context import ExportContext, fmt_number, render
from grader.export._lms import (
    ORDERING_KIND,
    ORDERING_LOSS,
    PLAIN_KIND,
    REGEX_KIND,
    common_losses,
    regex_loss,
    tolerance,
)
from grader.export._markup import MarkupRenderer, plain
from grader.export._view import QuestionView

SUFFIX = ".zip"

CANVAS_TYPES = {
    "single": "multiple_choice_question",
    "multi": "multiple_answers_question",
    "true_false": "true_false_question",
    "numeric": "numerical_question",
    "text": "short_answer_question",
    "matching": "matching_question",
    "ordering": "matching_question",
    "cloze": "fill_in_multiple_blanks_question",
}

_IDENT = re.compile(r"[^A-Za-z0-9_.-]")


def ident(text: str) -> str:
    return _IDENT.sub("_", text)


@dataclass
class Blank:
    """One cloze blank: Canvas names it in the prompt as [name] and lists accepted texts."""

    name: str
    answers: list[str]


@dataclass
class Plan:
    """What the template needs beyond the question: Canvas's view of it."""

    v: QuestionView
    canvas_type: str
    texts: list[str] = field(default_factory=list)  # accepted short answers
    low: str = ""
    high: str = ""
    exact: str = ""
    lefts: list[str] = field(default_factory=list)  # matching rows
    rights: list[str] = field(default_factory=list)  # matching options, in shown order
    right_of: list[int] = field(default_factory=list)  # index into rights per left
    blanks: list[Blank] = field(default_factory=list)
    share: str = ""  # SCORE added per right row/blank


def _texts(ctx: ExportContext, v: QuestionView, answer: TextAnswer, what: str) -> list[str]:
    if answer.case_sensitive:
        ctx.lose(
            v.q, f"{what}: Canvas compares answers ignoring case", kind="case ignored", scores=True
        )
    if answer.match == "regex":
        ctx.lose(v.q, regex_loss(answer, what), kind=REGEX_KIND, scores=True)
        return [answer.example]
    return list(answer.accept)


def plan(ctx: ExportContext, v: QuestionView) -> Plan:
    q = v.q
    p = Plan(v, CANVAS_TYPES[q.type])
    common_losses(ctx, q, hints=False, tags=False)
    if isinstance(q, MultiQuestion) and (q.scoring or "partial") != "partial":
        ctx.lose(
            q,
            f"'{q.scoring}' scoring: Canvas applies its own partial credit",
            kind="scoring policy changed",
            scores=True,
        )
    if isinstance(q, NumericQuestion):
        tol = tolerance(q.answer)
        p.exact = fmt_number(q.answer.answer)
        p.low, p.high = fmt_number(q.answer.answer - tol), fmt_number(q.answer.answer + tol)
    elif isinstance(q, TextQuestion):
        p.texts = _texts(ctx, v, q.answer, "answer")
    elif isinstance(q, MatchingQuestion):
        p.lefts, p.rights = list(v.lefts), [plain(r) for r in v.rights]
        key = q.key()
        shown = [normalise(right) for right in v.rights]  # rights are de-duplicated this way
        p.right_of = [shown.index(normalise(key[left])) for left in v.lefts]
        if any(plain(r) != r.strip() for r in v.rights):
            ctx.lose(
                q,
                "matching options are plain text in Canvas (formatting dropped)",
                kind=PLAIN_KIND,
            )
    elif isinstance(q, OrderingQuestion):
        ctx.lose(q, ORDERING_LOSS, kind=ORDERING_KIND)
        p.lefts = list(v.items)
        p.rights = [str(n) for n in range(1, len(q.items) + 1)]
        p.right_of = [q.items.index(item) for item in v.items]
    elif isinstance(q, ClozeQuestion):
        for i, blank in enumerate(q.blanks, 1):
            if isinstance(blank, NumberAnswer):
                if tolerance(blank):
                    ctx.lose(
                        q,
                        f"blank {i}: tolerance dropped, only {blank.answer:g} is accepted",
                        kind="number tolerance dropped",
                        scores=True,
                    )
                answers = [fmt_number(blank.answer)]
            else:
                answers = _texts(ctx, v, blank, f"blank {i}")
            p.blanks.append(Blank(f"blank{i}", answers))
    if isinstance(q, (MatchingQuestion, OrderingQuestion)):
        p.share = f"{100 / len(p.lefts):.2f}"
    elif isinstance(q, ClozeQuestion):
        p.share = f"{100 / len(p.blanks):.2f}"
    return p


def export(ctx: ExportContext) -> bytes:
    renderer = MarkupRenderer(mathml=False, highlight=False)
    bank = ctx.view.bank
    if bank.description:
        ctx.lose_bank(
            "the description is not part of a QTI assessment (dropped)", kind="description dropped"
        )
    plans = [plan(ctx, v) for v in ctx.view.questions]
    assessment_id = ident(f"{bank.id}-assessment")
    assessment = render(
        "qti/assessment.xml", ctx, renderer, plans=plans, assessment_id=assessment_id, ident=ident
    )
    manifest = render("qti/imsmanifest.xml", ctx, renderer, assessment_id=assessment_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        # A fixed timestamp keeps the zip byte-for-byte reproducible (golden files, diffs).
        for name, text in (
            ("imsmanifest.xml", manifest),
            (f"{assessment_id}/{assessment_id}.xml", assessment),
        ):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode())
    return buffer.getvalue()
