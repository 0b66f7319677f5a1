"""`html-key`: the printable answer key (correct answers, feedback, explanations, points,
tags), in the same order as the student page exported with the same seed."""

from __future__ import annotations

from grader import __version__
from grader.export._context import ExportContext, render
from grader.export._markup import MarkupRenderer, plain

SUFFIX = ".html"


def export(ctx: ExportContext) -> bytes:
    renderer = MarkupRenderer(mathml=True, highlight=True)
    return render("key.html", ctx, renderer, plain=plain, lang="en", version=__version__).encode()
