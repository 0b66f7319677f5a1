"""What every exporter gets: the arranged bank, a renderer, templates, and a place to
say what its format cannot express (a warning names the question and what is lost)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jinja2
import markupsafe

from grader.bank.model import Question
from grader.export._markup import MarkupRenderer
from grader.export._view import BankView
from grader.resources import data_dir


@dataclass(frozen=True)
class Loss:
    """Something a format cannot express, for one question (or for the bank itself).

    ``kind`` groups the same loss across questions (for the summary the CLI prints);
    ``scores`` marks a loss that changes what a student scores in the LMS.
    """

    format: str
    question: str | None
    what: str
    bank: str = ""
    kind: str = ""
    scores: bool = False

    @property
    def where(self) -> str:
        return f"question '{self.question}'" if self.question else f"bank '{self.bank}'"

    def __str__(self) -> str:
        return f"warning: {self.format}: {self.where}: {self.what}"


def summarise(losses: list[Loss], *, listed: int = 6) -> list[str]:
    """Warning lines for a person: the losses that change scores first, each in full;
    then one line per other kind, with how many questions and which."""
    scoring = [loss for loss in losses if loss.scores]
    first_seen = {kind: i for i, kind in reversed(list(enumerate(x.kind for x in scoring)))}
    scoring.sort(key=lambda loss: first_seen[loss.kind])  # stable: a kind's losses together
    lines = [str(x).replace("warning: ", "warning (changes scores): ", 1) for x in scoring]
    kinds: dict[str, list[Loss]] = {}
    for loss in losses:
        if not loss.scores:
            kinds.setdefault(loss.kind or loss.what, []).append(loss)
    for kind, group in kinds.items():
        if len(group) == 1:
            lines.append(str(group[0]))
            continue
        names = [loss.question or f"bank '{loss.bank}'" for loss in group]
        shown = ", ".join(names[:listed]) + (
            f" and {len(names) - listed} more" if len(names) > listed else ""
        )
        lines.append(f"warning: {group[0].format}: {kind}: {len(group)} questions ({shown})")
    return lines


@dataclass
class ExportContext:
    view: BankView
    format: str
    losses: list[Loss] = field(default_factory=list)

    def lose(self, q: Question, what: str, *, kind: str, scores: bool = False) -> None:
        self.losses.append(Loss(self.format, q.id, what, kind=kind, scores=scores))

    def lose_bank(self, what: str, *, kind: str) -> None:
        self.losses.append(Loss(self.format, None, what, self.view.bank.id, kind=kind))


def _finalize(value: Any) -> Any:
    # A None reaching a template is a bug in an exporter, never "None" on a page.
    if value is None:
        raise ValueError("None rendered in an export template")
    return value


@cache
def environment(*, text: bool = False) -> jinja2.Environment:
    """The Jinja environment for ``templates/export`` (autoescaped unless ``text``).

    Cached: building an environment and compiling templates per export (or per
    question) is what made the naive exporter slow (see benchmarks/bench_export.py).
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates") / "export")),
        autoescape=not text,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters["num"] = fmt_number
    # Rendered HTML carried as XML text (QTI mattext, Moodle text): escaped, not markup.
    env.filters["xml"] = lambda value: markupsafe.escape(str(value))
    return env


def fmt_number(value: float) -> str:
    """A number as people write it: 2 not 2.0, 0.0015 not 1.5e-03, 1e-10 stays short."""
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    return text


def render(template: str, ctx: ExportContext, renderer: MarkupRenderer, **extra: Any) -> str:
    env = environment(text=not template.endswith((".html", ".xml")))
    return env.get_template(template).render(
        bank=ctx.view.bank, view=ctx.view, questions=ctx.view.questions, r=renderer, **extra
    )
