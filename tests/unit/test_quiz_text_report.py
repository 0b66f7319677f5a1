"""The text reporter on both kinds of Result: quiz attempts and exercises."""

from __future__ import annotations

from grader.report.model import Result, TestResult
from grader.report.registry import render as render_any
from grader.report.text_report import render


def exercise_result() -> Result:
    return Result(
        kind="exercise",
        id="sigmoid-chain",
        student="alice",
        score=7.0,
        max_score=10.0,
        status="failed",
        duration_s=0.4,
        isolation="namespaces",
        tests=[
            TestResult("derivative matches autograd", 5.0, 5.0, "passed"),
            TestResult(
                "chain of ten layers",
                0.0,
                3.0,
                "failed",
                message="expected 1e-10, got 0.1",
                visibility="hidden",
                output="print from student code",
            ),
            TestResult("runs in time", 2.0, 2.0, "passed"),
        ],
        output="student stdout line",
    )


def test_exercise_report_lists_failures_with_messages_and_output() -> None:
    text = render(exercise_result(), color=False, columns=80)
    assert "FAILED" in text and "Score 7 / 10" in text and "(70%)" in text
    assert "chain of ten layers (hidden)" in text
    assert "expected 1e-10, got 0.1" in text
    assert "print from student code" in text and "student stdout line" in text
    assert "isolation: namespaces" in text
    assert "\x1b[" not in text
    assert all(len(line) <= 80 for line in text.splitlines())


def test_quiz_report_shows_tags_and_what_to_review() -> None:
    result = Result(
        kind="quiz",
        id="q",
        student=None,
        score=1.0,
        max_score=2.0,
        status="failed",
        duration_s=1.0,
        extra={"pass_mark": 0.5},
        tests=[
            TestResult(
                "a", 1.0, 1.0, "passed", tags=["t1"], response="B", extra={"type": "single"}
            ),
            TestResult(
                "b",
                0.0,
                1.0,
                "failed",
                tags=["t2"],
                response="A",
                expected="B",
                extra={
                    "type": "single",
                    "response_text": "1",
                    "expected_text": "1/4",
                    "explanation": "The max of $\\sigma'$ is $\\frac{1}{4}$.",
                },
            ),
        ],
    )
    text = render(result, color=False, columns=60)
    assert "By tag" in text and "t1" in text and "t2" in text
    assert "To review" in text and "your answer: 1" in text and "answer: 1/4" in text
    assert "The max of σ′ is 1/4." in text
    assert "pass mark 50%" in text


def test_colour_follows_no_color(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in render_any(exercise_result(), "text")
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in render_any(exercise_result(), "text")
