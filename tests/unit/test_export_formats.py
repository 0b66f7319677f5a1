"""Pure pieces of the exporters: ordering, escaping, Moodle grades, the self-check data."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.renderer import RendererHTML

from grader.bank import load_bank, load_bank_text
from grader.export import export_bank
from grader.export._lms import MOODLE_FRACTIONS, moodle_fraction, percent
from grader.export._markup import _PLAIN, MarkupRenderer
from grader.export._view import arrange
from grader.export.gift import decimal, escape
from grader.export.html import decode, encode
from grader.markup import markdown_parser

ROOT = Path(__file__).resolve().parents[2]
ALL_TYPES = ROOT / "tests/fixtures/banks/all-types.yaml"
HOSTILE = ROOT / "tests/fixtures/banks/export-hostile.yaml"


@pytest.fixture(scope="module")
def bank():  # type: ignore[no-untyped-def]
    return load_bank(ALL_TYPES)


def test_without_seed_questions_stay_and_choices_shuffle_reproducibly(bank) -> None:  # type: ignore[no-untyped-def]
    view = arrange(bank, None)
    assert [v.q.id for v in view.questions] == [q.id for q in bank.questions]
    kaylee = view.questions[0]
    shown = [c.key for c in kaylee.choices]
    assert sorted(shown) == sorted(["tanh", "relu", "batchnorm", "large-init"])
    assert shown != ["tanh", "relu", "batchnorm", "large-init"]
    assert shown == [c.key for c in arrange(load_bank(ALL_TYPES), None).questions[0].choices]
    # Seeded from the bank id: another bank with the same questions shows another order.
    renamed = load_bank_text(ALL_TYPES.read_text().replace("id: all-types", "id: all-types-2"))
    others = [[c.key for c in v.choices] for v in arrange(renamed, None).questions]
    assert others != [[c.key for c in v.choices] for v in view.questions]


def test_the_shipped_bank_does_not_give_its_answers_away() -> None:
    """Authors put the right answer first and match down the diagonal: the default export
    must not show either (it did: every single-choice answer was A)."""
    bank = load_bank(ROOT / "quizzes/vanishing-gradients.yaml")
    view = arrange(bank, None)
    firsts = [v.correct_letters for v in view.questions if v.type == "single"]
    assert len(firsts) >= 4 and sum(f == ["A"] for f in firsts) <= len(firsts) // 2, firsts
    for v in view.questions:
        if v.type == "matching":
            letters = [v.right_letter(dict(v.q.pairs)[left]) for left in v.lefts]
            assert letters != [v.letter(i) for i in range(len(letters))], v.q.id


def test_a_seed_shuffles_reproducibly_and_differently(bank) -> None:  # type: ignore[no-untyped-def]
    a = [v.q.id for v in arrange(bank, 1).questions]
    assert a == [v.q.id for v in arrange(bank, 1).questions]
    assert a != [q.id for q in bank.questions]
    assert a != [v.q.id for v in arrange(bank, 2).questions]


def test_shuffle_false_keeps_a_questions_choices_in_place() -> None:
    text = ALL_TYPES.read_text().replace(
        "    type: multi\n", "    type: multi\n    shuffle: false\n"
    )
    bank = load_bank_text(text)
    for seed in (None, *range(8)):
        kaylee = next(v for v in arrange(bank, seed).questions if v.q.id == "kaylee")
        assert [c.key for c in kaylee.choices] == ["tanh", "relu", "batchnorm", "large-init"]


def test_ordering_items_are_never_shown_in_the_answer_order(bank) -> None:  # type: ignore[no-untyped-def]
    for seed in (None, 0, 1, 2):
        view = next(v for v in arrange(bank, seed).questions if v.type == "ordering")
        assert sorted(view.items) == sorted(view.q.items)
        assert view.items != view.q.items


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1 / 3, "33.33333"), (-1 / 3, "-33.33333"), (0.5, "50"), (1 / 6, "16.66667"),
     (1 / 7, "14.28571"), (1 / 11, "5"), (1.0, "100")],
)  # fmt: skip
def test_moodle_fractions_come_from_moodles_list(value: float, expected: str) -> None:
    fraction = moodle_fraction(value)
    assert any(abs(abs(fraction) - f) < 1e-7 for f in MOODLE_FRACTIONS)
    assert percent(fraction) == expected


def test_gift_escapes_every_special_character() -> None:
    assert escape("a~b=c#d{e}f:g\\h") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h"
    assert escape("one\n\ntwo") == "one\\n\\ntwo"  # a blank line would end the question
    assert decimal(1e-10) == "0.0000000001"
    assert decimal(2.0) == "2"


def test_self_check_data_round_trips_and_is_not_plain_text() -> None:
    payload = {"questions": {"q1": {"accept": ["rectified linear unit"]}}}
    blob = encode(payload)
    assert "rectified" not in blob
    assert decode(blob) == payload


def test_the_student_page_does_not_show_the_key_in_plain_view(bank) -> None:  # type: ignore[no-untyped-def]
    page = export_bank(bank, "html").data.decode()
    assert "rectified linear unit" not in page  # an accepted text answer
    assert "0.0015" not in page  # the numeric answer
    main = page[page.index("<main") : page.index("</main>")]
    assert "correct" not in main.lower()  # no choice is marked in the markup


def test_hostile_text_never_becomes_markup() -> None:
    bank = load_bank(HOSTILE)
    for fmt in ("html", "html-key"):
        page = export_bank(bank, fmt).data.decode()
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert scripts == (
            ['<script type="application/json" id="selfcheck-data" data-pad="grader-self-check">',
             "<script>"] if fmt == "html" else []
        )  # fmt: skip
        assert not re.search(r"<(img|svg|a|b)\b[^>]*\s(onerror|onload|onmouseover)=", page)
        assert 'href="javascript:' not in page
        assert "&lt;script&gt;" in page  # shown as text, not dropped


def test_every_format_names_what_it_loses(bank) -> None:  # type: ignore[no-untyped-def]
    lost = {fmt: export_bank(bank, fmt).warnings for fmt in ("qti", "moodle", "gift", "md")}
    assert lost["md"] == []
    for fmt in ("qti", "moodle", "gift"):
        assert any(
            "'backprop-order'" in w and "ordering exported as matching" in w for w in lost[fmt]
        )
        assert any("'name-regex'" in w and "/re\\s*lu/" in w for w in lost[fmt])
        assert all(w.startswith(f"warning: {fmt}: question '") for w in lost[fmt])
    assert any("'fill'" in w and "split into 2 questions" in w for w in lost["gift"])
    assert any("'kaylee'" in w and "tags dropped" in w for w in lost["qti"])


def test_multi_weights_follow_the_scoring_policy(bank) -> None:  # type: ignore[no-untyped-def]
    text = ALL_TYPES.read_text().replace("multi: partial", "multi: all_or_nothing")
    warnings = export_bank(load_bank_text(text), "moodle").warnings
    assert any(
        "'kaylee'" in w and "'all_or_nothing' scoring becomes partial" in w for w in warnings
    )


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.from_regex(_PLAIN, fullmatch=True),
        # Near misses: if the shortcut ever let these through, they must still agree.
        st.sampled_from(["a *b* c", "a **b**", "x _y_", "    code", "1. one", "- item", "# h",
                         "> q", "a `b`", "a [b](c)", "a $x$", "a &amp; b", "a <b>", "a\\*b",
                         "a  \nb", "Title\n===", "a ~~b~~", "|a|b|"]),
    )
)  # fmt: skip
def test_the_plain_text_shortcut_renders_as_the_parser_would(text: str) -> None:
    if not _PLAIN.match(text):
        return  # not a shortcut case: the parser renders it
    md = markdown_parser()
    expected = RendererHTML().render(md.parse(text), md.options, {})
    assert str(MarkupRenderer().block(text)) == expected


def test_markdown_export_reads_as_markdown(bank) -> None:  # type: ignore[no-untyped-def]
    text = export_bank(bank, "md", seed=2).data.decode()
    tokens = markdown_parser().parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0] == "Every question type"
    assert sum(h.startswith("Question ") for h in headings) == len(bank.questions)
    assert "Answer key" in headings
    # the math stays as authored, for a Markdown viewer with math support to render
    assert "$\\frac{1}{4}$" in text


@pytest.mark.parametrize("fmt", ["html", "html-key", "qti", "moodle", "gift", "md"])
def test_matching_with_a_shared_right_item_exports(fmt: str) -> None:
    # Two lefts whose rights differ only in case are one right item (as the grader sees it).
    bank = load_bank_text(
        "id: m\ntitle: M\nquestions:\n  - id: same\n    type: matching\n    prompt: p\n"
        "    pairs:\n      - {left: a, right: One}\n      - {left: b, right: one}\n"
    )
    assert export_bank(bank, fmt, seed=1).data
    view = arrange(bank, 1).questions[0]
    assert view.right_letter("one") == view.right_letter("One") == "A"


def test_bank_level_and_silent_looking_losses_are_warned() -> None:
    showcase = load_bank(ROOT / "tests/fixtures/banks/export-showcase.yaml")
    qti = export_bank(showcase, "qti").warnings
    gift = export_bank(showcase, "gift").warnings
    assert "warning: qti: bank 'export-showcase': the description is not part of a QTI" in qti[0]
    assert "warning: gift: bank 'export-showcase': the description has no place in GIFT" in gift[0]
    assert any("'code-grad': 2 points: GIFT has no points" in w for w in gift)
    assert any("'code-grad': 'shuffle: false': GIFT cannot say so" in w for w in gift)
    assert not any("bank '" in w for w in export_bank(showcase, "moodle").warnings)  # kept
    text = ALL_TYPES.read_text().replace(
        "    distractors:", "    scoring: all_or_nothing\n    distractors:"
    )
    for fmt in ("qti", "moodle", "gift"):
        warnings = export_bank(load_bank_text(text), fmt).warnings
        assert any("'derivs': 'all_or_nothing' scoring becomes a share" in w for w in warnings)


def test_keys_list_every_accepted_answer(bank) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("html-key", "md"):
        text = export_bank(bank, fmt).data.decode()
        assert "rectified linear unit" in text
        assert "re\\s*lu" in text


def test_no_raw_tex_where_no_math_typesetter_reaches() -> None:
    """Drop-down options and accessible names cannot hold MathML, and an LMS's MathJax does
    not reach its drop-downs: they get the terminal's text rendering, never TeX source."""
    shipped = load_bank(ROOT / "quizzes/vanishing-gradients.yaml")
    page = export_bank(shipped, "html").data.decode()
    options = re.findall(r"<option[^>]*>([^<]*)</option>", page)
    labels = re.findall(r'aria-label="([^"]*)"', page)
    assert not [x for x in options + labels if "\\" in x or "$" in x]
    assert any(x.endswith(". (0, 1/4]") for x in options)
    assert "Position of tanh′(0)" in labels
    moodle = export_bank(shipped, "moodle").data.decode()
    assert "<answer><text>(0, 1/4]</text></answer>" in moodle
    gift = export_bank(shipped, "gift").data.decode()
    assert "-> (0, 1/4]\n" in gift
    qti = export_bank(shipped, "qti").data
    with zipfile.ZipFile(io.BytesIO(qti)) as zf:
        xml = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".xml"))
    assert '<mattext texttype="text/plain">(0, 1/4]</mattext>' in xml
    plain_texts = re.findall(r'<mattext texttype="text/plain">([^<]*)</mattext>', xml)
    assert not [x for x in plain_texts if "\\(" in x]


def test_the_self_check_data_carries_the_right_answer_as_shown() -> None:
    bank = load_bank(ALL_TYPES)
    page = export_bank(bank, "html").data.decode()
    blob = re.search(r'id="selfcheck-data"[^>]*>"([^"]+)"', page)
    assert blob
    data = decode(blob.group(1))["questions"]
    view = {v.q.id: v for v in arrange(bank, None).questions}
    kaylee = view["kaylee"]
    letters = kaylee.correct_letters
    assert data["q1"]["right"] == "; ".join(
        f"{letter}. {text}"
        for letter, text in zip(letters, [c.text for c in kaylee.choices if c.correct], strict=True)
    )
    assert data["q3"]["right"] == "False"
    assert "0.0015" in data["q4"]["right"]
    derivs = view["derivs"]
    assert data["q7"]["right"] == (
        f"sigmoid → {derivs.right_letter('0.25')}. 0.25; tanh → {derivs.right_letter('1')}. 1"
    )
    assert data["q9"]["right"].startswith("blank 1: 1e-10")
