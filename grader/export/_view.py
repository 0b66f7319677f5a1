"""The bank as an export shows it: question order, choice order, item order.

Without a seed the questions keep their authored order and each question's choices and
matching items are shuffled with a generator seeded from the bank id and the question id:
every export of a bank shows the same order (so the key matches the page), and the
authored order, where authors tend to put the right answer first, is not the answer. With
``--seed N`` questions and their choices are shuffled with ``random.Random(N)`` instead.
A question's ``shuffle: false`` keeps its choices and matching items as authored. Ordering
items are always shown scrambled: shown in authored order they would be the answer.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from typing import Any

from grader.bank.model import Bank, Question
from grader.bank.types._choices import LETTERS, Choice
from grader.bank.types._text import normalise
from grader.bank.types.cloze import ClozeQuestion
from grader.bank.types.matching import MatchingQuestion
from grader.bank.types.multi import MultiQuestion
from grader.bank.types.ordering import OrderingQuestion
from grader.bank.types.single import SingleQuestion


@dataclass
class QuestionView:
    q: Question
    number: int  # 1-based position in this export
    choices: list[Choice] = field(default_factory=list)  # single/multi, in shown order
    rights: list[str] = field(default_factory=list)  # matching, in shown order
    lefts: list[str] = field(default_factory=list)  # matching, in shown order
    items: list[str] = field(default_factory=list)  # ordering, in shown order
    group: Any = None  # grader.export.variants.Group: one of several variants (qti, moodle)

    @property
    def type(self) -> str:
        return self.q.type

    @property
    def dom_id(self) -> str:
        return f"q{self.number}"

    def letter(self, index: int) -> str:
        return LETTERS[index]

    @property
    def correct_letters(self) -> list[str]:
        return [LETTERS[i] for i, c in enumerate(self.choices) if c.correct]

    def right_letter(self, right: str) -> str:
        shown = [normalise(r) for r in self.rights]
        return LETTERS[shown.index(normalise(right))]

    @property
    def blank_count(self) -> int:
        return len(self.q.blanks) if isinstance(self.q, ClozeQuestion) else 0


@dataclass
class BankView:
    bank: Bank
    questions: list[QuestionView]
    seed: int | None

    @property
    def max_score(self) -> float:
        return self.bank.max_score


def _scramble(items: list[str], rng: random.Random) -> list[str]:
    """A shuffled copy that differs from the authored order whenever that is possible."""
    shown = list(items)
    for _ in range(10):
        rng.shuffle(shown)
        if shown != items:
            return shown
    return shown[1:] + shown[:1]


def _off_diagonal(q: MatchingQuestion, lefts: list[str], rng: random.Random) -> list[str]:
    """The right items shuffled so that not every left item has its match beside it."""
    key = {normalise(left): normalise(right) for left, right in q.pairs}
    rights = list(q.rights)
    for _ in range(10):
        rng.shuffle(rights)
        pairs = zip(lefts, rights, strict=False)
        if not all(key[normalise(left)] == normalise(right) for left, right in pairs):
            return rights
    return rights[1:] + rights[:1]


def _own_order(bank: Bank, q: Question, view: QuestionView) -> None:
    """The default (no --seed) order: fixed per bank and question, so every export agrees."""
    rng = random.Random(zlib.crc32(f"{bank.id}:{q.id}".encode()))
    if isinstance(q, (SingleQuestion, MultiQuestion)):
        rng.shuffle(view.choices)
    elif isinstance(q, MatchingQuestion):
        view.rights = _off_diagonal(q, view.lefts, rng)


def arrange(bank: Bank, seed: int | None) -> BankView:
    rng = random.Random(seed) if seed is not None else None
    questions = list(bank.questions)
    if rng is not None:
        rng.shuffle(questions)
    views: list[QuestionView] = []
    for number, q in enumerate(questions, 1):
        view = QuestionView(q, number)
        mix = rng is not None and q.shuffle
        if isinstance(q, (SingleQuestion, MultiQuestion)):
            view.choices = list(q.choices)
            if mix and rng is not None:
                rng.shuffle(view.choices)
        elif isinstance(q, MatchingQuestion):
            view.lefts = [left for left, _ in q.pairs]
            view.rights = list(q.rights)
            if mix and rng is not None:
                rng.shuffle(view.lefts)
                rng.shuffle(view.rights)
        elif isinstance(q, OrderingQuestion):
            # Seeded per question (not from the shared stream) so that adding a question
            # does not reshuffle every ordering question after it.
            local = random.Random(zlib.crc32(f"{seed}:{q.id}".encode()))
            view.items = _scramble(q.items, local)
        if rng is None and q.shuffle:
            _own_order(bank, q, view)
        views.append(view)
    return BankView(bank, views, seed)
