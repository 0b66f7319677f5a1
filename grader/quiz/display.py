"""What the first screen of `quiz take` needs, cached as JSON: a fast first paint.

Loading a bank means importing YAML, Markdown and the question types and building
them (about 150 ms even from a cache); the 150 ms budget for the first question
leaves no room for that. So each bank also gets a small JSON "display" entry: the
questions' ids, tags, shuffle flags and option texts, and the prompts already
rendered at the widths (and colour settings) seen so far. With it, `quiz take`
creates the attempt and draws the first question through the same template, then
loads the real bank (scoring, validation) while the student reads it.

The view built here must equal ``make_widget(question, layout).view()`` for a fresh
question; a unit test checks that over every question of the test and shipped banks.
This module imports nothing heavy (no YAML, no Markdown parser, no bank code).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.quiz import store

if TYPE_CHECKING:
    from grader.bank.model import Bank, Question

DISPLAY_VERSION = 1


@dataclass
class QuestionInfo:
    id: str
    type: str
    points: float
    tags: list[str]
    shuffle: bool
    hints: int
    options: list[str] = field(default_factory=list)  # authored order (what gets shuffled)
    texts: dict[str, str] = field(default_factory=dict)  # option -> plain text shown
    lefts: list[str] = field(default_factory=list)  # matching: left items, plain text
    blanks: list[bool] = field(default_factory=list)  # cloze: is each blank numeric
    params: bool = False  # drawn per student: never painted from the cache


@dataclass
class Display:
    bank_id: str
    title: str
    questions: list[QuestionInfo]
    prompts: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # "80:0" -> id -> lines
    version: int = DISPLAY_VERSION

    def info(self, qid: str) -> QuestionInfo | None:
        return next((q for q in self.questions if q.id == qid), None)


def prompt_key(columns: int, color: bool) -> str:
    return f"{columns}:{int(color)}"


def info_of(question: Question) -> QuestionInfo:
    from grader.bank.types._numbers import NumberAnswer
    from grader.quiz.session import options_of
    from grader.report.markdown_term import plain_inline

    options = options_of(question)
    texts: dict[str, str] = {}
    if question.type in ("single", "multi"):
        texts = {c.key: plain_inline(c.text) for c in question.choices}  # type: ignore[attr-defined]
    elif question.type in ("matching", "ordering"):
        texts = {o: plain_inline(o) for o in options}
    lefts = (
        [plain_inline(left) for left, _ in question.pairs]  # type: ignore[attr-defined]
        if question.type == "matching"
        else []
    )
    blanks = (
        [isinstance(b, NumberAnswer) for b in question.blanks]  # type: ignore[attr-defined]
        if question.type == "cloze"
        else []
    )
    return QuestionInfo(
        id=question.id,
        type=question.type,
        points=question.points,
        tags=list(question.tags),
        shuffle=question.shuffle,
        hints=len(question.hints),
        options=options,
        texts=texts,
        lefts=lefts,
        blanks=blanks,
        params=question.params is not None,
    )


def first_view(info: QuestionInfo, layout: list[str]) -> dict[str, Any]:
    """The widget view of a question not answered yet (see widgets.make_widget)."""
    if info.type in ("single", "multi", "true_false", "ordering"):
        is_tf = info.type == "true_false"
        texts = ["True", "False"] if is_tf else [info.texts[k] for k in layout]
        options = [
            {"label": str(i + 1), "text": t, "cursor": i == 0, "selected": False}
            for i, t in enumerate(texts)
        ]
        if info.type == "ordering":
            return {"kind": "ordering", "grabbed": False, "options": options}
        return {"kind": "choices", "multi": info.type == "multi", "options": options}
    if info.type == "matching":
        return {
            "kind": "matching",
            "lefts": [
                {"text": t, "cursor": i == 0, "choice": ""} for i, t in enumerate(info.lefts)
            ],
            "rights": [{"label": str(i + 1), "text": info.texts[r]} for i, r in enumerate(layout)],
        }
    if info.type == "cloze":
        return {
            "kind": "cloze",
            "blanks": [
                {
                    "label": f"[[{i + 1}]]",
                    "text": "",
                    "cursor": i == 0,
                    "hint": "a number" if numeric else "a word",
                }
                for i, numeric in enumerate(info.blanks)
            ],
        }
    label = "Your answer (a number)" if info.type == "numeric" else "Your answer"
    return {"kind": "input", "label": label, "text": ""}


def display_path(sha: str, fingerprint: str) -> Path:
    return store.cache_home() / "banks" / f"{sha[:32]}-{fingerprint}.display.json"


def load_display(sha: str, fingerprint: str) -> Display | None:
    try:
        data = json.loads(display_path(sha, fingerprint).read_text(encoding="utf-8"))
        if data.get("version") != DISPLAY_VERSION:
            return None
        questions = [QuestionInfo(**q) for q in data.pop("questions")]
        return Display(**data, questions=questions)
    except Exception:  # missing or unreadable: the slow path rebuilds it
        return None


def build_display(bank: Bank) -> Display:
    return Display(bank.id, bank.title, [info_of(q) for q in bank.questions])


def add_prompts(display: Display, bank: Bank, columns: int, color: bool) -> bool:
    """Render every prompt at this width and colour setting; True if anything was new."""
    key = prompt_key(columns, color)
    if key in display.prompts:
        return False
    from grader.quiz.flow import render_prompt
    from grader.report.style import Painter

    paint = Painter(color)
    display.prompts[key] = {q.id: render_prompt(q, columns, paint) for q in bank.questions}
    # Keep a few widths only: the file is read on every start.
    while len(display.prompts) > 4:
        del display.prompts[next(iter(display.prompts))]
    return True


def save_display(display: Display, sha: str, fingerprint: str) -> None:
    with contextlib.suppress(OSError):  # only a speed-up
        store.write_json(display_path(sha, fingerprint), asdict(display))
