"""docs/authoring.md is executed: its YAML loads, its transcripts match, its tables hold.

How the guide's code blocks are read:
- a ```yaml block whose first line is `# NAME.yaml` is a whole file: it must load, unless
  NAME starts with `broken` (then it must fail); `answers.yaml` is an answers file for the
  question snippets;
- a ```yaml block that starts with `- id:` is one question, wrapped into a bank to load;
- a ```console block holds `$ grader ...` commands, run in a folder holding every named
  file, whose output must match the lines that follow, exactly.
Any other ```yaml block fails the test, so nothing in the guide goes unchecked.
"""

from __future__ import annotations

import re
import shlex
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from grader.bank import Bank, load_bank, load_bank_text
from grader.bank.types.multi import MultiQuestion
from grader.cli import main
from grader.errors import ValidationFailed
from grader.resources import resolve_bank

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "authoring.md"
TEXT = GUIDE.read_text(encoding="utf-8")
BLOCKS = [
    (m.group(1), m.group(2), TEXT.count("\n", 0, m.start()) + 1)
    for m in re.finditer(r"^```(\w*)\n(.*?)^```", TEXT, re.S | re.M)
]
YAML_BLOCKS = [(body, line) for lang, body, line in BLOCKS if lang == "yaml"]
NAMED = {
    m.group(1): body for body, _ in YAML_BLOCKS if (m := re.match(r"# ([\w.-]+\.yaml)\n", body))
}
SNIPPETS = [(body, line) for body, line in YAML_BLOCKS if body.startswith("- id:")]


def wrap(snippets: list[str]) -> str:
    body = "".join(textwrap.indent(s, "  ") for s in snippets)
    return f"id: guide\ntitle: Snippets from the authoring guide\nquestions:\n{body}"


def test_every_yaml_block_is_classified() -> None:
    assert len(YAML_BLOCKS) >= 10
    for body, line in YAML_BLOCKS:
        assert body.startswith(("- id:", "# ")), f"docs/authoring.md:{line}: unclassified yaml"
        if body.startswith("# "):
            assert re.match(r"# [\w.-]+\.yaml\n", body), f"docs/authoring.md:{line}"


@pytest.mark.parametrize(
    "name", sorted(n for n in NAMED if n != "answers.yaml" and not n.startswith("broken"))
)
def test_whole_bank_examples_load(name: str) -> None:
    bank = load_bank_text(NAMED[name], name=name)
    assert bank.questions


@pytest.mark.parametrize("name", sorted(n for n in NAMED if n.startswith("broken")))
def test_broken_examples_fail(name: str) -> None:
    """Broken on loading, or (parametrized banks) in some of the variants `check` draws."""
    from grader.bank.variant_check import check_variants

    try:
        bank = load_bank_text(NAMED[name], name=name)
    except ValidationFailed:
        return
    assert bank.parametrized and check_variants(bank, 200)[0], name


@pytest.mark.parametrize(("snippet", "line"), SNIPPETS, ids=[f"line{n}" for _, n in SNIPPETS])
def test_question_snippet_loads(snippet: str, line: int) -> None:
    bank = load_bank_text(wrap([snippet]), name=f"docs/authoring.md:{line}")
    assert len(bank.questions) == 1


@pytest.fixture(scope="module")
def snippet_bank() -> Bank:
    return load_bank_text(wrap([s for s, _ in SNIPPETS]))


def test_every_type_has_a_snippet(snippet_bank: Bank) -> None:
    types = {q.type for q in snippet_bank.questions}
    assert types == {
        "single", "multi", "true_false", "numeric", "text", "matching", "ordering", "cloze"
    }  # fmt: skip


def test_answers_example_scores_full_marks(snippet_bank: Bank) -> None:
    answers = yaml.safe_load(NAMED["answers.yaml"])
    assert set(answers) == {q.id for q in snippet_bank.questions}
    for qid, raw in answers.items():
        q = snippet_bank.question(qid)
        assert q is not None
        assert q.score(q.parse_response(raw)) == q.points, qid


def transcripts() -> list[tuple[str, list[str], int]]:
    out = []
    for lang, body, line in BLOCKS:
        if lang != "console":
            continue
        command: str | None = None
        expected: list[str] = []
        for text in body.splitlines():
            if text.startswith("$ "):
                if command:
                    out.append((command, expected, line))
                command, expected = text[2:], []
            else:
                expected.append(text)
        if command:
            out.append((command, expected, line))
    return out


@pytest.mark.parametrize(
    ("command", "expected", "line"), transcripts(), ids=[f"line{n}" for *_, n in transcripts()]
)
def test_console_transcript(
    command: str, expected: list[str], line: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = shlex.split(command)
    assert args[0] == "grader", f"docs/authoring.md:{line}: only grader commands are run"
    for name, body in NAMED.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args[1:])
    assert "Traceback" not in result.output
    assert result.output.splitlines() == expected, result.output
    assert result.exit_code == (2 if any(a.startswith("broken") for a in args) else 0)


def test_transcripts_exist() -> None:
    assert len(transcripts()) >= 2


def test_multi_policy_table_matches_scoring(snippet_bank: Bank) -> None:
    kaylee = snippet_bank.question("kaylee")
    assert isinstance(kaylee, MultiQuestion)
    header = next(r for r in TEXT.splitlines() if r.startswith("| policy | credit |"))
    columns = [c.strip().strip("`") for c in header.strip("|").split("|")][2:]
    responses = [
        ["tanh", "relu", "batchnorm", "large-init"] if c == "all four" else yaml.safe_load(c)
        for c in columns
    ]
    rows = [
        r for r in TEXT.splitlines() if re.match(r"\| `(partial|all_or_nothing|per_choice)`", r)
    ]
    assert len(rows) == 3
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        policy = cells[0].strip("`")
        kaylee.scoring = policy
        for response, claimed in zip(responses, cells[2:], strict=True):
            assert kaylee.fraction(kaylee.parse_response(response)) == pytest.approx(
                float(claimed)
            ), (policy, response)


def loader_messages() -> list[str]:
    """Every message the loader gives for the malformed fixtures and the guide's examples."""
    messages = []
    for path in sorted((ROOT / "tests" / "fixtures" / "banks" / "malformed").glob("*.yaml")):
        if path.name == "expected.yaml":
            continue
        with pytest.raises(ValidationFailed) as info:
            load_bank(path)
        messages += [p.message for p in info.value.problems]
    for name, body in NAMED.items():
        if name.startswith("broken"):
            try:
                load_bank_text(body)
            except ValidationFailed as exc:
                messages += [p.message for p in exc.problems]
    return messages


def test_error_table_quotes_real_messages() -> None:
    start = TEXT.index("| problem | message")
    table = TEXT[start : TEXT.index("\n\n", start)].splitlines()[2:]
    messages = loader_messages()
    assert len(table) >= 15
    for row in table:
        wording = row.strip("|").split("|")[-1]
        spans = [m.group(2) for m in re.finditer(r"(`+) ?(.+?) ?\1", wording)]
        assert spans, row
        for span in spans:
            for piece in (p.strip() for p in span.split("...")):
                if piece:
                    assert any(piece in m for m in messages), (piece, row)


def test_money_is_not_math() -> None:
    from grader.markup import math_spans

    example = re.search(r"prices such as\s+`([^`]+)` stay text", TEXT)
    assert example is not None
    assert math_spans(example.group(1)) == []
    assert [s.latex for s in math_spans("a $0.03 \\times 0.05$ b")] == ["0.03 \\times 0.05"]


def test_size_cap_matches_the_guide() -> None:
    from grader._yaml import MAX_FILE_BYTES

    mib = re.search(r"files over (\d+) MiB are refused", TEXT)
    assert mib is not None and int(mib.group(1)) * 1024 * 1024 == MAX_FILE_BYTES


def test_shipped_bank_tags_match_the_guide() -> None:
    bank = load_bank(resolve_bank("vanishing-gradients"))
    paragraph = TEXT[TEXT.index("The shipped `vanishing-gradients` bank uses") :]
    paragraph = paragraph.split("\n\n")[0]
    named = set(re.findall(r"`([a-z-]+)`", paragraph)) - {"vanishing-gradients"}
    assert named == set(bank.tags)
