"""`md`: the bank as Markdown, for handouts (questions first) and for reading a bank in
a pull request (the answer key follows, after a page break for printing)."""

from __future__ import annotations

from grader.export._context import ExportContext, render
from grader.export._markup import MarkupRenderer

SUFFIX = ".md"


def quote(text: str) -> str:
    """Markdown text as the body of a list item or quote: continuation lines indented."""
    return text.strip().replace("\n", "\n   ")


def export(ctx: ExportContext) -> bytes:
    # Markdown stays Markdown (math as `$...$`); nothing is lost, so there are no warnings.
    renderer = MarkupRenderer(mathml=False, highlight=False)
    return render("bank.md", ctx, renderer, quote=quote).encode()
