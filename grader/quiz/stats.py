"""`grader quiz stats BANK RESULTS...`: classical item analysis over quiz attempts.

Per question: n (attempts that included it), mean score, difficulty index p (mean
fraction of the points earned: high = easy), discrimination as the corrected
point-biserial correlation (the question's fraction against the rest of the score:
near 0 or negative means the question does not separate strong from weak students),
the upper-lower index (mean fraction among the 27 % best attempts minus among the 27 %
weakest, ranked by total score), and the most chosen wrong answers. Per tag: mean fraction.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from grader.bank import load_bank
from grader.bank.model import Bank, Question
from grader.errors import EXIT_OK, BadInput
from grader.quiz.describe import describe_response
from grader.resources import resolve_bank


@dataclass
class ItemStats:
    id: str
    type: str
    points: float
    n: int
    answered: int
    mean_score: float | None
    difficulty: float | None  # mean fraction earned, 0..1
    discrimination: float | None  # corrected point-biserial, -1..1
    upper_lower: float | None  # mean fraction of the top 27 % minus that of the bottom 27 %
    wrong_answers: list[tuple[str, int]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    flag: str = ""


@dataclass
class TagStats:
    tag: str
    questions: int
    difficulty: float | None


@dataclass
class Analysis:
    bank_id: str
    title: str
    attempts: int
    mean_percent: float | None
    items: list[ItemStats]
    tags: list[TagStats]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for item in data["items"]:
            item["wrong_answers"] = [{"answer": a, "count": c} for a, c in item["wrong_answers"]]
        return data


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None  # everyone scored the same: discrimination is undefined
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


def upper_lower(rows: list[tuple[float, float]]) -> float | None:
    """Kelley's index over (fraction, total) pairs: needs 4 or more attempts."""
    if len(rows) < 4:
        return None
    ranked = sorted(rows, key=lambda r: r[1])
    k = max(1, round(0.27 * len(ranked)))
    low = sum(f for f, _ in ranked[:k]) / k
    high = sum(f for f, _ in ranked[-k:]) / k
    return high - low


def load_results(paths: list[str], bank: Bank) -> list[dict[str, Any]]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(path.glob("*.json")))
        elif path.is_file():
            files.append(path)
        else:
            raise BadInput(f"{raw}: no such file or folder")
    results = []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BadInput(f"{path}: not a results JSON file ({exc})") from None
        if not isinstance(data, dict) or data.get("kind") != "quiz" or "tests" not in data:
            raise BadInput(f'{path}: not a quiz result (expected "kind": "quiz" and "tests")')
        if data.get("id") != bank.id:
            raise BadInput(f"{path}: a result of quiz '{data.get('id')}', not of '{bank.id}'")
        results.append(data)
    if not results:
        raise BadInput("no results files found")
    return results


def _wrong_labels(question: Question, response: Any) -> list[str]:
    """What to count as a wrong answer: each wrongly ticked choice, else the response."""
    if response is None:
        return []
    if question.type == "multi":
        wrong = [c for c in question.choices if c.key in response and not c.correct]  # type: ignore[attr-defined]
        missed = [c for c in question.choices if c.key not in response and c.correct]  # type: ignore[attr-defined]
        return [f"ticked: {describe_response(question, [c.key])}" for c in wrong] + [
            f"missed: {describe_response(question, [c.key])}" for c in missed
        ]
    try:
        canonical = question.parse_response(response)
    except Exception:
        return [str(response)]
    return [describe_response(question, canonical)]


def analyse(bank: Bank, results: list[dict[str, Any]]) -> Analysis:
    # per question: (fraction earned, rest of the score, response, total score)
    per_question: dict[str, list[tuple[float, float, Any, float]]] = {
        q.id: [] for q in bank.questions
    }
    percents = []
    for data in results:
        tests = {t.get("id"): t for t in data["tests"]}
        total = sum(float(t.get("score", 0)) for t in data["tests"])
        maximum = float(data.get("max_score") or 0)
        if maximum:
            percents.append(100.0 * float(data.get("score", total)) / maximum)
        for qid, rows in per_question.items():
            test = tests.get(qid)
            if test is None:
                continue
            score, max_score = float(test.get("score", 0)), float(test.get("max_score") or 0)
            fraction = score / max_score if max_score else 0.0
            rows.append((fraction, total - score, test.get("response"), total))
    items = []
    for q in bank.questions:
        rows = per_question[q.id]
        fractions = [f for f, _, _, _ in rows]
        difficulty = sum(fractions) / len(fractions) if fractions else None
        wrong: Counter[str] = Counter()
        for fraction, _, response, _ in rows:
            if fraction < 1.0 - 1e-9:
                wrong.update(_wrong_labels(q, response))
        item = ItemStats(
            id=q.id,
            type=q.type,
            points=q.points,
            n=len(rows),
            answered=sum(1 for _, _, r, _ in rows if r is not None),
            mean_score=difficulty * q.points if difficulty is not None else None,
            difficulty=difficulty,
            discrimination=pearson(fractions, [rest for _, rest, _, _ in rows]),
            upper_lower=upper_lower([(f, total) for f, _, _, total in rows]),
            wrong_answers=wrong.most_common(3),
            tags=list(q.tags),
        )
        item.flag = _flag(item)
        items.append(item)
    tags = []
    for tag in bank.tags:
        values = [i.difficulty for i in items if tag in i.tags and i.difficulty is not None]
        tags.append(TagStats(tag, len(values), sum(values) / len(values) if values else None))
    return Analysis(
        bank_id=bank.id,
        title=bank.title,
        attempts=len(results),
        mean_percent=sum(percents) / len(percents) if percents else None,
        items=items,
        tags=tags,
    )


def _flag(item: ItemStats) -> str:
    """A short note for the instructor on items worth a second look."""
    if item.n == 0:
        return "never asked"
    if item.difficulty is not None and item.difficulty > 0.95:
        return "very easy"
    if item.difficulty is not None and item.difficulty < 0.2:
        return "very hard"
    if item.discrimination is not None and item.discrimination < 0.1:
        return "low discrimination"
    return ""


def render_csv(analysis: Analysis) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["id", "type", "points", "n", "answered", "mean_score", "difficulty", "discrimination",
         "upper_lower", "top_wrong_answer", "top_wrong_count", "tags", "flag"]
    )  # fmt: skip
    for i in analysis.items:
        top = i.wrong_answers[0] if i.wrong_answers else ("", 0)
        writer.writerow(
            [i.id, i.type, f"{i.points:g}", i.n, i.answered, _num(i.mean_score), _num(i.difficulty),
             _num(i.discrimination), _num(i.upper_lower), top[0], top[1] or "", ";".join(i.tags),
             i.flag]
        )  # fmt: skip
    return buffer.getvalue()


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def render_text(analysis: Analysis, *, color: bool) -> str:
    from grader.report.style import Painter, terminal_width
    from grader.report.terminal_templates import render

    return render(
        "stats.txt.j2",
        paint=Painter(color),
        columns=terminal_width(),
        a=analysis,
        fmt=_num,
    )


def main(
    *,
    bank: str,
    results: list[str],
    fmt: str = "text",
    output: str | None = None,
    no_color: bool = False,
    echo: Callable[..., None] = print,
) -> int:
    the_bank = load_bank(resolve_bank(bank))
    analysis = analyse(the_bank, load_results(results, the_bank))
    if fmt == "json":
        text = json.dumps(analysis.to_json(), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        text = render_csv(analysis)
    else:
        from grader.report.style import color_wanted

        text = render_text(analysis, color=not output and color_wanted(no_color=no_color))
    if output:
        from grader.quiz.store import write_atomic

        write_atomic(Path(output), text)
    else:
        echo(text.rstrip("\n"))
    return EXIT_OK
