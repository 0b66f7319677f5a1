"""The exported pages in a real headless Chromium (Debian's, driven by Playwright), plus
axe-core for WCAG 2.1 AA and the Nu HTML checker for validity.

Set GRADER_SCREENSHOTS=1 to also refresh the README screenshots in docs/img/ (taken
from the shipped bank).
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _export_tools import CHROMIUM, CHROMIUM_ARGS, NODE_MODULES, ROOT, need_path, need_program

from grader.bank import load_bank
from grader.export import export_bank
from grader.export._view import arrange

pytestmark = pytest.mark.browser

BANKS = {
    "all-types": ROOT / "tests/fixtures/banks/all-types.yaml",
    "showcase": ROOT / "tests/fixtures/banks/export-showcase.yaml",
    "hostile": ROOT / "tests/fixtures/banks/export-hostile.yaml",
    "shipped": ROOT / "quizzes/vanishing-gradients.yaml",
}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    need_path(Path(CHROMIUM), "Chromium (/usr/bin/chromium, Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def write(tmp_path: Path, name: str, fmt: str, seed: int | None = None) -> Path:
    out = tmp_path / f"{name}-{fmt}-{seed}.html"
    out.write_bytes(export_bank(load_bank(BANKS[name]), fmt, seed=seed).data)
    return out


class Page:
    """A page plus everything it did that a student would not want: console output,
    uncaught errors, dialogs and network requests."""

    def __init__(self, browser: Any, path: Path, *, js: bool = True) -> None:
        self.context = browser.new_context(java_script_enabled=js)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", on_dialog)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())

    def close(self) -> None:
        self.context.close()

    def axe(self) -> list[dict[str, Any]]:
        axe = need_path(NODE_MODULES / "axe-core/axe.min.js", "the npm package axe-core")
        self.page.add_script_tag(path=str(axe))
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
        )
        return [
            {"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"]][:3]}
            for v in result["violations"]
        ]

    def result(self, number: int) -> str:
        return str(self.page.inner_text(f"#q{number}-result")).strip()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    pages: list[Page] = []

    def opener(path: Path, *, js: bool = True) -> Page:
        page = Page(browser, path, js=js)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()


@pytest.mark.parametrize("name", ["all-types", "showcase", "shipped"])
@pytest.mark.parametrize("fmt", ["html", "html-key"])
def test_pages_load_cleanly_and_pass_axe(
    tmp_path: Path, open_page: Any, name: str, fmt: str
) -> None:
    page = open_page(write(tmp_path, name, fmt))
    assert page.console == []
    assert page.requests == [page.page.url]  # self-contained: nothing else is fetched
    assert page.page.evaluate("document.documentElement.lang") == "en"
    if fmt == "html":
        page.page.click("#check-all")  # feedback and results must be accessible too
    assert page.axe() == []
    assert page.console == []


def test_self_check_scores_like_the_grader(tmp_path: Path, open_page: Any) -> None:
    page = open_page(write(tmp_path, "all-types", "html"))
    p = page.page
    # multi, partial: one right pick earns half of 2 points, with per-choice feedback
    p.check("#q1 input[value=relu]")
    p.click("#q1 button")
    assert page.result(1).startswith("Partly correct: 1 of 2 points.")
    assert "ReLU and batch norm." in page.result(1)  # the explanation
    p.check("#q1 input[value=tanh]")
    p.click("#q1 button")
    assert page.result(1).startswith("Not correct: 0 of 2 points.")
    assert p.inner_text("#q1-tanh-fb") == "✗ tanh saturates too."
    assert p.inner_text("#q1-relu-fb").startswith("✓")
    # single
    p.check("#q2 input[value=B]")
    p.click("#q2 button")
    assert page.result(2).startswith("Correct: 1 of 1 point.")
    # true/false
    p.check("#q3 input[value=true]")
    p.click("#q3 button")
    assert page.result(3).startswith("Not correct")
    # numeric, with tolerance and scientific notation
    p.fill("#q4-in", "1.5e-3")
    p.press("#q4-in", "Enter")  # Enter submits: keyboard users need no mouse
    assert page.result(4).startswith("Correct")
    p.fill("#q4-in", "0.0016")
    p.press("#q4-in", "Enter")
    assert page.result(4).startswith("Not correct")
    # text: exact (case and spaces folded) and regex
    p.fill("#q5-in", "  Rectified   Linear Unit ")
    p.press("#q5-in", "Enter")
    assert page.result(5).startswith("Correct")
    p.fill("#q6-in", "re lu")
    p.press("#q6-in", "Enter")
    assert page.result(6).startswith("Correct")
    # matching: one right of two
    shown = arrange(load_bank(BANKS["all-types"]), None).questions
    derivs = next(v for v in shown if v.number == 7)
    p.select_option("#q7-0", str(derivs.rights.index("0.25")))  # sigmoid: right
    p.select_option("#q7-1", str(derivs.rights.index("0.5")))  # tanh: wrong (it is 1)
    p.click("#q7 button")
    assert page.result(7).startswith("Partly correct: 0.5 of 1 point.")
    # ordering: shown scrambled; give every item its true position
    view = next(v for v in shown if v.number == 8)
    for i, item in enumerate(view.items):
        p.select_option(f"#q8-{i}", str(view.q.items.index(item) + 1))
    p.click("#q8 button")
    assert page.result(8).startswith("Correct: 1 of 1 point.")
    # cloze: one blank right
    p.fill("#q9-b1", "1.005e-10")
    p.fill("#q9-b2", "tanh")
    p.click("#q9 button")
    assert page.result(9).startswith("Partly correct: 0.5 of 1 point.")
    assert p.get_attribute("#q9-b2", "aria-invalid") == "true"
    assert p.inner_text("#q9-b1-fb") == "✓" and p.inner_text("#q9-b2-fb") == "✗"
    assert p.inner_text("#total") == (
        "Score so far: 5 of 10 points (9 of 9 questions checked)."
    )  # 0 + 1 + 0 + 0 + 1 + 1 + 0.5 + 1 + 0.5
    assert page.console == []


def test_a_seeded_page_answered_from_its_key_scores_full_marks(
    tmp_path: Path, open_page: Any
) -> None:
    seed = 7
    key = open_page(write(tmp_path, "all-types", "html-key", seed))
    marked = {}  # question number -> the letters the key marks correct
    for n in range(1, 10):
        letters = key.page.eval_on_selector_all(
            f"#q{n} .choices li",
            "lis => lis.filter(li => li.querySelector('.correct-mark'))"
            ".map(li => li.querySelector('.letter').textContent.replace('.', ''))",
        )
        if letters:
            marked[n] = letters
    page = open_page(write(tmp_path, "all-types", "html", seed))
    p = page.page
    view = arrange(load_bank(BANKS["all-types"]), seed)
    for v in view.questions:
        n, q = v.number, v.q
        if v.type in ("single", "multi"):
            boxes = p.query_selector_all(f"#q{n} .choices input")
            for letter in marked[n]:  # the key's letters, applied to the page's order
                boxes["ABCDEFGH".index(letter)].check()
        elif v.type == "true_false":
            p.check(f"#q{n} input[value={str(q.key()).lower()}]")
        elif v.type in ("numeric", "text"):
            p.fill(f"#q{n}-in", str(q.key()))
        elif v.type == "matching":
            for i, left in enumerate(v.lefts):
                p.select_option(f"#q{n}-{i}", str(v.rights.index(q.key()[left])))
        elif v.type == "ordering":
            for i, item in enumerate(v.items):
                p.select_option(f"#q{n}-{i}", str(q.key().index(item) + 1))
        elif v.type == "cloze":
            for i, value in enumerate(q.key(), 1):
                p.fill(f"#q{n}-b{i}", str(value))
    p.click("#check-all")
    assert p.inner_text("#total") == "Score so far: 10 of 10 points (9 of 9 questions checked)."


def _random_response(q: Any, rng: random.Random) -> Any:
    """A plausible response, right or wrong, as an answers file would give it."""
    key = q.key()
    if q.type == "single":
        return rng.choice([c.key for c in q.choices])
    if q.type == "multi":
        keys = [c.key for c in q.choices]
        return rng.sample(keys, rng.randint(1, len(keys)))
    if q.type == "true_false":
        return rng.choice([True, False])
    if q.type == "numeric":
        slack = max(q.answer.tolerance, q.answer.rel_tolerance * abs(key))
        return key + rng.choice([0.0, 0.5, -0.9, 2.0, -3.0]) * slack + rng.choice([0.0, 0.0, 1e-3])
    if q.type == "text":
        return rng.choice([*q.answer.accept, key.upper(), " " + key + " ", "sigmoid", "re-lu"])
    if q.type == "matching":
        return {left: rng.choice(q.rights) for left, _ in q.pairs}
    if q.type == "ordering":
        return rng.sample(q.items, len(q.items))
    if q.type == "cloze":
        return [
            rng.choice([k, "7", "tanh"]) if isinstance(k, str) else k * rng.choice([1, 1.001, 2])
            for k in key
        ]
    raise AssertionError(q.type)


def _answer(p: Any, v: Any, response: Any) -> None:
    """Enter ``response`` into question ``v`` of the student page, as a student would."""
    n, q = v.number, v.q
    if v.type in ("single", "multi"):
        picked = {response} if v.type == "single" else set(response)
        for c in v.choices:
            box = p.locator(f"#q{n} input[value='{c.key}']")
            if c.key in picked:
                box.check()
            elif v.type == "multi":
                box.uncheck()
    elif v.type == "true_false":
        p.check(f"#q{n} input[value={str(response).lower()}]")
    elif v.type in ("numeric", "text"):
        p.fill(f"#q{n}-in", str(response))
    elif v.type == "matching":
        for i, left in enumerate(v.lefts):
            p.select_option(f"#q{n}-{i}", str(v.rights.index(response[left])))
    elif v.type == "ordering":
        for i, item in enumerate(v.items):
            p.select_option(f"#q{n}-{i}", str(response.index(item) + 1))
    elif v.type == "cloze":
        for i, value in enumerate(response, 1):
            p.fill(f"#q{n}-b{i}", str(value))
    else:
        raise AssertionError(q.type)


def test_page_scores_agree_with_the_grader_on_random_answers(
    tmp_path: Path, open_page: Any
) -> None:
    bank = load_bank(BANKS["all-types"])
    view = arrange(bank, 4)
    page = open_page(write(tmp_path, "all-types", "html", seed=4))
    rng = random.Random(2024)
    for _ in range(6):
        for v in view.questions:
            response = _random_response(v.q, rng)
            _answer(page.page, v, response)
            page.page.click(f"#q{v.number} button")
            shown = re.match(r"[A-Za-z ]+: ([\d.]+) of", page.result(v.number))
            assert shown, page.result(v.number)
            expected = v.q.score(v.q.parse_response(response))
            assert float(shown.group(1)) == pytest.approx(round(expected, 2)), (v.q.id, response)
    assert page.console == []


def test_hostile_bank_runs_no_script(tmp_path: Path, open_page: Any) -> None:
    for fmt in ("html", "html-key"):
        page = open_page(write(tmp_path, "hostile", fmt))
        if fmt == "html":
            page.page.check("#q1 input >> nth=0")
            page.page.fill("#q2-in", "</script><script>alert('answer')</script>")
            page.page.click("#check-all")
            assert "Correct" in page.result(2)
        page.page.hover("text=a")
        page.page.wait_for_timeout(100)
        assert page.dialogs == []
        assert page.console == []
        assert page.page.evaluate("document.scripts.length") == (2 if fmt == "html" else 0)
        assert (
            page.page.evaluate("document.querySelectorAll('[onerror],[onload],img,svg').length")
            == 0
        )


def test_keyboard_focus_is_visible_and_reaches_check(tmp_path: Path, open_page: Any) -> None:
    page = open_page(write(tmp_path, "all-types", "html"))
    p = page.page
    p.keyboard.press("Tab")  # the skip link comes first
    assert p.evaluate("document.activeElement.className") == "skip"
    p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.name") == "q1"
    style = p.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert style not in ("none", "")
    p.keyboard.press("Space")
    assert p.evaluate("document.activeElement.checked") is True
    for _ in range(4):  # past the other three checkboxes to the Check button
        p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.textContent") == "Check question 1"
    p.keyboard.press("Enter")
    assert page.result(1).startswith("Not correct")  # tanh alone: a wrong pick


def test_without_javascript_it_is_a_plain_printable_quiz(tmp_path: Path, open_page: Any) -> None:
    page = open_page(write(tmp_path, "all-types", "html"), js=False)
    p = page.page
    assert p.locator("fieldset").count() == 9
    assert p.locator("legend").count() == 9
    assert p.locator("button:visible").count() == 0  # Check buttons need JavaScript
    p.check("#q2 input[value=B]")  # inputs still work (for filling in on screen)


def test_print_keeps_questions_whole_and_hides_controls(tmp_path: Path, open_page: Any) -> None:
    for fmt, selector in (("html", "fieldset"), ("html-key", "section.question")):
        page = open_page(write(tmp_path, "all-types", fmt))
        p = page.page
        p.emulate_media(media="print")
        assert p.evaluate(
            f"getComputedStyle(document.querySelector('{selector}')).breakInside"
        ) == ("avoid")
        if fmt == "html":
            assert p.locator("button:visible").count() == 0
        pdf = p.pdf()
        assert pdf.startswith(b"%PDF")


def test_a_wrong_check_shows_the_right_answer(tmp_path: Path, open_page: Any) -> None:
    page = open_page(write(tmp_path, "all-types", "html"))
    p = page.page
    view = {v.q.id: v for v in arrange(load_bank(BANKS["all-types"]), None).questions}
    p.check("#q1 input[value=tanh]")
    p.click("#q1 button")
    kaylee = view["kaylee"]
    rights = [f"{kaylee.letter(i)}. {c.text}" for i, c in enumerate(kaylee.choices) if c.correct]
    assert f"The right answer: {'; '.join(rights)}" in page.result(1)
    p.fill("#q4-in", "7")
    p.press("#q4-in", "Enter")
    assert "The right answer: 0.0015" in page.result(4)
    p.check("#q2 input[value=B]")  # right: no answer line
    p.click("#q2 button")
    assert page.result(2).startswith("Correct") and "right answer" not in page.result(2)


def test_print_lists_the_options_of_matching_questions(tmp_path: Path, open_page: Any) -> None:
    """On paper a drop-down shows only "Choose…": the options must be printed beside it."""
    page = open_page(write(tmp_path, "all-types", "html"))
    p = page.page
    view = next(v for v in arrange(load_bank(BANKS["all-types"]), None).questions if v.number == 7)
    listed = [f"{view.letter(i)}. {right}" for i, right in enumerate(view.rights)]
    assert p.locator("#q7 .options").is_hidden()  # on screen the drop-downs say it
    p.emulate_media(media="print")
    assert p.locator("#q7 .options").is_visible()
    assert p.locator("#q7 .options li").all_inner_texts() == listed


@pytest.mark.parametrize("width", [1280, 390])
def test_matching_drop_downs_stay_on_the_page(tmp_path: Path, open_page: Any, width: int) -> None:
    page = open_page(write(tmp_path, "shipped", "html"))
    p = page.page
    p.set_viewport_size({"width": width, "height": 800})
    outside = p.evaluate(
        """() => [...document.querySelectorAll('select')].filter(s => {
             const box = s.getBoundingClientRect();
             const frame = s.closest('fieldset').getBoundingClientRect();
             return box.right > frame.right + 0.5 || box.left < frame.left - 0.5;
           }).map(s => s.id)"""
    )
    assert outside == []
    assert p.evaluate("document.documentElement.scrollWidth") <= width


def test_nu_html_checker_finds_no_errors(tmp_path: Path) -> None:
    java = need_program("java")
    jar = need_path(NODE_MODULES / "vnu-jar/build/dist/vnu.jar", "the npm package vnu-jar")
    files = [str(write(tmp_path, name, fmt)) for name in BANKS for fmt in ("html", "html-key")]
    files.append(str(write(tmp_path, "all-types", "html", seed=3)))
    proc = subprocess.run(  # one JVM for every page: starting Java costs seconds
        [java, "-jar", str(jar), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]
    assert [(m.get("url", "").rsplit("/", 1)[-1], m["message"]) for m in messages] == []
    assert proc.returncode == 0


def test_screenshots_of_the_shipped_bank(tmp_path: Path, open_page: Any) -> None:
    """The README's pictures: the student page after a check, and the key."""
    target = ROOT / "docs/img" if os.environ.get("GRADER_SCREENSHOTS") else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    page = open_page(write(tmp_path, "shipped", "html"))
    p = page.page
    p.set_viewport_size({"width": 900, "height": 1100})
    p.locator("#q1 input").first.check()
    p.click("#q1 button")
    p.locator("#q1").scroll_into_view_if_needed()
    p.evaluate("window.scrollTo(0, 0)")
    p.screenshot(path=str(target / "export-student.png"))
    key = open_page(write(tmp_path, "shipped", "html-key"))
    key.page.set_viewport_size({"width": 900, "height": 1100})
    key.page.screenshot(path=str(target / "export-key.png"))
    for name in ("export-student.png", "export-key.png"):
        assert (target / name).read_bytes().startswith(b"\x89PNG")
