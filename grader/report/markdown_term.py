"""Markdown (with `$` math) -> wrapped, styled terminal lines.

Uses the project's one parser (``grader.markup.markdown_parser``), so what `quiz check`
validated is what the student reads. Math becomes Unicode text (see latex_text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.token import Token

from grader.markup import markdown_parser
from grader.report.latex_text import latex_to_text
from grader.report.style import Painter, Segment, table, wrap_segments

MATH_STYLE = "italic"
CODE_STYLE = "cyan"


def keep_spacing(code: str) -> str:
    """Code keeps its runs of spaces (``a: 1  b: 2``): all but the last space of a run
    become no-break spaces, which wrapping neither collapses nor breaks at."""
    return re.sub(r" {2,}", lambda m: "\u00a0" * (len(m.group()) - 1) + " ", code)


def inline_segments(children: list[Token]) -> list[Segment]:
    segments: list[Segment] = []
    styles: list[str] = []
    links: list[str] = []
    for tok in children:
        current = " ".join(styles)
        if tok.type == "text":
            segments.append((tok.content, current))
        elif tok.type == "softbreak":
            segments.append((" ", current))
        elif tok.type == "hardbreak":
            segments.append(("\n", current))
        elif tok.type == "code_inline":
            segments.append((keep_spacing(tok.content), f"{current} {CODE_STYLE}".strip()))
        elif tok.type in ("math_inline", "math_inline_double"):
            segments.append((latex_to_text(tok.content), f"{current} {MATH_STYLE}".strip()))
        elif tok.type == "strong_open":
            styles.append("bold")
        elif tok.type == "em_open":
            styles.append("italic")
        elif tok.type == "s_open":
            styles.append("dim")
        elif tok.type == "link_open":
            styles.append("underline")
            links.append(str(tok.attrs.get("href", "")))
        elif tok.type == "link_close":
            if styles:
                styles.pop()
            href = links.pop() if links else ""
            if href:
                segments.append((f" <{href}>", "dim"))
        elif tok.type.endswith("_close") and styles:
            styles.pop()
        elif tok.type == "image":
            segments.append((f"[image: {tok.content}]", "dim"))
    return segments


def plain_inline(text: str) -> str:
    """One line of Markdown (a choice, a matching item) as plain readable text."""
    tokens = markdown_parser().parseInline(text)
    children = tokens[0].children if tokens and tokens[0].children else []
    return "".join(t for t, _ in inline_segments(children)).replace("\n", " ").strip()


def styled_inline(text: str, paint: Painter) -> str:
    tokens = markdown_parser().parseInline(text)
    children = tokens[0].children if tokens and tokens[0].children else []
    return "".join(paint(t, s) for t, s in inline_segments(children)).replace("\n", " ").strip()


@dataclass
class _Lists:
    kinds: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)


def render_markdown(text: str, columns: int, paint: Painter, *, indent: str = "") -> list[str]:
    """Block-level Markdown as terminal lines no wider than ``columns``."""
    tokens = markdown_parser().parse(text)
    lines: list[str] = []
    lists = _Lists()
    quote = 0
    prefix_next: str | None = None
    heading = False
    table_rows: list[list[str]] = []
    row: list[str] | None = None

    def base() -> str:
        return indent + "│ " * quote + "  " * len(lists.kinds)

    def blank() -> None:
        if lines and lines[-1].strip() and not lists.kinds:
            lines.append("")

    for tok in tokens:
        kind = tok.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            if not lists.kinds:
                blank()
            lists.kinds.append("bullet" if kind.startswith("bullet") else "ordered")
            lists.numbers.append(int(tok.attrs.get("start", 1) or 1) - 1)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.kinds.pop()
            lists.numbers.pop()
        elif kind == "list_item_open":
            lists.numbers[-1] += 1
            prefix_next = "• " if lists.kinds[-1] == "bullet" else f"{lists.numbers[-1]}. "
        elif kind == "blockquote_open":
            blank()
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind == "heading_open":
            blank()
            heading = True
        elif kind == "heading_close":
            heading = False
        elif kind == "paragraph_open" and not tok.hidden:
            blank()
        elif kind == "inline" and row is not None:
            row.append("".join(paint(t, s) for t, s in inline_segments(tok.children or [])))
        elif kind == "inline":
            segments = inline_segments(tok.children or [])
            if heading:
                segments = [(t, f"{s} bold".strip()) for t, s in segments]
            outer = base()
            if lists.kinds:
                outer = outer[:-2]
            first = outer + (prefix_next or ("  " if lists.kinds else ""))
            rest = outer + " " * (len(prefix_next) if prefix_next else (2 if lists.kinds else 0))
            prefix_next = None
            lines.extend(wrap_segments(segments, columns, paint, indent=first, subsequent=rest))
        elif kind in ("fence", "code_block"):
            blank()
            for code_line in tok.content.rstrip("\n").split("\n"):
                lines.append(base() + "    " + paint(code_line, CODE_STYLE))
        elif kind in ("math_block", "math_block_label"):
            blank()
            lines.append(base() + "    " + paint(latex_to_text(tok.content), MATH_STYLE))
        elif kind == "hr":
            blank()
            lines.append(base() + paint("─" * max(4, columns - len(base())), "dim"))
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            table_rows.append(row)
            row = None
        elif kind == "table_open":
            blank()
            table_rows = []
        elif kind == "table_close":
            lines.extend(base() + line for line in table(table_rows, "l" * len(table_rows[0])))
    while lines and not lines[-1].strip():
        lines.pop()
    return lines
