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
    """Something a format cannot express, for one question (or for the bank itself)."""

    format: str
    question: str | None
    what: str
    bank: str = ""

    def __str__(self) -> str:
        where = f"question '{self.question}'" if self.question else f"bank '{self.bank}'"
        return f"warning: {self.format}: {where}: {self.what}"


@dataclass
class ExportContext:
    view: BankView
    format: str
    losses: list[Loss] = field(default_factory=list)

    def lose(self, q: Question, what: str) -> None:
        self.losses.append(Loss(self.format, q.id, what))

    def lose_bank(self, what: str) -> None:
        self.losses.append(Loss(self.format, None, what, self.view.bank.id))


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
