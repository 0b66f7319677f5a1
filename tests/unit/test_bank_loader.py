"""The bank loader (one test per error class, message and line) and pure scoring per type."""

from __future__ import annotations

import itertools
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from grader._yaml import MAX_FILE_BYTES
from grader.bank import Bank, Question, ResponseError, load_bank, load_bank_text
from grader.bank.types.cloze import ClozeQuestion
from grader.bank.types.matching import MatchingQuestion
from grader.bank.types.multi import MultiQuestion
from grader.bank.types.numeric import NumericQuestion
from grader.bank.types.ordering import OrderingQuestion
from grader.bank.types.single import SingleQuestion
from grader.bank.types.text import TextQuestion
from grader.bank.types.true_false import TrueFalseQuestion
from grader.errors import Problem, ValidationFailed
from grader.resources import resolve_bank

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "banks"

HEAD = "id: t\ntitle: T\nquestions:\n"


def bank(questions: str) -> str:
    """A bank whose questions start on line 4 (the text is indented under `questions:`)."""
    return HEAD + textwrap.indent(textwrap.dedent(questions).strip("\n") + "\n", "  ")


def problems(text: str) -> list[Problem]:
    with pytest.raises(ValidationFailed) as info:
        load_bank_text(text, name="b.yaml")
    return info.value.problems


def only_problem(text: str) -> Problem:
    found = problems(text)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def question(text: str) -> Question:
    loaded = load_bank_text(bank(text))
    assert len(loaded.questions) == 1
    return loaded.questions[0]


TF = """
- id: q1
  type: true_false
  prompt: Sigmoid saturates.
  answer: true
"""

# --------------------------------------------------------------------------- error classes
# (name, bank text, expected line, message fragment, key path or None)
ERRORS = [
    (
        "yaml-syntax",
        bank(TF + "  tags: [a, b\n"),
        None,  # PyYAML reports where it noticed; we check the message only, line below
        "YAML syntax error",
        "",
    ),
    (
        "unknown-key-did-you-mean",
        bank(TF + "  explanaton: why\n"),
        8,
        "unknown key (did you mean 'explanation'?)",
        "questions[0].explanaton",
    ),
    (
        "unknown-bank-key",
        "id: t\ntitle: T\nquestion: []\n",
        3,
        "unknown key (did you mean 'questions'?)",
        "question",
    ),
    (
        "misspelt-required-key-is-one-problem",
        bank("- id: q1\n  type: single\n  prompt: p\n  choises: [{text: a, correct: true}]\n"),
        7,
        "unknown key (did you mean 'choices'?)",
        "questions[0].choises",
    ),
    (
        "missing-key",
        bank("- id: q1\n  type: true_false\n  answer: true\n"),
        4,
        "missing required key",
        "questions[0].prompt",
    ),
    (
        "missing-bank-title",
        "id: t\nquestions:\n  - id: q1\n    type: true_false\n    prompt: p\n    answer: true\n",
        1,
        "missing required key",
        "title",
    ),
    (
        "wrong-type-number",
        bank(TF + "  points: three\n"),
        8,
        "expected a number, found text 'three'",
        "questions[0].points",
    ),
    (
        "wrong-type-list",
        bank(TF + "  tags: remedies\n"),
        8,
        "expected a list, found text 'remedies'",
        "questions[0].tags",
    ),
    (
        "wrong-type-boolean",
        bank("- id: q1\n  type: true_false\n  prompt: p\n  answer: maybe\n"),
        7,
        "expected true or false",
        "questions[0].answer",
    ),
    (
        "duplicate-question-id",
        bank(TF + TF),
        9,
        "duplicate question id 'q1' (first used at line 4)",
        "questions[1].id",
    ),
    (
        "duplicate-choice-id",
        bank(
            """
            - id: q1
              type: multi
              prompt: Pick.
              choices:
                - {id: a, text: one, correct: true}
                - {id: a, text: two}
            """
        ),
        9,
        "duplicate choice id 'a'",
        "questions[0].choices[1].id",
    ),
    (
        "duplicate-yaml-key",
        bank(TF + "  answer: false\n"),
        8,
        "duplicate key",
        "questions[0].answer",
    ),
    (
        "single-two-correct",
        bank(
            """
            - id: q1
              type: single
              prompt: Pick.
              choices:
                - {text: one, correct: true}
                - {text: two, correct: true}
            """
        ),
        8,
        "exactly one correct choice, found 2",
        "questions[0].choices",
    ),
    (
        "single-none-correct",
        bank(
            """
            - id: q1
              type: single
              prompt: Pick.
              choices: [{text: one}, {text: two}]
            """
        ),
        7,
        "exactly one correct choice, found 0",
        "questions[0].choices",
    ),
    (
        "empty-choices-list-is-one-problem",
        bank("- id: q1\n  type: single\n  prompt: Pick.\n  choices: []\n"),
        7,
        "must not be empty",
        "questions[0].choices",
    ),
    (
        "multi-none-correct",
        bank(
            """
            - id: q1
              type: multi
              prompt: Pick.
              choices: [{text: one}, {text: two}]
            """
        ),
        7,
        "at least one correct choice",
        "questions[0].choices",
    ),
    (
        "numeric-without-answer",
        bank("- id: q1\n  type: numeric\n  prompt: p\n  tolerance: 0.1\n"),
        4,
        "missing required key (the correct number)",
        "questions[0].answer",
    ),
    (
        "negative-tolerance",
        bank("- id: q1\n  type: numeric\n  prompt: p\n  answer: 1\n  tolerance: -0.5\n"),
        8,
        "must not be negative, found -0.5",
        "questions[0].tolerance",
    ),
    (
        "negative-rel-tolerance",
        bank("- id: q1\n  type: numeric\n  prompt: p\n  answer: 1\n  rel_tolerance: -0.01\n"),
        8,
        "must not be negative",
        "questions[0].rel_tolerance",
    ),
    (
        "invalid-regex",
        bank("- id: q1\n  type: text\n  prompt: p\n  match: regex\n  accept: ['re(lu']\n"),
        8,
        "invalid regular expression",
        "questions[0].accept[0]",
    ),
    (
        "empty-prompt",
        bank("- id: q1\n  type: true_false\n  prompt: ''\n  answer: true\n"),
        6,
        "must not be empty",
        "questions[0].prompt",
    ),
    (
        "empty-choice",
        bank(
            """
            - id: q1
              type: single
              prompt: Pick.
              choices:
                - {text: one, correct: true}
                - text: '  '
            """
        ),
        9,
        "must not be empty",
        "questions[0].choices[1].text",
    ),
    (
        "zero-points",
        bank(TF + "  points: 0\n"),
        8,
        "must be greater than 0, found 0",
        "questions[0].points",
    ),
    (
        "negative-points",
        bank(TF + "  points: -2\n"),
        8,
        "must be greater than 0, found -2",
        "questions[0].points",
    ),
    (
        "math-unbalanced",
        bank("- id: q1\n  type: true_false\n  prompt: 'Is $\\frac{1}{4$ small?'\n  answer: true\n"),
        6,
        "unbalanced braces in math",
        "questions[0].prompt",
    ),
    (
        "math-unknown-command",
        bank("- id: q1\n  type: true_false\n  prompt: 'Is $\\sigmoid(0)$ half?'\n  answer: true\n"),
        6,
        "unknown LaTeX command '\\sigmoid'",
        "questions[0].prompt",
    ),
    (
        "math-line-inside-block",
        bank(
            "- id: q1\n  type: true_false\n  prompt: |\n    First line.\n\n"
            "    Third line has $\\frac{1}{2$.\n  answer: true\n"
        ),
        9,
        "unbalanced braces",
        "questions[0].prompt",
    ),
    (
        "python-object-tag",
        bank(
            "- id: q1\n  type: true_false\n"
            "  prompt: !!python/object/apply:os.system ['echo hi']\n  answer: true\n"
        ),
        6,
        "is not allowed",
        "",
    ),
    (
        "custom-tag",
        bank("- id: q1\n  type: true_false\n  prompt: !include other.md\n  answer: true\n"),
        6,
        "YAML tag '!include' is not allowed",
        "",
    ),
    (
        "unknown-type",
        bank("- id: q1\n  type: singel\n  prompt: p\n  choices: [{text: a, correct: true}]\n"),
        5,
        "unknown question type 'singel'",
        "questions[0].type",
    ),
    (
        "unknown-policy",
        bank(
            """
            - id: q1
              type: multi
              prompt: Pick.
              scoring: partial_credit
              choices: [{text: a, correct: true}, {text: b}]
            """
        ),
        7,
        "did you mean 'partial'?",
        "questions[0].scoring",
    ),
    (
        "policy-on-type-without-policies",
        bank(TF + "  scoring: partial\n"),
        8,
        "'true_false' questions have no scoring options",
        "questions[0].scoring",
    ),
    (
        "bad-difficulty",
        bank(TF + "  difficulty: expert\n"),
        8,
        "'expert' is not one of easy, medium, hard",
        "questions[0].difficulty",
    ),
    (
        "bad-id",
        bank("- id: two words\n  type: true_false\n  prompt: p\n  answer: true\n"),
        4,
        "is not a valid id",
        "questions[0].id",
    ),
    (
        "unquoted-boolean-text",
        bank("- id: q1\n  type: text\n  prompt: p\n  accept: [no]\n"),
        7,
        "found a boolean 'no' (quote it)",
        "questions[0].accept[0]",
    ),
    (
        "regex-without-example",
        bank("- id: q1\n  type: text\n  prompt: p\n  match: regex\n  accept: ['relu']\n"),
        7,
        "a regex answer needs `example:`",
        "questions[0].example",
    ),
    (
        "regex-example-rejected",
        bank(
            "- id: q1\n  type: text\n  prompt: p\n  match: regex\n"
            "  accept: ['relu']\n  example: elu\n"
        ),
        9,
        "is not accepted by `accept`",
        "questions[0].example",
    ),
    (
        "cloze-blank-count",
        bank(
            "- id: q1\n  type: cloze\n  prompt: 'A [[1]] only.'\n"
            "  blanks: [{answer: 1}, {answer: 2}]\n"
        ),
        6,
        "each blank [[1]]..[[2]] exactly once, found [[1]]",
        "questions[0].prompt",
    ),
    (
        "cloze-blank-both-kinds",
        bank(
            "- id: q1\n  type: cloze\n  prompt: 'A [[1]].'\n"
            "  blanks:\n    - {answer: 1, accept: [x]}\n"
        ),
        8,
        "either `answer` (a number) or `accept` (text)",
        "questions[0].blanks[0]",
    ),
    (
        "matching-one-pair",
        bank("- id: q1\n  type: matching\n  prompt: p\n  pairs: [{left: a, right: b}]\n"),
        7,
        "needs at least 2 pairs",
        "questions[0].pairs",
    ),
    (
        "matching-distractor-is-answer",
        bank(
            "- id: q1\n  type: matching\n  prompt: p\n"
            "  pairs: [{left: a, right: x}, {left: b, right: y}]\n  distractors: [x]\n"
        ),
        8,
        "'x' is also a right answer",
        "questions[0].distractors",
    ),
    (
        "ordering-duplicate-item",
        bank("- id: q1\n  type: ordering\n  prompt: p\n  items: [a, b, A]\n"),
        7,
        "duplicate item 'A'",
        "questions[0].items[2]",
    ),
    (
        "not-a-mapping",
        "- just\n- a list\n",
        1,
        "expected a bank (a mapping), found a list",
        "",
    ),
    (
        "empty-questions",
        "id: t\ntitle: T\nquestions: []\n",
        3,
        "must not be empty",
        "questions",
    ),
    (
        "empty-document",
        "# nothing here\n",
        None,
        "the file is empty",
        "",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "fragment", "path"),
    [case[1:] for case in ERRORS],
    ids=[case[0] for case in ERRORS],
)
def test_error_class(text: str, line: int | None, fragment: str, path: str) -> None:
    problem = only_problem(text)
    assert fragment in problem.message
    assert problem.path == path
    assert problem.file == "b.yaml"
    if line is not None:
        assert problem.line == line, str(problem)
        assert str(problem).startswith(f"b.yaml:{line}:")


def test_yaml_syntax_error_names_the_line() -> None:
    problem = only_problem(bank(TF + "  tags: [a, b\n  hints: [x]\n"))
    assert problem.message.startswith("YAML syntax error")
    assert problem.line == 9  # where the parser found the list had not been closed


def test_alias_bomb_is_refused_with_its_line() -> None:
    layers = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    names = "abcdefghi"
    for prev, name in itertools.pairwise(names):
        layers.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    text = "id: t\ntitle: T\n" + "\n".join(layers) + "\nquestions: *i\n"
    problem = only_problem(text)
    assert "alias bomb" in problem.message
    assert problem.line == 8  # `f:` is the first anchor that alone expands past the cap


def test_recursive_alias_is_refused() -> None:
    problem = only_problem("id: t\ntitle: T\nquestions: &q\n  - *q\n")
    assert "alias" in problem.message


def test_file_over_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"id: t\n" + b"#" * MAX_FILE_BYTES)
    with pytest.raises(ValidationFailed) as info:
        load_bank(path)
    [problem] = info.value.problems
    assert problem.line is None and f"the limit is {MAX_FILE_BYTES:,}" in problem.message


def test_non_utf8_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"id: t\ntitle: caf\xe9\nquestions: []\n")
    with pytest.raises(ValidationFailed) as info:
        load_bank(path, display_name="latin1.yaml")
    [problem] = info.value.problems
    assert (problem.line, problem.column) == (2, 11)
    assert "not UTF-8" in problem.message
    assert str(problem).startswith("latin1.yaml:2:11: ")


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    text = bank(
        """
        - id: q1
          type: true_false
          prompt: ''
          answer: true
          points: 0
        - id: q2
          type: numeric
          prompt: p
          tolerance: -1
        """
    )
    found = problems(text)
    assert [p.line for p in found] == sorted(p.line or 0 for p in found)
    messages = " | ".join(p.message for p in found)
    assert "must not be empty" in messages
    assert "must be greater than 0" in messages
    assert "missing required key" in messages
    assert "must not be negative" in messages


def test_duplicate_ids_are_found_among_invalid_questions_too() -> None:
    found = problems(bank(TF.replace("answer: true", "answer: maybe") + TF + "  points: 0\n"))
    assert [(p.line, p.path) for p in found] == [
        (7, "questions[0].answer"),
        (9, "questions[1].id"),
        (13, "questions[1].points"),
    ]
    assert "duplicate question id 'q1' (first used at line 4)" in found[1].message


def test_double_quoted_backslash_escape_gets_a_hint() -> None:
    problem = only_problem(
        bank('- id: q1\n  type: true_false\n  prompt: "$\\frac{1}{4}$"\n  answer: true\n')
    )
    assert "backslash escape became the control character '\\x0c'" in problem.message
    assert "write \\\\frac" in problem.message
    assert problem.line == 6


def test_validation_failed_prints_one_line_per_problem() -> None:
    with pytest.raises(ValidationFailed) as info:
        load_bank_text(bank(TF + "  points: 0\n  difficulty: expert\n"), name="b.yaml")
    assert info.value.lines() == [
        "b.yaml:8:13: questions[0].points: must be greater than 0, found 0",
        "b.yaml:9:17: questions[0].difficulty: 'expert' is not one of easy, medium, hard",
    ]
    assert info.value.exit_code == 2


# --------------------------------------------------------------------------- valid banks
def test_all_types_fixture_loads_into_the_right_types() -> None:
    loaded = load_bank(FIXTURES / "all-types.yaml")
    assert isinstance(loaded, Bank)
    expected = {
        "kaylee": MultiQuestion,
        "sigmoid-max": SingleQuestion,
        "relu-saturates": TrueFalseQuestion,
        "chain-product": NumericQuestion,
        "name-fn": TextQuestion,
        "derivs": MatchingQuestion,
        "backprop-order": OrderingQuestion,
        "fill": ClozeQuestion,
    }
    for qid, cls in expected.items():
        assert type(loaded.question(qid)) is cls, qid
    kaylee = loaded.question("kaylee")
    assert isinstance(kaylee, MultiQuestion)
    assert kaylee.points == 2 and kaylee.scoring == "partial"
    assert [c.key for c in kaylee.choices] == ["tanh", "relu", "batchnorm", "large-init"]
    sigmoid = loaded.question("sigmoid-max")
    assert isinstance(sigmoid, SingleQuestion)
    assert [c.key for c in sigmoid.choices] == ["A", "B", "C"]
    assert sigmoid.points == 1.0  # from defaults
    fill = loaded.question("fill")
    assert isinstance(fill, ClozeQuestion) and fill.blanks[0].answer == pytest.approx(1e-10)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def shipped() -> Bank:
    return load_bank(resolve_bank("vanishing-gradients"))


def test_shipped_bank_size_and_types(shipped: Bank) -> None:
    assert shipped.id == "vanishing-gradients"
    assert len(shipped.questions) >= 32
    counts = Counter(q.type for q in shipped.questions)
    for name in (
        "single",
        "multi",
        "true_false",
        "numeric",
        "text",
        "matching",
        "ordering",
        "cloze",
    ):
        assert counts[name] >= 2, (name, counts)


VOCABULARY = {
    "fundamentals",
    "chain-rule",
    "activations",
    "optimization",
    "diagnosis",
    "experiment",
    "remedies",
    "initialization",
    "normalization",
    "architecture",
}


def test_shipped_bank_metadata(shipped: Bank) -> None:
    for q in shipped.questions:
        assert q.explanation.strip(), q.id
        assert q.tags and set(q.tags) <= VOCABULARY, (q.id, q.tags)
        assert q.difficulty in ("easy", "medium", "hard"), q.id
        if isinstance(q, (SingleQuestion, MultiQuestion)):
            assert all(c.feedback.strip() for c in q.choices), q.id
            assert all(c.has_id for c in q.choices), q.id


def test_shipped_bank_keys_score_full_marks(shipped: Bank) -> None:
    for q in shipped.questions:
        assert q.score(q.parse_response(q.key())) == q.points, q.id


def test_shipped_kaylee(shipped: Bank) -> None:
    kaylee = shipped.question("kaylee")
    assert isinstance(kaylee, MultiQuestion)
    assert kaylee.key() == ["relu", "batchnorm"]
    by_key = {c.key: c for c in kaylee.choices}
    assert set(by_key) == {"tanh", "relu", "batchnorm", "large-init"}
    assert "saturat" in by_key["tanh"].feedback or "small" in by_key["tanh"].feedback
    assert "exploding" in by_key["large-init"].feedback
    assert kaylee.score(["tanh", "large-init"]) == 0
    assert kaylee.score(["relu", "batchnorm", "tanh"]) < kaylee.points


@pytest.mark.parametrize(
    ("qid", "raw"),
    [
        ("chain-product", "0.0015"),
        ("chain-product", "1.5e-3"),
        ("chain-product", "15e-4"),
        ("tenth-to-the-fourth", "1e-4"),
        ("sigmoid-chain-bound", "0.0039"),
        ("sigmoid-chain-bound", "1/256"),
        ("tanh-saturation", "0.00987"),
        ("moons-hidden-bound", "1.5e-5"),
        ("gd-update", "0.79925"),
        ("moons-train-size", "200"),
    ],
)
def test_shipped_numeric_answers_accept_reasonable_rounding(
    shipped: Bank, qid: str, raw: str
) -> None:
    q = shipped.question(qid)
    assert q is not None
    assert q.score(q.parse_response(raw)) == q.points


@pytest.mark.parametrize(
    ("qid", "raw"),
    [
        ("chain-product", "0.08"),  # added instead of multiplied
        ("chain-product", "0.015"),  # a decimal place off
        ("sigmoid-chain-bound", "1"),
        ("gd-update", "0.8"),  # forgot the update
        ("moons-train-size", "50"),  # the test set
    ],
)
def test_shipped_numeric_answers_reject_misconceptions(shipped: Bank, qid: str, raw: str) -> None:
    q = shipped.question(qid)
    assert q is not None
    assert q.score(q.parse_response(raw)) == 0


# --------------------------------------------------------------------------- scoring
MULTI = """
- id: q
  type: multi
  prompt: Pick.
  scoring: {policy}
  choices:
    - {{id: tanh, text: tanh}}
    - {{id: relu, text: ReLU, correct: true}}
    - {{id: bn, text: batch norm, correct: true}}
    - {{id: big, text: large weights}}
"""


def test_single_scoring() -> None:
    q = question(
        """
        - id: q
          type: single
          prompt: Max of sigma'?
          points: 3
          choices:
            - {text: '1'}
            - {text: '1/4', correct: true}
        """
    )
    assert q.key() == "B"
    assert q.score(q.parse_response("B")) == 3
    assert q.score(q.parse_response("b")) == 3  # letters in any case
    assert q.score(q.parse_response("A")) == 0
    assert q.score(None) == 0
    with pytest.raises(ResponseError):
        q.parse_response("C")


@pytest.mark.parametrize(
    ("policy", "picked", "expected"),
    [
        ("partial", ["relu", "bn"], 1.0),
        ("partial", ["relu"], 0.5),
        ("partial", ["relu", "tanh"], 0.0),  # a wrong pick cancels a right one
        ("partial", ["relu", "bn", "tanh"], 0.5),
        ("partial", ["tanh", "relu", "bn", "big"], 0.0),  # ticking everything earns nothing
        ("partial", [], 0.0),
        ("all_or_nothing", ["relu", "bn"], 1.0),
        ("all_or_nothing", ["relu"], 0.0),
        ("all_or_nothing", ["relu", "bn", "big"], 0.0),
        ("per_choice", ["relu", "bn"], 1.0),
        ("per_choice", ["relu"], 0.75),
        ("per_choice", [], 0.5),
        ("per_choice", ["tanh", "big"], 0.0),
    ],
)
def test_multi_policies(policy: str, picked: list[str], expected: float) -> None:
    q = question(MULTI.format(policy=policy))
    assert q.scoring == policy
    assert q.fraction(q.parse_response(picked)) == pytest.approx(expected)
    assert q.score(q.parse_response(picked)) == pytest.approx(expected)


def test_multi_response_is_canonical() -> None:
    q = question(MULTI.format(policy="partial"))
    assert q.parse_response(["bn", "relu", "bn"]) == ["relu", "bn"]
    assert q.parse_response("relu") == ["relu"]
    with pytest.raises(ResponseError):
        q.parse_response(["B"])  # choices with ids are named by id only


def test_multi_default_policy_comes_from_bank_defaults() -> None:
    text = (
        "id: t\ntitle: T\ndefaults:\n  scoring: {multi: all_or_nothing}\nquestions:\n"
        + textwrap.indent(
            textwrap.dedent(MULTI.format(policy="partial")).replace("  scoring: partial\n", ""),
            "  ",
        )
    )
    q = load_bank_text(text).questions[0]
    assert q.scoring == "all_or_nothing"
    assert q.fraction(["relu"]) == 0.0


def test_true_false_scoring() -> None:
    q = question(TF)
    assert q.score(q.parse_response(True)) == 1
    assert q.score(q.parse_response("yes")) == 1
    assert q.score(q.parse_response("false")) == 0
    with pytest.raises(ResponseError):
        q.parse_response("perhaps")


def numeric(extra: str) -> Question:
    return question(f"- id: q\n  type: numeric\n  prompt: p\n{extra}")


@pytest.mark.parametrize(
    ("extra", "raw", "ok"),
    [
        ("  answer: 0.0015\n", "0.0015", True),
        ("  answer: 0.0015\n", "1.5e-3", True),
        ("  answer: 0.0015\n", "15e-4", True),
        ("  answer: 0.0015\n", 0.0015, True),
        ("  answer: 0.0015\n", "0.00151", False),  # no tolerance: exact
        ("  answer: 0.0015\n  tolerance: 0.00001\n", "0.00151", True),  # bound is inclusive
        ("  answer: 0.0015\n  tolerance: 0.00001\n", "0.00149", True),
        ("  answer: 0.0015\n  tolerance: 0.00001\n", "0.001511", False),
        ("  answer: 1.5e-3\n  tolerance: 1e-5\n", "0.0015", True),  # 1e-5 without a dot
        ("  answer: 200\n  rel_tolerance: 0.05\n", "210", True),
        ("  answer: 200\n  rel_tolerance: 0.05\n", "189", False),
        ("  answer: 0.3\n  tolerance: 0.1\n", "0.4", True),
        ("  answer: 0.3\n  tolerance: 0.1\n  rel_tolerance: 0.5\n", "0.44", True),  # larger wins
        ("  answer: -2\n  tolerance: 0.5\n", "−2.4", True),  # a typographic minus
    ],
)
def test_numeric_tolerances(extra: str, raw: object, ok: bool) -> None:
    q = numeric(extra)
    assert q.score(q.parse_response(raw)) == (1.0 if ok else 0.0)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1/256", 1 / 256), (" 3 / 2000 ", 0.0015), ("-3/4", -0.75), ("1.5e-3/1", 0.0015)],
)
def test_numeric_accepts_fractions(raw: str, value: float) -> None:
    q = numeric("  answer: 1\n")
    assert q.parse_response(raw) == pytest.approx(value)


@pytest.mark.parametrize("raw", ["abc", "nan", "inf", "1/0", "1/", "1/2/3", True, None, [1]])
def test_numeric_rejects_non_numbers(raw: object) -> None:
    q = numeric("  answer: 1\n")
    with pytest.raises(ResponseError):
        q.parse_response(raw)


def text_q(extra: str) -> Question:
    return question(f"- id: q\n  type: text\n  prompt: p\n{extra}")


REGEX = "  match: regex\n  accept: ['leaky[ -]?relu']\n  example: Leaky ReLU\n"


@pytest.mark.parametrize(
    ("extra", "raw", "ok"),
    [
        ("  accept: [ReLU, rectified linear unit]\n", "relu", True),  # case folded
        ("  accept: [ReLU, rectified linear unit]\n", "  Rectified   Linear\tUnit ", True),
        ("  accept: [ReLU]\n", "re lu", False),
        ("  accept: [ReLU]\n  case_sensitive: true\n", "ReLU", True),
        ("  accept: [ReLU]\n  case_sensitive: true\n", "relu", False),
        (REGEX, "Leaky ReLU", True),
        (REGEX, "leaky  relu", True),  # spaces folded
        (REGEX, "leaky relu6", False),  # full match
        (
            "  match: regex\n  accept: ['relu']\n  case_sensitive: true\n  example: relu\n",
            "ReLU",
            False,
        ),
    ],
)
def test_text_matching(extra: str, raw: str, ok: bool) -> None:
    q = text_q(extra)
    assert q.score(q.parse_response(raw)) == (1.0 if ok else 0.0)


def test_text_key_is_example_for_regex() -> None:
    q = text_q("  match: regex\n  accept: ['he|kaiming']\n  example: He\n")
    assert q.key() == "He"


MATCHING = """
- id: q
  type: matching
  prompt: Match.
  scoring: {policy}
  pairs:
    - {{left: sigmoid, right: '1/4'}}
    - {{left: tanh, right: '1'}}
    - {{left: ReLU, right: '0 or 1'}}
  distractors: ['2']
"""


@pytest.mark.parametrize(
    ("policy", "response", "expected"),
    [
        ("partial", {"sigmoid": "1/4", "tanh": "1", "ReLU": "0 or 1"}, 1.0),
        ("partial", {"sigmoid": "1/4", "tanh": "2", "ReLU": "1"}, 1 / 3),
        ("partial", {"sigmoid": "A", "tanh": "B"}, 2 / 3),  # letters name right items
        ("partial", {}, 0.0),
        ("all_or_nothing", {"sigmoid": "1/4", "tanh": "1", "ReLU": "0 or 1"}, 1.0),
        ("all_or_nothing", {"sigmoid": "1/4", "tanh": "1", "ReLU": "2"}, 0.0),
    ],
)
def test_matching_policies(policy: str, response: dict[str, str], expected: float) -> None:
    q = question(MATCHING.format(policy=policy))
    assert q.fraction(q.parse_response(response)) == pytest.approx(expected)


def test_matching_rejects_unknown_items() -> None:
    q = question(MATCHING.format(policy="partial"))
    with pytest.raises(ResponseError):
        q.parse_response({"elu": "1"})
    with pytest.raises(ResponseError):
        q.parse_response({"tanh": "7"})


ORDERING = """
- id: q
  type: ordering
  prompt: Order.
  scoring: {policy}
  items: [forward, loss, backward, update]
"""


@pytest.mark.parametrize(
    ("policy", "response", "expected"),
    [
        ("partial", ["forward", "loss", "backward", "update"], 1.0),
        ("partial", "ABCD", 1.0),
        ("partial", "A, B, D, C", 0.5),
        ("partial", ["loss", "forward", "backward", "update"], 0.5),
        ("partial", ["update", "backward", "loss", "forward"], 0.0),
        ("all_or_nothing", ["forward", "loss", "backward", "update"], 1.0),
        ("all_or_nothing", ["forward", "loss", "update", "backward"], 0.0),
    ],
)
def test_ordering_policies(policy: str, response: object, expected: float) -> None:
    q = question(ORDERING.format(policy=policy))
    assert q.fraction(q.parse_response(response)) == pytest.approx(expected)


def test_ordering_rejects_repeats() -> None:
    q = question(ORDERING.format(policy="partial"))
    with pytest.raises(ResponseError):
        q.parse_response(["forward", "forward", "loss", "update"])


def test_cloze_scores_a_share_per_blank() -> None:
    q = question(
        """
        - id: q
          type: cloze
          points: 2
          prompt: 'Four factors of $0.1$ give [[1]]; the fix is [[2]].'
          blanks:
            - {answer: 0.0001, rel_tolerance: 0.01}
            - {accept: [relu, leaky relu]}
        """
    )
    assert q.score(q.parse_response(["1e-4", "ReLU"])) == 2
    assert q.score(q.parse_response(["0.001", "ReLU"])) == 1
    assert q.score(q.parse_response([None, "leaky relu"])) == 1
    assert q.score(q.parse_response(["0.0001", "tanh"])) == 1
    assert q.key() == [0.0001, "relu"]
    with pytest.raises(ResponseError):
        q.parse_response(["1e-4"])  # one answer per blank
    with pytest.raises(ResponseError):
        q.parse_response(["many", "relu"])  # a number blank needs a number
