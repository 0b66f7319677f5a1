"""Question banks: YAML -> validated, typed Bank."""

from grader.bank.loader import load_bank, load_bank_text
from grader.bank.model import Bank, Question, ResponseError, Where

__all__ = ["Bank", "Question", "ResponseError", "Where", "load_bank", "load_bank_text"]
