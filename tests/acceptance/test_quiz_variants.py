"""Per-student variants of a parametrized bank through every command: take, grade, export
(one student, N pages with keys, QTI question groups, Moodle categories), and stats.

Expected answers are computed here from the drawn params the results JSON records (and the
prompt shows), with the question's own formula written out again."""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

from grader.bank import load_bank
from grader.bank.variants import bank_for_student, variant_for
from grader.cli import main

ROOT = Path(__file__).resolve().parents[2]
BANK = str(ROOT / "tests/fixtures/banks/params.yaml")


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def right_answers(values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each question's answer from its params, by the formulas of the bank."""
    u, s, t = values["update"], values["sigmoid-slope"], values["tiny-product"]
    product = t["d"] ** t["L"]
    return {
        "update": u["w"] - u["eta"] * u["g"],
        "sigmoid-slope": sigmoid(s["z"]) * (1 - sigmoid(s["z"])),
        "tiny-product": [product, round(1 / product)],
    }


def drawn(student: str) -> dict[str, dict[str, Any]]:
    bank, _ = bank_for_student(load_bank(BANK), student)
    return {q.id: q.values for q in bank.questions}


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.output


def test_students_get_different_stable_variants() -> None:
    bank = load_bank(BANK)
    assert variant_for(bank, "alice") == variant_for(load_bank(BANK), "alice")
    assert len({variant_for(bank, f"s{i}") for i in range(30)}) > 10
    assert drawn("alice") != drawn("bob")


def test_take_shows_the_students_numbers_and_records_the_variant(data: Path) -> None:
    code, _ = run("quiz", "take", BANK, "--student", "alice", "--seed", "1", stdin="")
    session = json.loads((data / "sessions" / "chain-variants--alice.json").read_text())
    values = drawn("alice")
    want = right_answers(values)
    lines = []
    for qid in session["order"]:
        if qid == "update":
            lines.append(repr(want["update"]))
        elif qid == "sigmoid-slope":
            lines.append(str(session["layout"][qid].index("A") + 1))  # A is the right choice
        else:
            lines += [repr(want["tiny-product"][0]), str(want["tiny-product"][1])]
    code, out = run(
        "quiz", "take", BANK, "--student", "alice", "--resume", stdin="\n".join(lines) + "\n"
    )
    assert code == 0, out
    u = values["update"]
    assert f"$w = {u['w']:g}$" in out or f"w = {u['w']:g}" in out  # alice's numbers on screen
    result = json.loads(next((data / "results").glob("*.json")).read_text())
    assert result["score"] == 3, out
    assert result["variant"] == variant_for(load_bank(BANK), "alice")
    tests = {t["id"]: t for t in result["tests"]}
    assert tests["update"]["variant"] == result["variant"]
    assert tests["update"]["params"] == pytest.approx(values["update"])
    assert right_answers({k: tests[k]["params"] for k in tests}) == right_answers(values)


def answers_file(tmp_path: Path, header: str, values: dict[str, dict[str, Any]]) -> Path:
    want = right_answers(values)
    path = tmp_path / "answers.yaml"
    path.write_text(
        f"{header}\nupdate: {want['update']!r}\nsigmoid-slope: A\n"
        f"tiny-product: [{want['tiny-product'][0]!r}, {want['tiny-product'][1]}]\n"
    )
    return path


def test_grade_uses_the_variant_of_the_student_the_file_names(tmp_path: Path) -> None:
    path = answers_file(tmp_path, "student: alice", drawn("alice"))
    code, out = run("quiz", "grade", BANK, str(path), "--format", "json")
    assert code == 0, out
    result = json.loads(out)
    assert result["student"] == "alice" and result["score"] == 3
    assert result["variant"] == variant_for(load_bank(BANK), "alice")
    # The same numbers handed in as bob's are wrong for bob's variant.
    path.write_text(path.read_text().replace("student: alice", "student: bob"))
    code, out = run("quiz", "grade", BANK, str(path), "--format", "json")
    assert code == 1 and json.loads(out)["score"] < 3
    code, out = run("quiz", "grade", BANK, str(path), "--student", "carol")
    assert code == 2 and "answers of 'bob', but --student is 'carol'" in out


def test_grade_a_paper_variant(tmp_path: Path) -> None:
    bank = load_bank(BANK)
    from grader.bank.variants import bank_variant

    values = {q.id: q.values for q in bank_variant(bank, 7).questions}
    path = answers_file(tmp_path, "variant: 7", values)
    code, out = run("quiz", "grade", BANK, str(path))
    assert code == 0, out
    path.write_text(path.read_text().replace("variant: 7", "variant: 50"))
    code, out = run("quiz", "grade", BANK, str(path))
    assert code == 2 and "answers.yaml:1:10: variant: must be a variant from 0 to 49" in out


def test_export_for_a_student_and_n_variants_with_keys(tmp_path: Path) -> None:
    out = tmp_path / "alice.md"
    code, text = run("quiz", "export", BANK, "--format", "md", "--student", "alice", "-o", str(out))
    assert code == 0, text
    md = out.read_text()
    u = drawn("alice")["update"]
    assert f"$w = {u['w']:g}$" in md and f"$g = {u['g']:g}$" in md
    assert f"(variant {variant_for(load_bank(BANK), 'alice')})" in md
    code, text = run("quiz", "export", BANK, "--format", "html", "--variants", "3",
                     "-o", str(tmp_path / "page.html"))  # fmt: skip
    assert code == 0, text
    names = sorted(p.name for p in tmp_path.glob("page*"))
    assert names == sorted(f"page-v{k}{s}.html" for k in range(3) for s in ("", "-key"))
    pages = [(tmp_path / f"page-v{k}.html").read_text() for k in range(3)]
    assert len(set(pages)) == 3 and "(variant 2)" in pages[2]
    code, text = run("quiz", "export", "vanishing-gradients", "--format", "md", "--variants",
                     "2", "-o", str(tmp_path / "x.md"))  # fmt: skip
    assert code == 0 or "no question has params" in text
    code, text = run("quiz", "export", BANK, "--format", "md", "--variants", "51", "-o",
                     str(tmp_path / "x.md"))  # fmt: skip
    assert code == 2 and "--variants must be from 1 to 50" in text


def test_qti_holds_a_question_group_drawing_one_variant(tmp_path: Path) -> None:
    out = tmp_path / "quiz.zip"
    code, text = run("quiz", "export", BANK, "--format", "qti", "--variants", "4", "-o", str(out))
    assert code == 0, text
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as zf:
        name = next(n for n in zf.namelist() if n != "imsmanifest.xml")
        root = etree.fromstring(zf.read(name))
    ns = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
    groups = root.findall(".//q:section[@ident='root_section']/q:section", ns)
    assert [g.get("ident") for g in groups] == [
        "update-variants", "sigmoid-slope-variants", "tiny-product-variants"
    ]  # fmt: skip
    for g in groups:
        assert g.findtext(".//q:selection_number", namespaces=ns) == "1"
        items = g.findall("q:item", ns)
        assert len(items) == 4
        texts = {etree.tostring(i.find("q:presentation", ns)) for i in items}
        assert len(texts) > 1  # the variants differ
    # Each exact answer in the group is one of the four variants' answers.
    bank = load_bank(BANK)
    from grader.bank.variants import bank_variant

    exact = [float(v.text or "") for v in groups[0].iterfind(".//q:varequal", ns)]
    want = [bank_variant(bank, k).questions[0].values for k in range(4)]
    assert exact == pytest.approx([w["w"] - w["eta"] * w["g"] for w in want])
    assert "likewise the others" in text  # warnings once per question, not per variant


def test_qti_question_groups_validate_against_the_xsd(tmp_path: Path) -> None:
    from published_schemas import need_schema

    xsd = etree.XMLSchema(etree.parse(str(need_schema("qti12/ims_qtiasiv1p2.xsd"))))
    out = tmp_path / "quiz.zip"
    args = ["--format", "qti", "--variants", "5", "-o", str(out)]
    code, text = run("quiz", "export", "vanishing-gradients", *args)
    assert code == 0, text
    with zipfile.ZipFile(out) as zf:
        name = next(n for n in zf.namelist() if n != "imsmanifest.xml")
        root = etree.fromstring(zf.read(name))
    assert len(root.findall(".//{*}selection_number")) == 5
    assert xsd.validate(root), xsd.error_log


def test_moodle_puts_variants_in_a_category_drawn_by_a_random_question(tmp_path: Path) -> None:
    out = tmp_path / "quiz.xml"
    code, text = run("quiz", "export", BANK, "--format", "moodle", "--variants", "3", "-o",
                     str(out))  # fmt: skip
    assert code == 0, text
    root = etree.parse(str(out)).getroot()
    kinds = [
        (q.get("type"), (q.findtext("category/text") or q.findtext("name/text") or ""))
        for q in root.findall("question")
    ]
    top = "$course$/top/Gradients with drawn numbers"
    assert kinds[:7] == [
        ("category", top),
        ("category", f"{top}/update"),
        ("numerical", "update (variant 0)"),
        ("numerical", "update (variant 1)"),
        ("numerical", "update (variant 2)"),
        ("random", "Random (update)"),
        ("category", top),
    ]
    assert sum(1 for k, _ in kinds if k == "random") == 3
    random_q = root.find("question[@type='random']")
    assert random_q is not None and random_q.findtext("questiontext/text") == "0"


def test_stats_report_each_variant(tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    students = [f"s{i}" for i in range(12)]
    for n, student in enumerate(students):
        path = answers_file(tmp_path, f"student: {student}", drawn(student))
        if n % 3 == 0:  # a third get the update wrong
            path.write_text(re.sub(r"update: .*", "update: 99", path.read_text()))
        run("quiz", "grade", BANK, str(path), "--format", "json", "-o", str(results / f"{n}.json"))
    code, out = run("quiz", "stats", BANK, str(results), "--format", "json")
    assert code == 0, out
    item = next(i for i in json.loads(out)["items"] if i["id"] == "update")
    bank = load_bank(BANK)
    expected: dict[str, list[float]] = {}
    for n, student in enumerate(students):
        expected.setdefault(str(variant_for(bank, student)), []).append(0.0 if n % 3 == 0 else 1.0)
    slope = next(i for i in json.loads(out)["items"] if i["id"] == "sigmoid-slope")
    # Each student saw other numbers: choices are named by key, not by variant 0's text.
    assert [(c["key"], c["text"], c["chosen"]) for c in slope["choices"]] == [
        ("A", "A", 12), ("B", "B", 0), ("C", "C", 0)
    ]  # fmt: skip
    got = {v["variant"]: (v["n"], v["facility"]) for v in item["variants"]}
    assert got == {k: (len(v), pytest.approx(sum(v) / len(v))) for k, v in expected.items()}


@pytest.mark.browser
def test_the_html_self_check_scores_the_students_variant(tmp_path: Path) -> None:
    from _export_tools import CHROMIUM, CHROMIUM_ARGS, need_path

    need_path(Path(CHROMIUM), "Chromium (/usr/bin/chromium, Debian package chromium)")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "alice.html"
    code, text = run("quiz", "export", BANK, "--format", "html", "--student", "alice", "-o",
                     str(page_file))  # fmt: skip
    assert code == 0, text
    mine, theirs = right_answers(drawn("alice")), right_answers(drawn("bob"))
    assert mine["update"] != pytest.approx(theirs["update"])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(page_file.as_uri())
        tab.fill("#q1-in", repr(theirs["update"]))  # bob's answer is wrong on alice's page
        tab.press("#q1-in", "Enter")
        assert tab.inner_text("#q1-result").startswith("Not correct")
        tab.fill("#q1-in", f"{mine['update']:.6g}")
        tab.press("#q1-in", "Enter")
        assert tab.inner_text("#q1-result").startswith("Correct")
        tab.fill("#q3-b1", f"{mine['tiny-product'][0]:.4g}")
        tab.fill("#q3-b2", str(mine["tiny-product"][1]))
        tab.click("#q3 button")
        assert tab.inner_text("#q3-result").startswith("Correct")
        browser.close()
    assert errors == []


def test_every_variant_of_the_shipped_bank_is_right() -> None:
    """The five parametrized questions of vanishing-gradients, all 100 variants: the key
    scores full marks and equals the answer worked out here from the drawn params."""
    from grader.bank.variants import bank_variant
    from grader.resources import resolve_bank

    bank = load_bank(resolve_bank("vanishing-gradients"))
    drawn_ids = [q.id for q in bank.questions if q.params is not None]
    assert len(drawn_ids) >= 5
    kinds = {q.type for q in bank.questions if q.params is not None}
    assert kinds >= {"numeric", "single", "cloze"}
    seen = set()
    for k in range(bank.variants):
        by_id = {q.id: q for q in bank_variant(bank, k).questions}
        for qid in drawn_ids:
            q = by_id[qid]
            assert q.score(q.parse_response(q.key())) == q.points, (qid, k)
        v = {qid: by_id[qid].values for qid in drawn_ids}
        f = v["drawn-first-layer-grad"]
        slope = [sigmoid(z) * (1 - sigmoid(z)) for z in (f["z2"], f["z3"])]
        assert by_id["drawn-first-layer-grad"].key() == pytest.approx(
            slope[1] * f["w3"] * slope[0] * f["w2"]
        )
        p = v["drawn-layer-product"]
        assert by_id["drawn-layer-product"].key() == pytest.approx(p["d"] ** p["L"])
        u = v["drawn-update"]
        assert by_id["drawn-update"].key() == pytest.approx(u["w"] - u["eta"] * u["g"])
        assert f"$w = {u['w']:g}$" in by_id["drawn-update"].prompt
        s = sigmoid(v["drawn-sigmoid-slope"]["z"])
        choices = {c.key: c.text for c in by_id["drawn-sigmoid-slope"].choices}
        assert float(choices["slope"]) == pytest.approx(s * (1 - s), rel=5e-3)
        c = v["drawn-chain-cloze"]
        number, word = by_id["drawn-chain-cloze"].key()
        assert number == pytest.approx((c["w"] / 4) ** c["L"])
        assert word == ("vanishes" if c["w"] < 4 else "explodes")
        seen.add(tuple(sorted(u.items())))
    assert len(seen) > 50  # students really get different numbers
