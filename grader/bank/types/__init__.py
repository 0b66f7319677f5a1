"""The question types. A new type is one module here plus one line in QUESTION_TYPES."""

from __future__ import annotations

from grader.bank.model import Question
from grader.bank.types.cloze import ClozeQuestion
from grader.bank.types.matching import MatchingQuestion
from grader.bank.types.multi import MultiQuestion
from grader.bank.types.numeric import NumericQuestion
from grader.bank.types.ordering import OrderingQuestion
from grader.bank.types.single import SingleQuestion
from grader.bank.types.text import TextQuestion
from grader.bank.types.true_false import TrueFalseQuestion

QUESTION_TYPES: dict[str, type[Question]] = {
    "single": SingleQuestion,
    "multi": MultiQuestion,
    "true_false": TrueFalseQuestion,
    "numeric": NumericQuestion,
    "text": TextQuestion,
    "matching": MatchingQuestion,
    "ordering": OrderingQuestion,
    "cloze": ClozeQuestion,
}
