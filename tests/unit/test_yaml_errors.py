"""YAML syntax errors and math errors said in the author's terms, with line and column.

Each bank below has one classic mistake; the message must name it (not libyaml's
"did not find expected key") and say how to fix it, at the line and column of the mistake.
"""

from __future__ import annotations

import pytest

from grader.bank import load_bank_text
from grader.errors import Problem, ValidationFailed

HEAD = "id: t\ntitle: T\nquestions:\n  - id: q1\n    type: true_false\n    answer: true\n"


def only_problem(text: str) -> Problem:
    with pytest.raises(ValidationFailed) as info:
        load_bank_text(text, name="b.yaml")
    [problem] = info.value.problems
    return problem


MISTAKES = [
    # (name, text after HEAD, line, column, words the message must hold)
    ("tab", "\tprompt: x\n", 7, 1, ["tab character", "spaces"]),
    ("unquoted colon", "    prompt: Which holds: this or that?\n", 7, 24,
     ["unquoted ': '", "'prompt'", "quotes"]),
    ("key indented deeper", "    prompt: x\n      points: 2\n", 8, 13,
     ["'points:' is indented deeper", "same column"]),
    ("key indented less", "    prompt: x\n   points: 2\n", 8, 4, ["indentation does not line up"]),
    ("item where a key goes", "    prompt: x\n    - more\n", 8, 5,
     ["list item", "goes under its key"]),
    ("text after a quote", "    prompt: 'it''s' here\n", 7, 21, ["after a closing quote", "''"]),
    ("quote never closed", '    prompt: "never closed\n    points: 1\n', 9, 1,
     ["quote opened at line 7, column 13 is never closed"]),
    ("missing colon", "  - id q2\n    type: text\n", 8, 9,
     ["('- id q2') has no ':'", "add the missing ':'"]),
    ("list never closed", "    tags: [a, b\n    points: 1\n", 8, 11,
     ["'[' opened at line 7, column 11 is not closed"]),
    ("backtick start", "    prompt: `code` first\n", 7, 13, ["cannot start with '`'", "quotes"]),
    ("escape in double quotes", '    prompt: "is \\q here"\n', 7, 17,
     ["unknown backslash escape", "single quotes"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("tail", "line", "column", "words"),
    [m[1:] for m in MISTAKES],
    ids=[m[0] for m in MISTAKES],
)
def test_a_syntax_mistake_is_named_with_its_fix(
    tail: str, line: int, column: int, words: list[str]
) -> None:
    problem = only_problem(HEAD + tail)
    assert (problem.line, problem.column) == (line, column), str(problem)
    assert problem.message.startswith("YAML syntax error: "), str(problem)
    for word in words:
        assert word in problem.message, str(problem)
    for parser_words in ("did not find expected", "mapping values are not allowed", "<block"):
        assert parser_words not in problem.message


def test_a_math_error_has_its_column() -> None:
    problem = only_problem(HEAD + "    prompt: Is $\\frac{1}{4$ small?\n")
    assert (problem.line, problem.column) == (7, 17), str(problem)
    assert str(problem).startswith("b.yaml:7:17: questions[0].prompt: unbalanced braces")


def test_a_math_error_in_a_block_has_its_own_line_and_column() -> None:
    text = HEAD + "    prompt: |\n      A first line,\n      then $\\fracc{1}{2}$ here.\n"
    problem = only_problem(text)
    assert (problem.line, problem.column) == (9, 13), str(problem)
    assert "unknown LaTeX command '\\fracc'" in problem.message
