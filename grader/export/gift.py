"""`gift`: Moodle's GIFT text format.

Text is written as ``[html]`` (rendered from the bank's Markdown, math as ``\\(...\\)``)
with GIFT's special characters escaped; numbers are written in plain decimals because
not every GIFT reader takes ``1e-10``. GIFT has one answer block per question, so a
cloze question with several blanks becomes one question per blank (and says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from grader.bank.types._numbers import NumberAnswer
from grader.bank.types._text import TextAnswer
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
    lms_tags,
    multi_weights,
    percent,
    regex_loss,
    tolerance,
)
from grader.export._markup import MarkupRenderer, plain
from grader.export._view import QuestionView

SUFFIX = ".gift.txt"
SPECIAL = "\\~=#{}:"


def escape(text: str) -> str:
    """GIFT-escape ``~ = # { } :`` and backslash; newlines become ``\\n`` (a blank line
    would end the question)."""
    out = "".join("\\" + ch if ch in SPECIAL else ch for ch in str(text))
    return out.replace("\r", "").replace("\n", "\\n")


def decimal(value: float) -> str:
    """1e-10 as 0.0000000001: plain decimals every GIFT reader parses."""
    text = format(Decimal(fmt_number(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class Entry:
    """One GIFT question: a name, the stem (maybe with a blank) and its answer block."""

    name: str
    v: QuestionView
    title: str
    before: str  # stem HTML before the answer block
    after: str = ""  # stem HTML after it (missing-word questions)
    kind: str = ""  # choice | tf | number | short | match
    lines: list[str] = field(default_factory=list)  # escaped answer lines
    number: str = ""


def _short(ctx: ExportContext, v: QuestionView, answer: TextAnswer, what: str) -> list[str]:
    if answer.case_sensitive:
        ctx.lose(v.q, f"{what}: GIFT short answers ignore case", kind="case ignored", scores=True)
    if answer.match == "regex":
        ctx.lose(v.q, regex_loss(answer, what), kind=REGEX_KIND, scores=True)
        return [f"={escape(answer.example)}"]
    return [f"={escape(a)}" for a in answer.accept]


def _blank_entry(ctx: ExportContext, v: QuestionView, r: MarkupRenderer, index: int) -> Entry:
    q = v.q
    assert isinstance(q, ClozeQuestion)
    before: list[str] = []
    after: list[str] = []
    seen = False
    for part in r.cloze(q.prompt):
        (after if seen else before).append(str(part.html))
        if part.blank is not None:
            if part.blank == index:
                seen = True
            else:
                (after if seen else before).append(f"[{part.blank}]")
    single = len(q.blanks) == 1
    name = q.id if single else f"{q.id}-{index}"
    title = (q.title or q.id) + ("" if single else f" (blank {index})")
    # Only the outer ends are trimmed: the spaces beside the blank are the prompt's words
    # apart ("uses the _____ rule"), and Moodle adds none of its own.
    entry = Entry(name, v, title, "".join(before).lstrip(), "".join(after).rstrip())
    blank = q.blanks[index - 1]
    if isinstance(blank, NumberAnswer):
        entry.kind = "number"
        entry.number = f"{decimal(blank.answer)}:{decimal(tolerance(blank))}"
    else:
        entry.kind = "short"
        entry.lines = _short(ctx, v, blank, f"blank {index}")
    return entry


def entries(ctx: ExportContext, v: QuestionView, r: MarkupRenderer) -> list[Entry]:
    q = v.q
    common_losses(ctx, q, hints=False, tags=True)
    if q.points != 1:
        ctx.lose(
            q,
            f"{fmt_number(q.points)} points: GIFT has no points (Moodle gives 1 mark)",
            kind="points dropped",
            scores=True,
        )
    if not q.shuffle and q.type in ("single", "multi", "matching"):
        ctx.lose(
            q,
            "'shuffle: false': GIFT cannot say so (Moodle's quiz setting decides)",
            kind="shuffle: false not kept",
        )
    if isinstance(q, ClozeQuestion):
        if len(q.blanks) > 1:
            ctx.lose(
                q,
                f"GIFT has one blank per question: split into {len(q.blanks)} questions",
                kind="cloze split into questions",
                scores=True,
            )
        return [_blank_entry(ctx, v, r, i) for i in range(1, len(q.blanks) + 1)]
    entry = Entry(q.id, v, q.title or q.id, str(r.block(q.prompt)).strip())
    if q.type == "single":
        entry.kind = "choice"
        entry.lines = [
            ("=" if c.correct else "~")
            + escape(r.inline(c.text))
            + (f"#{escape(r.inline(c.feedback))}" if c.feedback else "")
            for c in v.choices
        ]
    elif isinstance(q, MultiQuestion):
        entry.kind = "choice"
        right, wrong = multi_weights(ctx, q)
        entry.lines = [
            f"~%{percent(right if c.correct else wrong)}%"
            + escape(r.inline(c.text))
            + (f"#{escape(r.inline(c.feedback))}" if c.feedback else "")
            for c in v.choices
        ]
    elif q.type == "true_false":
        entry.kind = "tf"
    elif isinstance(q, NumericQuestion):
        entry.kind = "number"
        entry.number = f"{decimal(q.answer.answer)}:{decimal(tolerance(q.answer))}"
    elif isinstance(q, TextQuestion):
        entry.kind = "short"
        entry.lines = _short(ctx, v, q.answer, "answer")
    elif isinstance(q, MatchingQuestion):
        entry.kind = "match"
        key = q.key()
        if any(plain(x) != x.strip() for x in q.rights):
            ctx.lose(
                q,
                "matching answers are plain text in GIFT (formatting dropped)",
                kind=PLAIN_KIND,
            )
        entry.lines = [
            f"={escape(r.inline(left))} -> {escape(plain(key[left]))}" for left in v.lefts
        ]
        entry.lines += [f"= -> {escape(plain(d))}" for d in q.distractors]
    elif isinstance(q, OrderingQuestion):
        ctx.lose(q, ORDERING_LOSS, kind=ORDERING_KIND)
        entry.kind = "match"
        entry.lines = [
            f"={escape(r.inline(item))} -> {q.items.index(item) + 1}" for item in v.items
        ]
    return [entry]


def export(ctx: ExportContext) -> bytes:
    renderer = MarkupRenderer(mathml=False, highlight=False)
    if ctx.view.bank.description:
        ctx.lose_bank("the description has no place in GIFT (dropped)", kind="description dropped")
    all_entries = [e for v in ctx.view.questions for e in entries(ctx, v, renderer)]
    return render(
        "bank.gift", ctx, renderer, entries=all_entries, esc=escape, tags=lms_tags
    ).encode()
