"""The class report of grade-all in a real headless Chromium: valid HTML5 (Nu checker),
WCAG 2.1 AA (axe-core), self-contained, and no script runs whatever students wrote."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _export_tools import CHROMIUM, CHROMIUM_ARGS, NODE_MODULES, need_path, need_program

from grader.batch import class_report

pytestmark = pytest.mark.browser

HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=alert(1)> & \"'"
STATUSES = ["passed", "failed", "error", "timeout", "memory", "crashed"]


def _tests(n: int, status: str) -> list[dict[str, Any]]:
    return [
        {
            "name": f"test {k} {HOSTILE}",
            "status": "passed" if (n + k) % 3 else status,
            "message": f"wrong at {k}: {HOSTILE}",
        }
        for k in range(4)
    ]


def rows() -> list[dict[str, Any]]:
    out = []
    for n in range(30):
        status = STATUSES[n % len(STATUSES)]
        out.append(
            {
                "student": f"s{n:02d}",
                "score": float(n % 13),
                "max_score": 12.0,
                "status": status,
                "duration_s": 0.1 * n,
                "reason": HOSTILE if status == "error" else "",
                "tests": _tests(n, status),
            }
        )
    return out


def report(tmp_path: Path) -> Path:
    path = tmp_path / "class-report.html"
    path.write_text(class_report.render(f"Sigmoid {HOSTILE}", "sigmoid-basics", rows()))
    return path


def test_the_report_has_every_section(tmp_path: Path) -> None:
    html = report(tmp_path).read_text()
    for heading in ("Score distribution", "Pass rate per test", "Most common failures",
                    "Slowest submissions"):  # fmt: skip
        assert f">{heading}</h2>" in html
    assert html.count("<svg") == 2 and "<script>" not in html and "&lt;script&gt;" in html


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    need_path(Path(CHROMIUM), "Chromium (/usr/bin/chromium, Debian package chromium)")
    from playwright.sync_api import sync_playwright

    path = report(tmp_path_factory.mktemp("class"))
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
    assert tab.title().startswith("Class report: Sigmoid <script>")
    assert [e for e in events if not e.startswith("request: file://")] == []
    assert tab.evaluate("document.querySelectorAll('script, img').length") == 0
    assert tab.locator("svg rect").count() > 10


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
