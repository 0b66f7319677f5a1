"""JUnit XML as pytest writes it (``--junitxml``), which GitLab and GitHub reporters read.

Valid against the Jenkins/Surefire ``junit-10.xsd``: a ``testsuites`` root holding one
``testsuite``; a failed test carries ``<failure>``, a test that errored, timed out, ran
out of memory or crashed carries ``<error type="...">`` (pytest's own split).
"""

from __future__ import annotations

import re
import socket
import time
import xml.etree.ElementTree as ET

from grader.report.model import Result, TestResult

# Characters XML 1.0 cannot hold at all; student output may contain any of them.
_INVALID_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _time(seconds: float | None) -> str:
    return f"{max(seconds or 0.0, 0.0):.3f}"


def render(result: Result) -> str:
    failures = sum(t.status == "failed" for t in result.tests)
    errors = sum(t.status not in ("passed", "failed") for t in result.tests)
    root = ET.Element(
        "testsuites",
        name="grader",
        tests=str(len(result.tests)),
        failures=str(failures),
        errors=str(errors),
        time=_time(result.duration_s),
    )
    suite = ET.SubElement(
        root,
        "testsuite",
        name=result.id,
        errors=str(errors),
        failures=str(failures),
        skipped="0",
        tests=str(len(result.tests)),
        time=_time(result.duration_s),
        timestamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime()),
        hostname=socket.gethostname(),
    )
    props = ET.SubElement(suite, "properties")
    for name, value in _properties(result):
        ET.SubElement(props, "property", name=name, value=clean(value))
    for test in result.tests:
        _testcase(suite, result, test)
    if result.output:
        ET.SubElement(suite, "system-out").text = clean(result.output)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


def _properties(result: Result) -> list[tuple[str, str]]:
    props = [
        ("kind", result.kind),
        ("score", f"{result.score:g}"),
        ("max_score", f"{result.max_score:g}"),
        ("status", result.status),
    ]
    if result.student:
        props.append(("student", result.student))
    if result.isolation:
        props.append(("isolation", result.isolation))
    return props


def _testcase(suite: ET.Element, result: Result, test: TestResult) -> None:
    ident = test.id or test.name
    group, _, func = ident.rpartition("::")
    case = ET.SubElement(
        suite,
        "testcase",
        classname=clean(f"{result.id}.{group}" if group else result.id),
        name=clean(func or test.name),
        time=_time(test.duration_s),
    )
    summary = f"{test.name}: {test.score:g}/{test.max_score:g} points"
    message = clean(test.message.splitlines()[0] if test.message else test.status)
    if test.status == "failed":
        ET.SubElement(case, "failure", message=message).text = clean(f"{summary}\n{test.message}")
    elif test.status != "passed":
        ET.SubElement(case, "error", type=test.status, message=message).text = clean(
            f"{summary}\n{test.message}"
        )
    if test.output:
        ET.SubElement(case, "system-out").text = clean(test.output)
