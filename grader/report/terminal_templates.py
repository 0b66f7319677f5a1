"""The Jinja2 environment for everything a person reads in the terminal.

Templates live in the top-level ``templates/terminal/`` (shipped in the wheel).
They receive a ``paint`` function for colour (a no-op when colour is off) and a few
layout helpers; the Python side only prepares data.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from grader.report import style
from grader.resources import data_dir


# Markdown helpers load the parser on first use only: the first quiz screen needs none.
def _markdown(text: str, columns: int, paint: style.Painter, indent: str = "") -> list[str]:
    from grader.report.markdown_term import render_markdown

    return render_markdown(text, columns, paint, indent=indent)


def _inline(text: str, paint: style.Painter) -> str:
    from grader.report.markdown_term import styled_inline

    return styled_inline(text, paint)


def _plain(text: str) -> str:
    from grader.report.markdown_term import plain_inline

    return plain_inline(text)


def _section(name: str, priority: int, scroll: bool = False, title: bool = False) -> str:
    from grader.quiz.layout import section

    return section(name, priority, scroll, title)


def fmt_number(value: float) -> str:
    """Scores as people write them: 2, 1.5, 0.667 (no trailing zeros)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def percent(part: float, whole: float) -> str:
    return f"{(100.0 * part / whole) if whole else 0.0:.0f}%"


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the user's cache directory: compiling the question
    screen costs more start-up time than everything else `quiz take` does."""
    from grader._dirs import cache_home

    folder = cache_home() / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # read-only home: compile every time, still correct
    return jinja2.FileSystemBytecodeCache(str(folder))


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates") / "terminal")),
        bytecode_cache=_bytecode_cache(),
        autoescape=False,  # terminal text, not HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(
        pad=style.pad,
        width=style.width,
        truncate=style.truncate,
        table=style.table,
        bar=style.bar,
        wrap=style.wrap_segments,
        markdown=_markdown,
        inline=_inline,
        plain=_plain,
        num=fmt_number,
        percent=percent,
        section=_section,
        focus="\x1f",  # grader.quiz.layout.FOCUS: marks the lines under the cursor
    )
    return env


def render(template_name: str, /, *, paint: style.Painter, columns: int, **context: Any) -> str:
    template = environment().get_template(template_name)
    text = template.render(paint=paint, columns=columns, **context)
    return "\n".join(line.rstrip() for line in text.split("\n"))
