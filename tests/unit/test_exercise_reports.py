"""Exercise reporters: JUnit valid against the XSD, Gradescope against its schema, HTML safe."""

from __future__ import annotations

import json

import jsonschema
import pytest
from published_schemas import need_schema

from grader.exercise import text
from grader.report.model import Attachment, Result, TestResult
from grader.report.registry import render

NASTY = '<script>alert(1)</script> & \x00\x07 \ud7ff ]]> "quotes"'


def _result() -> Result:
    statuses = ["passed", "failed", "error", "timeout", "memory", "crashed"]
    tests = [
        TestResult(
            name=f"test {s} {NASTY}",
            id=f"hidden::test_{s}",
            score=1.0 if s == "passed" else 0.0,
            max_score=1.0,
            status=s,  # type: ignore[arg-type]
            message=f"{s}: {NASTY}",
            visibility="after_published" if s == "memory" else "hidden",
            duration_s=0.0123456,
            attachments=[
                Attachment(
                    "svg",
                    "norms",
                    "<svg xmlns='http://www.w3.org/2000/svg'><script>x()</script></svg>",
                )
            ],
        )
        for s in statuses
    ]
    return Result(
        kind="exercise",
        id="sigmoid-basics",
        student="alice <b>",
        score=1.0,
        max_score=6.0,
        status="failed",
        duration_s=1.23456,
        tests=tests,
        title="Sigmoid",
        isolation="namespaces",
        output=f"printed by the student {NASTY}",
    )


def test_junit_is_valid_against_the_jenkins_schema() -> None:
    etree = pytest.importorskip("lxml.etree")
    schema = etree.XMLSchema(etree.parse(str(need_schema("junit/junit-10.xsd"))))
    xml = render(_result(), "junit")
    doc = etree.fromstring(xml.encode())
    assert schema.validate(doc), schema.error_log
    cases = doc.findall(".//testcase")
    assert len(cases) == 6
    assert len(doc.findall(".//failure")) == 1
    assert sorted(e.get("type") for e in doc.findall(".//error")) == [
        "crashed",
        "error",
        "memory",
        "timeout",
    ]
    assert (
        doc.find("testsuite").get("failures") == "1" and doc.find("testsuite").get("errors") == "4"
    )


def test_gradescope_is_valid_against_its_schema() -> None:
    schema = json.loads(need_schema("gradescope/results.schema.json").read_text())
    data = json.loads(render(_result(), "gradescope"))
    jsonschema.validate(data, schema)
    assert data["score"] == 1.0
    assert [t["status"] for t in data["tests"]].count("passed") == 1
    assert data["tests"][3]["output"].startswith("Timed out")
    assert data["tests"][4]["visibility"] == "after_published"


def test_html_escapes_everything_and_embeds_figures_as_images() -> None:
    page = render(_result(), "html")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count('<img src="data:image/svg+xml;base64,') == 6
    assert "alice &lt;b&gt;" in page


def test_json_keeps_the_contract_keys() -> None:
    data = json.loads(render(_result(), "json"))
    assert {"kind", "id", "student", "score", "max_score", "status", "duration_s", "tests"} <= set(
        data
    )
    assert data["isolation"] == "namespaces"
    assert {t["status"] for t in data["tests"]} == {
        "passed",
        "failed",
        "error",
        "timeout",
        "memory",
        "crashed",
    }


def test_text_never_says_all_passed_while_hidden_tests_remain() -> None:
    result = _result()
    result.tests = [t for t in result.tests if t.status == "passed"]
    result.status = "passed"
    out = text.render(result, hidden_left=5)
    assert "All 1 public tests passed. This is not your grade: 5 more tests run" in out
    out = text.render(result, hidden_left=0)
    assert "more tests may run" in out
    assert "Score: 1/6" in text.render(result)
