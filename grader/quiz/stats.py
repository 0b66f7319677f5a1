"""`grader quiz stats BANK RESULTS...`: classical item analysis over quiz attempts.

The statistics follow the definitions of Moodle's quiz statistics report (docs/instructor-
guide.md spells out every formula):

- per test: n, mean, median, SD, skewness and excess kurtosis of the total score (sample
  estimators), Cronbach's alpha (reported as KR-20 when every item is scored 0 or full),
  error ratio sqrt(1 - alpha) and standard error of measurement SD * sqrt(1 - alpha);
- per question: facility (mean fraction of the points earned: high = easy), its SD,
  discrimination as the item-rest correlation (the corrected point-biserial), the 27 %
  upper-lower index, discriminative efficiency, intended and effective weight, alpha if the
  item were deleted, and the same per variant for parametrized questions;
- per choice: how often it was chosen overall and by the top and bottom thirds of attempts;
- flags with a reason for items worth a second look.

Pure computation: loading is here, rendering lives in ``stats_render``.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from grader.bank import load_bank
from grader.bank.model import Bank, Question
from grader.errors import EXIT_OK, BadInput
from grader.quiz.describe import describe_response
from grader.resources import resolve_bank

# Thresholds for the flags; the instructor guide lists them.
TOO_EASY = 0.95
TOO_HARD = 0.2
LOW_DISCRIMINATION = 0.1
STRONG_PICK_MARGIN = 0.05  # top third picks a distractor this much more often than the bottom
CHOICE_TYPES = ("single", "multi", "true_false")


@dataclass
class Flag:
    code: str  # stable, for scripts: too-easy, negative-discrimination, dead-distractor, ...
    reason: str  # for people


@dataclass
class ChoiceStats:
    key: str
    text: str
    correct: bool
    chosen: int
    share: float | None  # fraction of the attempts at the question that chose it
    top_share: float | None  # ... among the top third (by total score)
    bottom_share: float | None  # ... among the bottom third


@dataclass
class VariantStats:
    variant: str
    n: int
    facility: float | None
    discrimination: float | None


@dataclass
class ItemStats:
    id: str
    type: str
    points: float
    n: int
    answered: int
    mean_score: float | None
    difficulty: float | None  # mean fraction earned, 0..1 (kept: the facility)
    discrimination: float | None  # item-rest correlation (corrected point-biserial), -1..1
    upper_lower: float | None  # mean fraction of the top 27 % minus that of the bottom 27 %
    wrong_answers: list[tuple[str, int]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    flag: str = ""  # the first flag in short words (kept for older scripts)
    facility: float | None = None
    sd: float | None = None  # sample SD of the fraction earned
    discriminative_efficiency: float | None = None
    intended_weight: float | None = None  # points / maximum of the test
    effective_weight: float | None = None  # share of the total's spread it carries
    alpha_if_deleted: float | None = None
    choices: list[ChoiceStats] = field(default_factory=list)
    variants: list[VariantStats] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)


@dataclass
class TestStats:
    n: int
    max_score: float
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None  # excess kurtosis: 0 for a normal distribution
    reliability: float | None  # Cronbach's alpha (equal to KR-20 on 0/1 items)
    reliability_method: str  # "KR-20" or "Cronbach's alpha"
    complete: int  # attempts that had every question: the ones alpha is computed on
    error_ratio: float | None  # sqrt(1 - alpha)
    sem: float | None  # standard error of measurement, in points
    scores: list[float] = field(default_factory=list)  # every total, for the histogram

    __test__ = False  # not a pytest class


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
    test: TestStats | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for item in data["items"]:
            item["wrong_answers"] = [{"answer": a, "count": c} for a, c in item["wrong_answers"]]
        return data


# -- the formulas ----------------------------------------------------------------------------


def mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs)


def variance(xs: Sequence[float]) -> float | None:
    """Sample variance (n - 1), None below two values."""
    if len(xs) < 2:
        return None
    m = mean(xs)
    return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)


def covariance(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) < 2:
        return None
    mx, my = mean(xs), mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (len(xs) - 1)


def median(xs: Sequence[float]) -> float:
    s = sorted(xs)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


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


def skewness(xs: Sequence[float]) -> float | None:
    """Adjusted Fisher-Pearson G1 (what spreadsheets and Moodle report)."""
    n, var = len(xs), variance(xs)
    if n < 3 or not var or var <= 1e-12:
        return None
    m, s = mean(xs), math.sqrt(var)
    return n / ((n - 1) * (n - 2)) * sum(((x - m) / s) ** 3 for x in xs)


def kurtosis(xs: Sequence[float]) -> float | None:
    """Sample excess kurtosis G2."""
    n, var = len(xs), variance(xs)
    if n < 4 or not var or var <= 1e-12:
        return None
    m, s = mean(xs), math.sqrt(var)
    fourth = sum(((x - m) / s) ** 4 for x in xs)
    return n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * fourth - 3 * (n - 1) ** 2 / (
        (n - 2) * (n - 3)
    )


def cronbach_alpha(columns: Sequence[Sequence[float]]) -> float | None:
    """k / (k - 1) * (1 - sum of item variances / variance of the totals)."""
    k = len(columns)
    if k < 2 or len(columns[0]) < 2:
        return None
    totals = [sum(row) for row in zip(*columns, strict=True)]
    total_var = variance(totals)
    if not total_var or total_var <= 1e-12:
        return None
    item_var = sum(variance(c) or 0.0 for c in columns)
    return k / (k - 1) * (1 - item_var / total_var)


def discriminative_efficiency(item: Sequence[float], rest: Sequence[float]) -> float | None:
    """The item-rest covariance over the largest one these two sets of values allow:
    the covariance when both are sorted the same way."""
    cov = covariance(item, rest)
    best = covariance(sorted(item), sorted(rest))
    if cov is None or best is None or best <= 1e-12:
        return None
    return cov / best


def upper_lower(rows: list[tuple[float, float]]) -> float | None:
    """Kelley's index over (fraction, total) pairs: needs 4 or more attempts."""
    if len(rows) < 4:
        return None
    ranked = sorted(rows, key=lambda r: r[1])
    k = max(1, round(0.27 * len(ranked)))
    low = sum(f for f, _ in ranked[:k]) / k
    high = sum(f for f, _ in ranked[-k:]) / k
    return high - low


def thirds(totals: Sequence[float]) -> tuple[list[int], list[int]]:
    """Indices of the bottom and top thirds by total (ties keep attempt order)."""
    k = len(totals) // 3
    if k == 0:
        return [], []
    order = sorted(range(len(totals)), key=lambda i: totals[i])
    return order[:k], order[-k:]


# -- loading ---------------------------------------------------------------------------------


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


def _choice_label(question: Question, key: str) -> str:
    """A choice in words; by its id when drawn per variant (each student saw other numbers)."""
    if question.params is not None:
        return key
    return describe_response(question, key if question.type == "single" else [key])


def _wrong_labels(question: Question, response: Any) -> list[str]:
    """What to count as a wrong answer: each wrongly ticked choice, else the response."""
    if response is None:
        return []
    if question.type == "single" and question.params is not None:
        return [str(response)]
    if question.type == "multi":
        wrong = [c for c in question.choices if c.key in response and not c.correct]  # type: ignore[attr-defined]
        missed = [c for c in question.choices if c.key not in response and c.correct]  # type: ignore[attr-defined]
        return [f"ticked: {_choice_label(question, c.key)}" for c in wrong] + [
            f"missed: {_choice_label(question, c.key)}" for c in missed
        ]
    try:
        canonical = question.parse_response(response)
    except Exception:
        return [str(response)]
    return [describe_response(question, canonical)]


# -- analysis --------------------------------------------------------------------------------


@dataclass
class _Row:
    """One attempt at one question."""

    attempt: int
    fraction: float
    score: float
    total: float
    response: Any
    variant: str | None


def _choice_options(question: Question) -> list[tuple[str, str, bool]]:
    if question.type == "true_false":
        answer = bool(question.answer)  # type: ignore[attr-defined]
        return [("true", "true", answer), ("false", "false", not answer)]
    return [
        (c.key, _choice_label(question, c.key), c.correct) for c in getattr(question, "choices", [])
    ]


def _picked(question: Question, response: Any, key: str) -> bool:
    if response is None:
        return False
    if question.type == "true_false":
        return (response is True and key == "true") or (response is False and key == "false")
    if question.type == "multi":
        return isinstance(response, list) and key in response
    return bool(response == key)


def _choice_stats(question: Question, rows: list[_Row]) -> list[ChoiceStats]:
    if question.type not in CHOICE_TYPES:
        return []
    bottom, top = thirds([r.total for r in rows])
    out = []
    for key, text, correct in _choice_options(question):
        picks = [_picked(question, r.response, key) for r in rows]

        def share(indices: Sequence[int], picks: list[bool] = picks) -> float | None:
            return sum(picks[i] for i in indices) / len(indices) if indices else None

        out.append(
            ChoiceStats(
                key=key,
                text=text,
                correct=correct,
                chosen=sum(picks),
                share=share(range(len(rows))),
                top_share=share(top),
                bottom_share=share(bottom),
            )
        )
    return out


def _variant_stats(rows: list[_Row]) -> list[VariantStats]:
    groups: dict[str, list[_Row]] = {}
    for r in rows:
        if r.variant is not None:
            groups.setdefault(r.variant, []).append(r)
    out = []
    for variant in sorted(groups, key=lambda v: (len(v), v)):
        g = groups[variant]
        fr = [r.fraction for r in g]
        out.append(
            VariantStats(
                variant=variant,
                n=len(g),
                facility=mean(fr),
                discrimination=pearson(fr, [r.total - r.score for r in g]),
            )
        )
    return out


def analyse(bank: Bank, results: list[dict[str, Any]]) -> Analysis:
    per_question: dict[str, list[_Row]] = {q.id: [] for q in bank.questions}
    percents = []
    totals = []
    for index, data in enumerate(results):
        tests = {t.get("id"): t for t in data["tests"]}
        total = sum(float(t.get("score", 0)) for t in data["tests"])
        totals.append(total)
        maximum = float(data.get("max_score") or 0)
        if maximum:
            percents.append(100.0 * float(data.get("score", total)) / maximum)
        for qid, rows in per_question.items():
            test = tests.get(qid)
            if test is None:
                continue
            score, max_score = float(test.get("score", 0)), float(test.get("max_score") or 0)
            variant = test.get("variant")
            rows.append(
                _Row(
                    attempt=index,
                    fraction=score / max_score if max_score else 0.0,
                    score=score,
                    total=total,
                    response=test.get("response"),
                    variant=None if variant is None else str(variant),
                )
            )

    # Alpha and everything that needs the whole score matrix use the attempts that had
    # every question (a --limit draw leaves holes that would bias the variances).
    asked = [q for q in bank.questions if per_question[q.id]]
    by_attempt = {q.id: {r.attempt: r.score for r in per_question[q.id]} for q in asked}
    complete = [i for i in range(len(results)) if all(i in by_attempt[q.id] for q in asked)]
    columns = {q.id: [by_attempt[q.id][i] for i in complete] for q in asked}
    alpha = cronbach_alpha(list(columns.values())) if len(complete) >= 2 else None
    points = {q.id: q.points for q in asked}
    binary = all(
        abs(s) < 1e-9 or abs(s - points[qid]) < 1e-9 for qid, col in columns.items() for s in col
    )

    sqrt_covs: dict[str, float | None] = {}
    for q in asked:
        rows = per_question[q.id]
        cov = covariance([r.score for r in rows], [r.total for r in rows])
        sqrt_covs[q.id] = None if cov is None or cov < 0 else math.sqrt(cov)
    cov_sum = sum(v for v in sqrt_covs.values() if v is not None)
    max_score = bank.max_score

    items = []
    for q in bank.questions:
        rows = per_question[q.id]
        fractions = [r.fraction for r in rows]
        rests = [r.total - r.score for r in rows]
        facility = mean(fractions) if fractions else None
        wrong: Counter[str] = Counter()
        for r in rows:
            if r.fraction < 1.0 - 1e-9:
                wrong.update(_wrong_labels(q, r.response))
        var = variance(fractions)
        sqrt_cov = sqrt_covs.get(q.id)
        item = ItemStats(
            id=q.id,
            type=q.type,
            points=q.points,
            n=len(rows),
            answered=sum(1 for r in rows if r.response is not None),
            mean_score=facility * q.points if facility is not None else None,
            difficulty=facility,
            discrimination=pearson(fractions, rests),
            upper_lower=upper_lower([(r.fraction, r.total) for r in rows]),
            wrong_answers=wrong.most_common(3),
            tags=list(q.tags),
            facility=facility,
            sd=math.sqrt(var) if var is not None else None,
            discriminative_efficiency=discriminative_efficiency(fractions, rests),
            intended_weight=q.points / max_score if max_score else None,
            effective_weight=sqrt_cov / cov_sum if sqrt_cov is not None and cov_sum > 0 else None,
            alpha_if_deleted=(
                cronbach_alpha([c for k, c in columns.items() if k != q.id])
                if q.id in columns and len(columns) >= 3 and len(complete) >= 2
                else None
            ),
            choices=_choice_stats(q, rows),
            variants=_variant_stats(rows),
        )
        item.flags = flags_for(item, alpha)
        item.flag = _short_flag(item)
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
        test=_test_stats(totals, max_score, alpha, len(complete), binary),
    )


def _test_stats(
    totals: list[float],
    max_score: float,
    alpha: float | None,
    complete: int,
    binary: bool,
) -> TestStats:
    var = variance(totals)
    sd = math.sqrt(var) if var is not None else None
    error_ratio = math.sqrt(1 - alpha) if alpha is not None and alpha <= 1 else None
    return TestStats(
        n=len(totals),
        max_score=max_score,
        mean=mean(totals) if totals else None,
        median=median(totals) if totals else None,
        sd=sd,
        skewness=skewness(totals),
        kurtosis=kurtosis(totals),
        reliability=alpha,
        reliability_method="KR-20" if binary else "Cronbach's alpha",
        complete=complete,
        error_ratio=error_ratio,
        sem=sd * error_ratio if sd is not None and error_ratio is not None else None,
        scores=list(totals),
    )


def flags_for(item: ItemStats, alpha: float | None) -> list[Flag]:
    """Every reason to take a second look at an item, most serious first."""
    out: list[Flag] = []
    if item.n == 0:
        return [Flag("never-asked", "no attempt included this question")]
    d, f = item.discrimination, item.facility
    if d is not None and d < 0:
        out.append(
            Flag(
                "negative-discrimination",
                f"discrimination {d:.2f}: weaker students do better on it than stronger ones",
            )
        )
    elif d is not None and d < LOW_DISCRIMINATION:
        out.append(
            Flag("low-discrimination", f"discrimination {d:.2f}: it barely separates students")
        )
    if f is not None and f > TOO_EASY:
        out.append(Flag("too-easy", f"facility {f:.2f}: almost everyone earns full marks"))
    if f is not None and f < TOO_HARD:
        out.append(Flag("too-hard", f"facility {f:.2f}: almost nobody earns the points"))
    for c in item.choices:
        if c.correct:
            continue
        if c.chosen == 0:
            out.append(Flag("dead-distractor", f"nobody chose the wrong answer '{c.text}'"))
        elif (
            c.top_share is not None
            and c.bottom_share is not None
            and c.top_share - c.bottom_share > STRONG_PICK_MARGIN
        ):
            out.append(
                Flag(
                    "distractor-attracts-strong",
                    f"the wrong answer '{c.text}' is chosen by {c.top_share:.0%} of the top "
                    f"third but {c.bottom_share:.0%} of the bottom third",
                )
            )
    if alpha is not None and item.alpha_if_deleted is not None and item.alpha_if_deleted > alpha:
        out.append(
            Flag(
                "alpha-rises-without",
                f"alpha rises from {alpha:.3f} to {item.alpha_if_deleted:.3f} without it",
            )
        )
    return out


_SHORT = {
    "never-asked": "never asked",
    "negative-discrimination": "negative discrimination",
    "too-easy": "very easy",
    "too-hard": "very hard",
    "low-discrimination": "low discrimination",
}


def _short_flag(item: ItemStats) -> str:
    """The legacy one-phrase note: the first of the flags older scripts know."""
    codes = [f.code for f in item.flags]
    for code in (
        "never-asked",
        "too-easy",
        "too-hard",
        "negative-discrimination",
        "low-discrimination",
    ):
        if code in codes:
            return _SHORT[code]
    return ""


def main(
    *,
    bank: str,
    results: list[str],
    fmt: str = "text",
    output: str | None = None,
    no_color: bool = False,
    echo: Callable[..., None] = print,
) -> int:
    from grader.quiz import stats_render

    the_bank = load_bank(resolve_bank(bank))
    analysis = analyse(the_bank, load_results(results, the_bank))
    if fmt == "json":
        text = json.dumps(analysis.to_json(), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        text = stats_render.render_csv(analysis)
    elif fmt == "html":
        text = stats_render.render_html(analysis)
    else:
        from grader.report.style import color_wanted

        text = stats_render.render_text(
            analysis, color=not output and color_wanted(no_color=no_color)
        )
    if output:
        from grader.quiz.store import write_atomic

        write_atomic(Path(output), text)
    else:
        echo(text.rstrip("\n"))
    return EXIT_OK
