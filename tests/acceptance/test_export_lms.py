"""LMS exports checked by someone else's rules: the IMS QTI 1.2 XSD and 1.2.1 DTD,
the rules Moodle's XML importer enforces, and an independent GIFT parser (gift-pegjs)."""

from __future__ import annotations

import copy
import io
import json
import re
import subprocess
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from _export_tools import NODE_DIR, NODE_MODULES, ROOT, need_path, need_program
from lxml import etree
from published_schemas import need_schema

from grader.bank import load_bank
from grader.bank.model import Bank
from grader.export import export_bank
from grader.export._lms import MOODLE_FRACTIONS
from grader.export._view import arrange

BANKS = {
    "all-types": ROOT / "tests/fixtures/banks/all-types.yaml",
    "showcase": ROOT / "tests/fixtures/banks/export-showcase.yaml",
    "hostile": ROOT / "tests/fixtures/banks/export-hostile.yaml",
    "shipped": ROOT / "quizzes/vanishing-gradients.yaml",
}
CASES = [(name, seed) for name in BANKS for seed in (None, 11)]
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


@cache
def bank(name: str) -> Bank:
    return load_bank(BANKS[name])


@cache
def xsd() -> etree.XMLSchema:
    path = need_schema("qti12/ims_qtiasiv1p2.xsd")
    return etree.XMLSchema(etree.parse(str(path)))


@cache
def dtd() -> etree.DTD:
    path = need_schema("qti12/ims_qtiasiv1p2p1.dtd")
    return etree.DTD(str(path))


def qti_assessment(name: str, seed: int | None) -> tuple[etree._Element, list[str]]:
    with zipfile.ZipFile(io.BytesIO(export_bank(bank(name), "qti", seed=seed).data)) as zf:
        names = zf.namelist()
        manifest = etree.fromstring(zf.read("imsmanifest.xml"))
        hrefs = [f.get("href") for f in manifest.iter("{*}file")]
        assert hrefs and all(h in names for h in hrefs), "the manifest names a missing file"
        return etree.fromstring(zf.read(hrefs[0])), names


@pytest.mark.parametrize(("name", "seed"), CASES)
def test_qti_validates_against_the_xsd_and_the_dtd(name: str, seed: int | None) -> None:
    root, _ = qti_assessment(name, seed)
    schema = xsd()
    assert schema.validate(root), schema.error_log
    # The 1.2.1 DTD predates XML namespaces: check the same document without them.
    bare = copy.deepcopy(root)
    for el in bare.iter():
        if isinstance(el.tag, str):
            el.tag = etree.QName(el).localname
    etree.cleanup_namespaces(bare)
    assert dtd().validate(bare), dtd().error_log.filter_from_errors()


def test_qti_items_have_canvas_types_points_and_scores() -> None:
    root, _ = qti_assessment("all-types", None)
    items = {i.get("ident"): i for i in root.iter(f"{QTI}item")}
    assert list(items) == [q.id for q in bank("all-types").questions]

    def meta(item: etree._Element, label: str) -> str:
        for field in item.iter(f"{QTI}qtimetadatafield"):
            if field.findtext(f"{QTI}fieldlabel") == label:
                return field.findtext(f"{QTI}fieldentry") or ""
        raise AssertionError(label)

    types = {ident: meta(item, "question_type") for ident, item in items.items()}
    assert types == {
        "kaylee": "multiple_answers_question",
        "sigmoid-max": "multiple_choice_question",
        "relu-saturates": "true_false_question",
        "chain-product": "numerical_question",
        "name-fn": "short_answer_question",
        "name-regex": "short_answer_question",
        "derivs": "matching_question",
        "backprop-order": "matching_question",
        "fill": "fill_in_multiple_blanks_question",
    }
    assert meta(items["kaylee"], "points_possible") == "2"
    # single: the correct label's ident is what scores 100
    single = items["sigmoid-max"]
    labels = [lab.get("ident") for lab in single.iter(f"{QTI}response_label")]
    scored = [c.findtext(f".//{QTI}varequal") for c in single.iter(f"{QTI}respcondition")
              if c.findtext(f"{QTI}setvar") == "100"]  # fmt: skip
    assert scored == ["sigmoid-max-B"] and "sigmoid-max-B" in labels
    # numeric: tolerance as a closed range around the answer
    num = items["chain-product"]
    assert num.findtext(f".//{QTI}vargte") == "0.00149"
    assert num.findtext(f".//{QTI}varlte") == "0.00151"
    # matching: one response_lid per left item, each right answer adds its share
    derivs = items["derivs"]
    assert len(list(derivs.iter(f"{QTI}response_lid"))) == 2
    assert [s.text for s in derivs.iter(f"{QTI}setvar")] == ["50.00", "50.00"]
    # cloze: [blank1] [blank2] in the text, one response_lid per blank
    fill = items["fill"]
    text = fill.findtext(f".//{QTI}mattext") or ""
    assert "[blank1]" in text and "[blank2]" in text
    assert [lid.get("ident") for lid in fill.iter(f"{QTI}response_lid")] == [
        "response_blank1",
        "response_blank2",
    ]


# -- Moodle XML ----------------------------------------------------------------------------


def moodle(name: str, seed: int | None = None) -> etree._Element:
    return etree.fromstring(export_bank(bank(name), "moodle", seed=seed).data)


def allowed(percent: str) -> bool:
    # Moodle's importer: fraction/100 must be within 0.00001 of a grade in its list.
    value = abs(float(percent)) / 100
    return any(abs(value - f) <= 0.00001 for f in MOODLE_FRACTIONS)


@pytest.mark.parametrize(("name", "seed"), CASES)
def test_moodle_xml_follows_the_importers_rules(name: str, seed: int | None) -> None:
    root = moodle(name, seed)
    questions = root.findall("question")
    assert questions[0].get("type") == "category"
    known = {"multichoice", "truefalse", "numerical", "shortanswer", "matching", "cloze"}
    for q in questions[1:]:
        qtype = q.get("type")
        assert qtype in known
        assert q.findtext("name/text")
        assert q.find("questiontext").get("format") == "html"
        fractions = [a.get("fraction") for a in q.findall("answer")]
        assert all(allowed(f) for f in fractions), fractions
        if qtype == "multichoice":
            assert len(fractions) >= 2
            if q.findtext("single") == "true":
                assert sorted(fractions).count("100") == 1
            else:  # the right choices add up to 100%
                total = sum(float(f) for f in fractions if float(f) > 0)
                assert abs(total - 100) < 0.001 * len(fractions) + 1e-9
        elif qtype == "truefalse":
            assert sorted(a.findtext("text") for a in q.findall("answer")) == ["false", "true"]
            assert sorted(fractions) == ["0", "100"]
        elif qtype == "numerical":
            assert all(a.findtext("tolerance") is not None for a in q.findall("answer"))
            assert "100" in fractions
        elif qtype == "shortanswer":
            assert q.findtext("usecase") in ("0", "1") and "100" in fractions
        elif qtype == "matching":
            subs = q.findall("subquestion")
            assert sum(1 for s in subs if s.findtext("text")) >= 2
            assert all(s.findtext("answer/text") for s in subs)
        elif qtype == "cloze":
            assert "{1:" in (q.findtext("questiontext/text") or "")
        float(q.findtext("penalty") or "x")


def test_moodle_keeps_feedback_hints_tags_and_grades() -> None:
    root = moodle("all-types")
    by_id = {q.findtext("idnumber"): q for q in root.findall("question")}
    kaylee = by_id["kaylee"]
    assert kaylee.findtext("defaultgrade") == "2"
    assert "ReLU and batch norm" in (kaylee.findtext("generalfeedback/text") or "")
    feedback = {a.findtext("text"): a.findtext("feedback/text") for a in kaylee.findall("answer")}
    assert feedback["Switch to tanh"] == "tanh saturates too."
    assert [t.text for t in kaylee.findall("tags/tag/text")] == ["remedies"]
    assert by_id["chain-product"].findtext("answer/tolerance") == "1e-05"
    cloze = by_id["fill"].findtext("questiontext/text") or ""
    assert "{1:NUMERICAL:=1e-10:1e-12}" in cloze and "{1:SHORTANSWER:=relu}" in cloze
    showcase = {q.findtext("idnumber"): q for q in moodle("showcase").findall("question")}
    assert showcase["code-grad"].findtext("hint/text") == "Evaluate \\(\\sigma(0)\\) first."
    tags = [t.text for t in showcase["code-grad"].findall("tags/tag/text")]
    assert tags == ["derivatives", "difficulty-easy"]


# -- GIFT ----------------------------------------------------------------------------------


def parse_gift(path: Path) -> list[dict[str, Any]]:
    node = need_program("node")
    need_path(NODE_MODULES / "gift-pegjs", "the npm package gift-pegjs")
    proc = subprocess.run(
        [node, str(NODE_DIR / "gift-parse.js"), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    parsed: list[dict[str, Any]] = json.loads(proc.stdout)
    return [q for q in parsed if q["type"] != "Category"]


@pytest.mark.parametrize(("name", "seed"), CASES)
def test_gift_parses_with_an_independent_parser(
    tmp_path: Path, name: str, seed: int | None
) -> None:
    out = tmp_path / "bank.gift"
    out.write_bytes(export_bank(bank(name), "gift", seed=seed).data)
    parsed = parse_gift(out)
    expected_ids = []
    for q in bank(name).questions:
        blanks = len(getattr(q, "blanks", [])) if q.type == "cloze" else 1
        expected_ids += [q.id] if blanks == 1 else [f"{q.id}-{i}" for i in range(1, blanks + 1)]
    assert sorted(p["id"] for p in parsed) == sorted(expected_ids)
    # Moodle's GIFT importer checks weights against the same grade list as its XML importer.
    weights = [c["weight"] for p in parsed if p["type"] == "MC" for c in p["choices"]]
    assert all(w is None or allowed(str(w)) for w in weights), weights


def test_gift_questions_keep_their_meaning(tmp_path: Path) -> None:
    out = tmp_path / "bank.gift"
    out.write_bytes(export_bank(bank("all-types"), "gift").data)
    parsed = {p["id"]: p for p in parse_gift(out)}
    kaylee = parsed["kaylee"]
    assert kaylee["type"] == "MC"
    weights = dict((c["text"]["text"], c["weight"]) for c in kaylee["choices"])
    assert weights == {
        "Switch to tanh": -50,
        "Switch to ReLU": 50,
        "Add batch normalization": 50,
        "Initialize with large weights": -50,
    }
    # In the order the default export shows (shuffled by the bank id), not the authored one.
    [shown] = [v for v in arrange(bank("all-types"), None).questions if v.q.id == "kaylee"]
    assert list(weights) == [c.text for c in shown.choices]
    assert list(weights) != [c.text for c in shown.q.choices]  # type: ignore[attr-defined]
    assert kaylee["tags"] == ["remedies"]
    assert kaylee["globalFeedback"]["text"] == "<p>ReLU and batch norm.</p>"
    single = parsed["sigmoid-max"]
    assert [c["isCorrect"] for c in single["choices"]] == [False, True, False]
    assert single["choices"][1]["text"]["text"] == "\\(\\frac{1}{4}\\)"  # braces unescaped
    assert parsed["relu-saturates"]["type"] == "TF" and parsed["relu-saturates"]["isTrue"] is False
    num = parsed["chain-product"]
    assert num["type"] == "Numerical" and num["choices"] == {
        "type": "range",
        "number": 0.0015,
        "range": 0.00001,
    }
    assert parsed["name-fn"]["type"] == "Short"
    assert [c["text"]["text"] for c in parsed["name-fn"]["choices"]] == [
        "relu",
        "rectified linear unit",
    ]
    derivs = parsed["derivs"]
    assert derivs["type"] == "Matching"
    assert [(p["subquestion"]["text"], p["subanswer"]) for p in derivs["matchPairs"]] == [
        ("sigmoid", "0.25"),
        ("tanh", "1"),
        ("", "0.5"),
    ]
    assert parsed["fill-1"]["stem"]["text"].count("_____") == 1


def test_gift_split_blanks_keep_the_spaces_beside_them() -> None:
    """Moodle's GIFT importer makes a missing-word question by putting "_____" where the
    {...} was (qformat_gift: substr_replace, no spaces added); gift-pegjs pads the blank
    with spaces itself, so it cannot see this. Moodle showed "multiply to_____; the"."""
    text = export_bank(bank("all-types"), "gift").data.decode()
    seen = {}
    for block in text.split("\n\n"):
        found = re.search(r"::fill \(blank (\d)\)::\[html\](.*)", block, re.S)
        if found:
            seen[found.group(1)] = re.sub(r"\{.*?\n\}", "_____", found.group(2), flags=re.S)
    assert seen["1"].startswith("<p>Ten layers each scaling by") and seen.keys() == {"1", "2"}
    assert "multiply to _____; the activation [2] avoids it.</p>" in seen["1"], seen
    assert "multiply to [1]; the activation _____ avoids it.</p>" in seen["2"], seen


def test_gift_escapes_survive_the_parser(tmp_path: Path) -> None:
    out = tmp_path / "hostile.gift"
    out.write_bytes(export_bank(bank("hostile"), "gift").data)
    match = {p["id"]: p for p in parse_gift(out)}["xss-match"]
    assert match["stem"]["text"] == "<p>Match {these} ~ = # : escapes.</p>"

    # gift-pegjs leaves Moodle's escape placeholders (&&123; for "{") in matching answers,
    # which Moodle's own importer turns back into the character; do the same here.
    def unplace(text: str) -> str:
        return text.replace("&&123;", "{").replace("&&125;", "}")

    pairs = [(p["subquestion"]["text"], unplace(p["subanswer"])) for p in match["matchPairs"]]
    assert pairs == [
        ("&lt;b onmouseover=alert(1)&gt;a&lt;/b&gt;", "<i>1</i>"),
        ("b = c # d", "{2}"),
    ]


def test_qti_cloze_accepts_every_accepted_answer_of_a_blank() -> None:
    from grader.bank import load_bank_text

    text = """id: c
title: C
questions:
  - id: two
    type: cloze
    points: 2
    prompt: "The fix is [[1]] or [[2]]."
    blanks:
      - accept: [relu, rectified linear unit]
      - accept: [batchnorm]
"""
    data = export_bank(load_bank_text(text), "qti").data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("c-assessment/c-assessment.xml"))
    assert xsd().validate(root), xsd().error_log
    adds = [
        (c.findtext(f".//{QTI}varequal"), c.findtext(f"{QTI}setvar"))
        for c in root.iter(f"{QTI}respcondition")
    ]
    assert adds == [("two-b1-1", "50.00"), ("two-b1-2", "50.00"), ("two-b2-1", "50.00")]
    labels = {
        lab.get("ident"): lab.findtext(f".//{QTI}mattext")
        for lab in root.iter(f"{QTI}response_label")
    }
    assert labels == {
        "two-b1-1": "relu",
        "two-b1-2": "rectified linear unit",
        "two-b2-1": "batchnorm",
    }
