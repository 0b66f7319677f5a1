"""Item analysis -> terminal table, CSV or a self-contained HTML report.

The HTML charts are inline SVG drawn by ``templates/report/stats.html.j2``; this module
only works out where each point and bar goes, so the template stays free of arithmetic.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from grader.quiz.stats import Analysis, ItemStats

LEGACY_COLUMNS = [
    "id", "type", "points", "n", "answered", "mean_score", "difficulty", "discrimination",
    "upper_lower", "top_wrong_answer", "top_wrong_count", "tags", "flag",
]  # fmt: skip
NEW_COLUMNS = [
    "facility", "sd", "discriminative_efficiency", "intended_weight", "effective_weight",
    "alpha_if_deleted", "flags",
]  # fmt: skip


def num(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def dash(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def render_csv(analysis: Analysis) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(LEGACY_COLUMNS + NEW_COLUMNS)
    for i in analysis.items:
        top = i.wrong_answers[0] if i.wrong_answers else ("", 0)
        writer.writerow(
            [i.id, i.type, f"{i.points:g}", i.n, i.answered, num(i.mean_score), num(i.difficulty),
             num(i.discrimination), num(i.upper_lower), top[0], top[1] or "", ";".join(i.tags),
             i.flag, num(i.facility), num(i.sd), num(i.discriminative_efficiency),
             num(i.intended_weight), num(i.effective_weight), num(i.alpha_if_deleted),
             ";".join(f.code for f in i.flags)]
        )  # fmt: skip
    return buffer.getvalue()


def render_text(analysis: Analysis, *, color: bool) -> str:
    from grader.report.style import Painter, terminal_width
    from grader.report.terminal_templates import render

    return render(
        "stats.txt.j2",
        paint=Painter(color),
        columns=terminal_width(),
        a=analysis,
        fmt=num,
        dash=dash,
        pct=pct,
    )


# -- charts ----------------------------------------------------------------------------------


@dataclass
class Dot:
    x: float
    y: float
    label: str
    flagged: bool


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


@dataclass
class Tick:
    at: float
    label: str


@dataclass
class Chart:
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    dots: list[Dot]
    bars: list[Bar]


def _frame(width: int, height: int) -> Chart:
    return Chart(width, height, 48, 16, width - 12, height - 36, [], [], [], [])


def scatter(items: list[ItemStats]) -> Chart:
    """Facility (x, 0..1) against discrimination (y, -1..1)."""
    c = _frame(420, 300)
    w, h = c.right - c.left, c.bottom - c.top
    c.x_ticks = [Tick(c.left + w * v, f"{v:g}") for v in (0, 0.25, 0.5, 0.75, 1)]
    c.y_ticks = [Tick(c.bottom - h * (v + 1) / 2, f"{v:g}") for v in (-1, -0.5, 0, 0.5, 1)]
    for i in items:
        if i.facility is None or i.discrimination is None:
            continue
        c.dots.append(
            Dot(
                round(c.left + w * i.facility, 1),
                round(c.bottom - h * (i.discrimination + 1) / 2, 1),
                i.id,
                bool(i.flags),
            )
        )
    return c


def histogram(scores: list[float], max_score: float, bins: int = 10) -> Chart:
    c = _frame(420, 240)
    w, h = c.right - c.left, c.bottom - c.top
    top = max_score or max(scores, default=1.0) or 1.0
    counts = [0] * bins
    for s in scores:
        counts[min(bins - 1, max(0, int(bins * s / top)))] += 1
    most = max(counts) or 1
    step = w / bins
    for b, count in enumerate(counts):
        height = h * count / most
        lo, hi = top * b / bins, top * (b + 1) / bins
        c.bars.append(
            Bar(
                round(c.left + b * step + 1, 1),
                round(c.bottom - height, 1),
                round(step - 2, 1),
                round(height, 1),
                f"{lo:.3g}–{hi:.3g}",
                str(count),
            )
        )
    c.x_ticks = [Tick(c.left + w * v, f"{top * v:.3g}") for v in (0, 0.5, 1)]
    c.y_ticks = [Tick(c.bottom - h * v, f"{most * v:.3g}") for v in (0, 0.5, 1)]
    return c


def choice_bars(item: ItemStats) -> Chart:
    """Per choice three bars: share chosen by the bottom third, everyone, the top third."""
    c = _frame(420, 200)
    w, h = c.right - c.left, c.bottom - c.top
    group = w / max(len(item.choices), 1)
    bar_w = (group - 8) / 3
    for g, choice in enumerate(item.choices):
        for k, (who, share) in enumerate(
            (("bottom", choice.bottom_share), ("all", choice.share), ("top", choice.top_share))
        ):
            value = share or 0.0
            c.bars.append(
                Bar(
                    round(c.left + g * group + 4 + k * bar_w, 1),
                    round(c.bottom - h * value, 1),
                    round(bar_w - 1, 1),
                    round(h * value, 1),
                    who,
                    pct(share),
                )
            )
        c.x_ticks.append(Tick(round(c.left + g * group + group / 2, 1), choice.key))
    c.y_ticks = [Tick(c.bottom - h * v, f"{v:.0%}") for v in (0, 0.5, 1)]
    return c


def render_html(analysis: Analysis) -> str:
    import jinja2

    from grader.resources import data_dir

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=dash, pct=pct)
    test = analysis.test
    return env.get_template("report/stats.html.j2").render(
        a=analysis,
        t=test,
        scatter=scatter(analysis.items),
        histogram=histogram(test.scores, test.max_score) if test else None,
        choice_bars={i.id: choice_bars(i) for i in analysis.items if i.choices},
    )
