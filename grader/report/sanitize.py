"""Student-controlled text made safe for every report, before any reporter sees it.

Everything a submission sends back (printed output, exception types and messages, the
repr of values it returned, file names) can hold terminal escape sequences (clear the
screen, rewrite the score line, set the window title), carriage returns that overwrite
a line, bidirectional overrides that reorder what a reader sees, lone surrogates that
make UTF-8 encoders fail, and sheer size. ``clean`` turns each such character into a
visible escape (``\\x1b``), keeps newlines and tabs, and caps the length; ``result``
applies it to every string of a Result, so all reporters (text, JSON, JUnit, Gradescope,
HTML, CSV) get the same safe text.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar

from grader.report.model import Attachment, Result, TestResult

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (but \t and \n), DEL, C1 (CSI is \x9b)
    "\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff"  # zero-width, bidi
    "\ud800-\udfff]"  # lone surrogates: no encoder accepts them
)

LIMITS = {"message": 8_000, "name": 300, "output": 1_000_000, "attachment": 400_000}
DEFAULT_LIMIT = 2_000


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str, limit: int = DEFAULT_LIMIT) -> str:
    """Visible escapes for unsafe characters, and at most ``limit`` characters (plus a note)."""
    if type(text) is not str:
        text = str(text)
    extra = len(text) - limit
    if extra > 0:
        text = text[:limit]
    text = _UNSAFE.sub(_escape, text)
    if extra > 0:
        text += f" [... {extra:,} more characters]"
    return text


T = TypeVar("T")


def _deep(value: T, limit: int) -> T:
    if isinstance(value, str):
        return clean(value, limit)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {clean(str(k), 200): _deep(v, limit) for k, v in value.items()}  # type: ignore[return-value]
    if isinstance(value, list | tuple):
        return type(value)(_deep(v, limit) for v in value)  # type: ignore[return-value]
    return value


def _attachment(a: Attachment) -> Attachment:
    return dataclasses.replace(
        a, title=clean(a.title, LIMITS["name"]), content=clean(a.content, LIMITS["attachment"])
    )


def _test(t: TestResult) -> TestResult:
    return dataclasses.replace(
        t,
        name=clean(t.name, LIMITS["name"]),
        id=None if t.id is None else clean(t.id, LIMITS["name"]),
        message=clean(t.message, LIMITS["message"]),
        output=clean(t.output, LIMITS["output"]),
        tags=[clean(tag, 100) for tag in t.tags],
        attachments=[_attachment(a) for a in t.attachments],
        response=_deep(t.response, LIMITS["message"]),
        expected=_deep(t.expected, LIMITS["message"]),
        extra=_deep(t.extra, DEFAULT_LIMIT),
    )


def result(r: Result) -> Result:
    """A copy of ``r`` with every string made safe (see the module docstring)."""
    return dataclasses.replace(
        r,
        id=clean(r.id, LIMITS["name"]),
        student=None if r.student is None else clean(r.student, LIMITS["name"]),
        title=clean(r.title, LIMITS["name"]),
        isolation=None if r.isolation is None else clean(r.isolation, 50),
        output=clean(r.output, LIMITS["output"]),
        tests=[_test(t) for t in r.tests],
        extra=_deep(r.extra, DEFAULT_LIMIT),
    )
