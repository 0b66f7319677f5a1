"""`grader quiz stats` end to end on a simulated cohort written as results JSON files: the
text, JSON and CSV outputs agree, and the HTML report is self-contained, valid HTML5 (Nu
checker) and passes axe-core (WCAG 2.1 AA) in a real headless Chromium."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _export_tools import CHROMIUM, CHROMIUM_ARGS, NODE_MODULES, need_path, need_program
from click.testing import CliRunner

from grader.bank import load_bank_text
from grader.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from test_quiz_item_analysis import SEED, bank_yaml, simulate


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("cohort")
    bank_file = folder / "irt.yaml"
    bank_file.write_text(bank_yaml() + "\n", encoding="utf-8")
    bank = load_bank_text(bank_yaml(), name="irt.yaml")
    results = folder / "results"
    results.mkdir()
    for n, r in enumerate(simulate(bank, np.random.default_rng(SEED), n=150)):
        for t in r["tests"]:
            if t["id"] == "good-0":  # as if drawn per student from three variants
                t["variant"] = n % 3
        (results / f"{n:03}.json").write_text(json.dumps(r), encoding="utf-8")
    return bank_file, results


def stats(cohort: tuple[Path, Path], *args: str) -> str:
    bank, results = cohort
    out = CliRunner().invoke(main, ["quiz", "stats", str(bank), str(results), *args])
    assert out.exit_code == 0, out.output
    return out.output


def test_json_csv_and_text_agree(cohort: tuple[Path, Path]) -> None:
    data = json.loads(stats(cohort, "--format", "json"))
    assert data["test"]["n"] == 150 and data["test"]["reliability_method"] == "KR-20"
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(stats(cohort, "--format", "csv")))}
    text = stats(cohort, "--no-color")
    for item in data["items"]:
        row = rows[item["id"]]
        assert float(row["facility"]) == pytest.approx(item["facility"], abs=5e-4)
        assert float(row["discrimination"]) == pytest.approx(item["discrimination"], abs=5e-4)
        assert row["flags"] == ";".join(f["code"] for f in item["flags"])
    assert "negative-discrimination" in rows["negative"]["flags"]
    assert "KR-20" in text and "SEM" in text and "Flags" in text and "Choices" in text
    assert "dead-distractor: nobody chose the wrong answer 'answer D'" in text


@pytest.fixture(scope="module")
def report(cohort: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "stats.html"
    stats(cohort, "--format", "html", "-o", str(path))
    return path


@pytest.fixture(scope="module")
def page(report: Path) -> Iterator[tuple[Any, list[str]]]:
    need_path(Path(CHROMIUM), "Chromium (/usr/bin/chromium, Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        events: list[str] = []
        tab.on("console", lambda m: events.append(f"console: {m.text}"))
        tab.on("pageerror", lambda e: events.append(f"error: {e}"))
        tab.on("request", lambda r: events.append(f"request: {r.url[:40]}"))
        tab.goto(report.as_uri())
        tab.wait_for_load_state("load")
        yield tab, events
        browser.close()


@pytest.mark.browser
def test_html_report_is_self_contained_with_its_charts(page: tuple[Any, list[str]]) -> None:
    tab, events = page
    assert [e for e in events if not e.startswith("request: file:")] == []
    assert tab.locator("svg[role=img]").count() == 2 + 10  # scatter, histogram, 10 items
    assert tab.locator("svg circle").count() == 10  # one dot per question
    flagged = tab.locator("circle[fill='#b42318']").count()
    assert flagged >= 3  # the three planted items at least
    assert "negative-discrimination" in tab.inner_text("#item-8")
    assert "Per variant" in tab.inner_text("#item-1") and "Per variant" not in tab.inner_text(
        "#item-2"
    )
    titles = tab.eval_on_selector_all("rect > title", "ts => ts.map(t => t.textContent)")
    histogram_total = sum(int(t.split(": ")[-1]) for t in titles[:10])
    assert histogram_total == 150


@pytest.mark.browser
def test_html_report_passes_axe(page: tuple[Any, list[str]]) -> None:
    tab, _ = page
    tab.add_script_tag(path=str(need_path(NODE_MODULES / "axe-core/axe.min.js", "axe-core")))
    result = tab.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    )
    assert [(v["id"], v["help"], v["nodes"][0]["html"]) for v in result["violations"]] == []


@pytest.mark.browser
def test_html_report_is_valid_html5(report: Path) -> None:
    java = need_program("java")
    jar = need_path(NODE_MODULES / "vnu-jar/build/dist/vnu.jar", "the npm package vnu-jar")
    proc = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]
    assert [m["message"] for m in messages] == []


GUIDE = Path(__file__).resolve().parents[2] / "docs/item-analysis.md"


def test_the_documented_commands_run(tmp_path: Path) -> None:
    """Each `grader quiz stats` line of the guide, on results of the shipped bank."""
    import re
    import shlex

    results = tmp_path / "results"
    results.mkdir()
    for n, answers in enumerate(["what-is-it: early-tiny\n", "what-is-it: null\n"]):
        (tmp_path / f"a{n}.yaml").write_text(answers)
        CliRunner().invoke(
            main,
            ["quiz", "grade", "vanishing-gradients", str(tmp_path / f"a{n}.yaml"),
             "--format", "json", "-o", str(results / f"{n}.json")],
        )  # fmt: skip
    commands = [
        line.removeprefix("$ ").split("  #")[0].strip()
        for block in re.findall(r"```console\n(.*?)```", GUIDE.read_text(), re.S)
        for line in block.splitlines()
    ]
    assert len(commands) == 4
    for command in commands:
        args = shlex.split(command)[1:]
        proc = subprocess.run(
            [sys.executable, "-m", "grader", *args],
            capture_output=True, text=True, cwd=tmp_path, timeout=120,
        )  # fmt: skip
        assert proc.returncode == 0, (command, proc.stderr)
        if "-o" in args:
            assert (tmp_path / args[args.index("-o") + 1]).stat().st_size > 500
        else:
            assert "item analysis of 2 attempts" in proc.stdout
