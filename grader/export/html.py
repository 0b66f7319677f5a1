"""`html`: the student page, one self-contained file that is a printable quiz without
JavaScript and a self-check with it (answers scored in the page, nothing sent anywhere)."""

from __future__ import annotations

import base64
import json
from typing import Any

from markupsafe import Markup, escape

from grader import __version__
from grader.bank.types._numbers import NumberAnswer
from grader.bank.types._text import TextAnswer, normalise
from grader.bank.types.cloze import ClozeQuestion
from grader.bank.types.matching import MatchingQuestion
from grader.bank.types.multi import MultiQuestion
from grader.bank.types.numeric import NumericQuestion
from grader.bank.types.ordering import OrderingQuestion
from grader.bank.types.single import SingleQuestion
from grader.bank.types.text import TextQuestion
from grader.bank.types.true_false import TrueFalseQuestion
from grader.export._context import ExportContext, render
from grader.export._markup import MarkupRenderer, plain, spoken
from grader.export._view import QuestionView

SUFFIX = ".html"
# Not a secret: it only keeps the answers from being readable in "view source".
_PAD = "grader-self-check"


def _number(spec: NumberAnswer) -> dict[str, Any]:
    return {
        "kind": "number",
        "answer": spec.answer,
        "tol": spec.tolerance,
        "rel": spec.rel_tolerance,
    }


def _text(spec: TextAnswer) -> dict[str, Any]:
    return {
        "kind": "text",
        "accept": list(spec.accept),
        "match": spec.match,
        "cs": spec.case_sensitive,
    }


def _blank_answer(spec: NumberAnswer | TextAnswer) -> str:
    return spec.describe() if isinstance(spec, NumberAnswer) else spec.sample()


def right_answer(v: QuestionView, r: MarkupRenderer) -> Markup:
    """The right answer as the page shows it (letters as shown), for a wrong check."""
    q = v.q
    if isinstance(q, (SingleQuestion, MultiQuestion)):
        picks = [
            Markup("{}. {}").format(v.letter(i), r.inline(c.text))
            for i, c in enumerate(v.choices)
            if c.correct
        ]
        return Markup("; ").join(picks)
    if isinstance(q, TrueFalseQuestion):
        return Markup("True" if q.answer else "False")
    if isinstance(q, NumericQuestion):
        return escape(q.answer.describe())
    if isinstance(q, TextQuestion):
        return escape(q.answer.sample())
    if isinstance(q, MatchingQuestion):
        key = q.key()
        return Markup("; ").join(
            Markup("{} → {}. {}").format(
                r.inline(left), v.right_letter(key[left]), r.inline(key[left])
            )
            for left in v.lefts
        )
    if isinstance(q, OrderingQuestion):
        return Markup(", ").join(
            Markup("{}. {}").format(n, r.inline(item)) for n, item in enumerate(q.items, 1)
        )
    if isinstance(q, ClozeQuestion):
        return Markup("; ").join(
            Markup("blank {}: {}").format(n, _blank_answer(b)) for n, b in enumerate(q.blanks, 1)
        )
    return Markup("")


def _question_data(v: QuestionView, r: MarkupRenderer) -> dict[str, Any]:
    q = v.q
    data: dict[str, Any] = {
        "type": q.type,
        "points": q.points,
        "policy": q.scoring,
        "explanation": str(r.block(q.explanation)),
        "right": str(right_answer(v, r)),
    }
    if isinstance(q, (SingleQuestion, MultiQuestion)):
        data["choices"] = [
            {"key": c.key, "ok": c.correct, "fb": str(r.inline(c.feedback))} for c in v.choices
        ]
    elif isinstance(q, TrueFalseQuestion):
        data["answer"] = q.answer
        data["fb"] = {
            "true": str(r.inline(q.feedback_true)),
            "false": str(r.inline(q.feedback_false)),
        }
    elif isinstance(q, NumericQuestion):
        data["spec"] = _number(q.answer)
    elif isinstance(q, TextQuestion):
        data["spec"] = _text(q.answer)
    elif isinstance(q, MatchingQuestion):
        shown = [normalise(right) for right in v.rights]
        key = q.key()
        data["pairs"] = [shown.index(normalise(key[left])) for left in v.lefts]
    elif isinstance(q, OrderingQuestion):
        data["positions"] = [q.items.index(item) + 1 for item in v.items]
    elif isinstance(q, ClozeQuestion):
        data["blanks"] = [_number(b) if isinstance(b, NumberAnswer) else _text(b) for b in q.blanks]
    return data


def _xor(raw: bytes) -> bytes:
    # One big-integer XOR instead of a Python loop per byte (the blob can be ~1 MB).
    pad = (_PAD.encode() * (len(raw) // len(_PAD) + 1))[: len(raw)]
    mixed = int.from_bytes(raw, "big") ^ int.from_bytes(pad, "big")
    return mixed.to_bytes(len(raw), "big")


def encode(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.b64encode(_xor(raw)).decode()


def decode(blob: str) -> dict[str, Any]:
    """The inverse of ``encode`` (for tests and for instructors who want to inspect it)."""
    data: dict[str, Any] = json.loads(_xor(base64.b64decode(blob)))
    return data


def export(ctx: ExportContext) -> bytes:
    renderer = MarkupRenderer(mathml=True, highlight=True)
    view = ctx.view
    payload = {
        "max": view.max_score,
        "count": len(view.questions),
        "questions": {v.dom_id: _question_data(v, renderer) for v in view.questions},
    }
    text = render(
        "student.html",
        ctx,
        renderer,
        blob=encode(payload),
        pad=_PAD,
        plain=plain,
        spoken=spoken,
        lang="en",
        version=__version__,
    )
    return text.encode()
