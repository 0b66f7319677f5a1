"""`moodle`: Moodle XML, following the rules Moodle's importer enforces.

Every answer fraction is one of Moodle's grades (33.33333, never 33.33); per-choice
feedback, general feedback (the explanation), hints, tags and a penalty are kept.
Ordering becomes matching (item -> position); cloze becomes Moodle's embedded answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.bank.types._numbers import NumberAnswer
from grader.bank.types._text import TextAnswer
from grader.bank.types.cloze import ClozeQuestion
from grader.bank.types.matching import MatchingQuestion
from grader.bank.types.multi import MultiQuestion
from grader.bank.types.numeric import NumericQuestion
from grader.bank.types.ordering import OrderingQuestion
from grader.bank.types.single import SingleQuestion
from grader.bank.types.text import TextQuestion
from grader.export._context import ExportContext, fmt_number, render
from grader.export._lms import (
    ORDERING_KIND,
    ORDERING_LOSS,
    PLAIN_KIND,
    REGEX_KIND,
    common_losses,
    lms_tags,
    multi_weights,
    percent,
    regex_loss,
    tolerance,
)
from grader.export._markup import MarkupRenderer, plain
from grader.export._view import QuestionView

SUFFIX = ".xml"
PENALTY = "0.3333333"  # Moodle's default penalty for each wrong try (interactive mode)

QTYPES = {
    "single": "multichoice",
    "multi": "multichoice",
    "true_false": "truefalse",
    "numeric": "numerical",
    "text": "shortanswer",
    "matching": "matching",
    "ordering": "matching",
    "cloze": "cloze",
}


@dataclass
class Answer:
    fraction: str  # a percentage from Moodle's list
    text: str  # HTML for choices, plain text otherwise
    feedback: str = ""
    tolerance: str = ""


@dataclass
class Plan:
    v: QuestionView
    qtype: str
    answers: list[Answer] = field(default_factory=list)
    subquestions: list[tuple[str, str]] = field(default_factory=list)  # (left HTML, right text)
    usecase: bool = False
    cloze_codes: dict[int, str] = field(default_factory=dict)


def _shortanswer_text(text: str) -> str:
    # In a shortanswer answer `*` is a wildcard; a literal star is written `\*`.
    return text.replace("\\", "\\\\").replace("*", "\\*")


def _text_answers(ctx: ExportContext, v: QuestionView, answer: TextAnswer, what: str) -> list[str]:
    if answer.match == "regex":
        ctx.lose(v.q, regex_loss(answer, what), kind=REGEX_KIND, scores=True)
        return [answer.example]
    return list(answer.accept)


def _cloze_escape(text: str) -> str:
    # Inside {1:SHORTANSWER:...} these characters end or split the answer list.
    for ch in ("\\", "}", "#", "~", "/"):
        text = text.replace(ch, "\\" + ch)
    return text


def _cloze_code(
    ctx: ExportContext, v: QuestionView, i: int, blank: NumberAnswer | TextAnswer
) -> str:
    if isinstance(blank, NumberAnswer):
        return f"{{1:NUMERICAL:={fmt_number(blank.answer)}:{fmt_number(tolerance(blank))}}}"
    kind = "SHORTANSWER_C" if blank.case_sensitive else "SHORTANSWER"
    texts = _text_answers(ctx, v, blank, f"blank {i}")
    return f"{{1:{kind}:" + "~".join(f"={_cloze_escape(t)}" for t in texts) + "}"


def plan(ctx: ExportContext, v: QuestionView, r: MarkupRenderer) -> Plan:
    q = v.q
    p = Plan(v, QTYPES[q.type])
    common_losses(ctx, q, hints=True, tags=True)
    if isinstance(q, SingleQuestion):
        p.answers = [
            Answer("100" if c.correct else "0", str(r.inline(c.text)), str(r.inline(c.feedback)))
            for c in v.choices
        ]
    elif isinstance(q, MultiQuestion):
        right, wrong = multi_weights(ctx, q)
        p.answers = [
            Answer(
                percent(right if c.correct else wrong),
                str(r.inline(c.text)),
                str(r.inline(c.feedback)),
            )
            for c in v.choices
        ]
    elif isinstance(q, NumericQuestion):
        p.answers = [
            Answer("100", fmt_number(q.answer.answer), "", fmt_number(tolerance(q.answer)))
        ]
    elif isinstance(q, TextQuestion):
        p.usecase = q.answer.case_sensitive
        texts = _text_answers(ctx, v, q.answer, "answer")
        p.answers = [Answer("100", _shortanswer_text(t)) for t in texts]
    elif isinstance(q, MatchingQuestion):
        key = q.key()
        p.subquestions = [(str(r.inline(left)), plain(key[left])) for left in v.lefts]
        p.subquestions += [("", plain(d)) for d in q.distractors]
        if any(plain(x) != x.strip() for x in q.rights):
            ctx.lose(
                q,
                "matching answers are plain text in Moodle (formatting dropped)",
                kind=PLAIN_KIND,
            )
    elif isinstance(q, OrderingQuestion):
        ctx.lose(q, ORDERING_LOSS, kind=ORDERING_KIND)
        p.subquestions = [(str(r.inline(item)), str(q.items.index(item) + 1)) for item in v.items]
    elif isinstance(q, ClozeQuestion):
        p.cloze_codes = {i: _cloze_code(ctx, v, i, b) for i, b in enumerate(q.blanks, 1)}
        if q.points != len(q.blanks):
            ctx.lose(
                q,
                f"Moodle gives each of the {len(q.blanks)} blanks 1 mark "
                f"(out of {len(q.blanks)}, not {fmt_number(q.points)})",
                kind="cloze marks per blank",
                scores=True,
            )
    return p


def export(ctx: ExportContext) -> bytes:
    renderer = MarkupRenderer(mathml=False, highlight=False)
    plans = [plan(ctx, v, renderer) for v in ctx.view.questions]
    text = render("moodle.xml", ctx, renderer, plans=plans, penalty=PENALTY, tags=lms_tags)
    return text.encode()
