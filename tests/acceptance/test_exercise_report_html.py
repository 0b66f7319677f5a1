"""The exercise HTML report in a real headless Chromium: valid HTML5 (Nu checker), WCAG 2.1
AA (axe-core), self-contained, and no script runs whatever the student printed."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _export_tools import CHROMIUM, CHROMIUM_ARGS, NODE_MODULES, need_path, need_program

from grader.exercise.api import bar_chart_svg
from grader.report.model import Attachment, Result, TestResult
from grader.report.registry import render

pytestmark = pytest.mark.browser

HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=alert(1)> & \"'"
STATUSES = ["passed", "failed", "error", "timeout", "memory", "crashed"]


def report(tmp_path: Path) -> Path:
    tests = [
        TestResult(
            name=f"test {status} {HOSTILE}",
            id=f"hidden::test_{status}",
            score=1.0 if status == "passed" else 0.25,
            max_score=1.0,
            status=status,  # type: ignore[arg-type]
            message=f"{status}: {HOSTILE}",
            visibility="hidden",
            attachments=[
                Attachment(
                    "svg", "norms", bar_chart_svg("norms", ["1", "2"], [0.25, 0.06], log=True)
                ),
                Attachment(
                    "svg", "hostile", f"<svg xmlns='http://www.w3.org/2000/svg'>{HOSTILE}</svg>"
                ),
                Attachment("text", "why", "each layer multiplies by at most 0.25"),
            ],
        )
        for status in STATUSES
    ]
    result = Result(
        kind="exercise",
        id="sigmoid-basics",
        student=f"alice {HOSTILE}",
        score=2.25,
        max_score=6.0,
        status="failed",
        duration_s=0.5,
        tests=tests,
        title="Sigmoid basics",
        isolation="namespaces",
        output=f"printed: {HOSTILE}\n",
    )
    path = tmp_path / "report.html"
    path.write_text(render(result, "html"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    need_path(Path(CHROMIUM), "Chromium (/usr/bin/chromium, Debian package chromium)")
    from playwright.sync_api import sync_playwright

    path = report(tmp_path_factory.mktemp("html"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        events: list[str] = []
        tab.on("console", lambda m: events.append(f"console: {m.text}"))
        tab.on("pageerror", lambda e: events.append(f"error: {e}"))
        tab.on("dialog", lambda d: (events.append(f"dialog: {d.message}"), d.dismiss()))
        tab.on("request", lambda r: events.append(f"request: {r.url[:40]}"))
        tab.goto(path.as_uri())
        tab.wait_for_load_state("load")
        yield tab, events
        browser.close()


def test_no_script_runs_and_nothing_is_fetched(page: Any) -> None:
    tab, events = page
    assert tab.title().startswith("sigmoid-basics")
    # Only the page itself and its data: images are requested; no dialog, no error.
    assert [e for e in events if not e.startswith(("request: file://", "request: data:"))] == []
    assert tab.locator("img").count() == 12
    assert tab.evaluate("document.querySelectorAll('script').length") == 0


def test_axe_finds_no_wcag_aa_violation(page: Any) -> None:
    tab, _ = page
    axe = need_path(NODE_MODULES / "axe-core/axe.min.js", "the npm package axe-core")
    tab.add_script_tag(path=str(axe))
    result = tab.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    )
    assert [(v["id"], v["help"]) for v in result["violations"]] == []


def test_nu_html_checker_finds_no_errors(tmp_path: Path) -> None:
    java = need_program("java")
    jar = need_path(NODE_MODULES / "vnu-jar/build/dist/vnu.jar", "the npm package vnu-jar")
    proc = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", str(report(tmp_path))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]
    assert [m["message"] for m in messages] == []
