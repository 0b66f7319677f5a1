"""Bank Markdown -> HTML for exports, through the one shared parser (raw HTML off).

Two flavours: the self-contained page gets MathML (rendered now, no JavaScript math)
and Pygments-highlighted code; the LMS formats get TeX between ``\\(`` ``\\)`` (what
Moodle's and Canvas's MathJax filters typeset) and plain ``<pre><code>``, because an LMS
strips MathML and our CSS classes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from typing import Any

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markupsafe import Markup

from grader.markup import latex_to_mathml, markdown_parser
from grader.report.latex_text import latex_to_text

_BLANK = re.compile(r"\[\[(\d+)\]\]")
# One line of text with nothing Markdown treats specially (no list/heading/quote start,
# no emphasis, code, links, math, entities, HTML, escapes, line breaks).
_PLAIN = re.compile(r"\A {0,3}[A-Za-z(\"'][A-Za-z0-9 ,.;:?!'\"()/%=+-]*\Z")
_ONE_PARAGRAPH = re.compile(r"\A<p>((?:(?!<p>).)*)</p>\n?\Z", re.S)


@lru_cache(maxsize=4096)
def _mathml(latex: str, display: bool) -> str:
    return latex_to_mathml(latex, display=display)


@lru_cache(maxsize=64)
def _lexer(lang: str) -> Any:
    # Looking a lexer up by name scans Pygments' registry: do it once per language.
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(lang or "text")
    except ClassNotFound:
        return get_lexer_by_name("text")


@lru_cache(maxsize=1)
def _formatter() -> Any:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True)


@lru_cache(maxsize=256)
def _highlight(code: str, lang: str) -> str:
    from pygments import highlight

    return str(highlight(code, _lexer(lang), _formatter()))


class _Renderer(RendererHTML):
    """markdown-it's HTML renderer plus rules for `$` math and code blocks.

    A private instance (not the shared parser's renderer) so that exporting never
    changes how other consumers of ``markdown_parser()`` render.
    """

    def __init__(self, *, mathml: bool, highlight: bool) -> None:
        super().__init__()
        self._mathml_on = mathml
        self._highlight_on = highlight

    def _math(self, latex: str, display: bool) -> str:
        latex = latex.strip()
        if self._mathml_on:
            return _mathml(latex, display)
        return escape(f"\\[{latex}\\]" if display else f"\\({latex}\\)", quote=False)

    def math_inline(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return self._math(tokens[idx].content, False)

    def math_inline_double(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return self._math(tokens[idx].content, True)

    def math_block(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return f'<div class="math">{self._math(tokens[idx].content, True)}</div>\n'

    math_block_label = math_block

    def fence(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        lang = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
        if self._highlight_on:
            body = _highlight(token.content, lang)
            return f'<pre class="code"><code>{body}</code></pre>\n'
        cls = f' class="language-{escape(lang)}"' if lang else ""
        return f"<pre><code{cls}>{escape(token.content)}</code></pre>\n"

    def code_block(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        if self._highlight_on:
            return f'<pre class="code"><code>{_highlight(token.content, "")}</code></pre>\n'
        return f"<pre><code>{escape(token.content)}</code></pre>\n"


@dataclass
class Part:
    """A run of rendered HTML, optionally followed by cloze blank number ``blank``."""

    html: Markup
    blank: int | None = None


@dataclass
class MarkupRenderer:
    """Renders bank Markdown; build one per export and reuse it for every question."""

    mathml: bool = True
    highlight: bool = True
    _renderer: _Renderer = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._renderer = _Renderer(mathml=self.mathml, highlight=self.highlight)

    def block(self, text: str) -> Markup:
        if not text:
            return Markup("")
        if _PLAIN.match(text):
            # Most choices and short prompts are one plain sentence: the parser would
            # return exactly this, so skip it (tests check the two agree).
            return Markup(f"<p>{escapeHtml(text.strip())}</p>\n")
        md = markdown_parser()
        return Markup(self._renderer.render(md.parse(text), md.options, {}))

    def inline(self, text: str) -> Markup:
        """Short text (a choice, a matching item): one paragraph renders without ``<p>``."""
        html = str(self.block(text))
        one = _ONE_PARAGRAPH.match(html)
        return Markup(one.group(1) if one else html)

    def cloze(self, text: str) -> list[Part]:
        """The prompt cut at its ``[[n]]`` blanks, so a template can put an input there."""
        html = str(self.block(text))
        parts: list[Part] = []
        last = 0
        for match in _BLANK.finditer(html):
            parts.append(Part(Markup(html[last : match.start()]), int(match.group(1))))
            last = match.end()
        parts.append(Part(Markup(html[last:])))
        return parts


def plain(text: str, *, math: Callable[[str], str] = latex_to_text) -> str:
    """Bank Markdown as plain text, for places that show text unformatted and where no math
    typesetter reaches: drop-down menus (ours and an LMS's), accessible names, the answer
    lists an LMS keeps as plain text.

    ``math`` turns each `$...$` span into text; the default is the terminal's rendering
    (``\\tfrac14`` -> ``1/4``, ``\\tanh'(0)`` -> ``tanh′(0)``), never raw TeX.
    """
    tokens = markdown_parser().parseInline(text.strip())
    out: list[str] = []

    def walk(items: Sequence[Token]) -> None:
        for tok in items:
            if tok.type in ("text", "code_inline"):
                out.append(tok.content)
            elif tok.type.startswith("math_inline"):
                out.append(math(tok.content.strip()))
            elif tok.type in ("softbreak", "hardbreak"):
                out.append(" ")
            if tok.children:
                walk(tok.children)

    walk(tokens)
    return "".join(out).strip()


def spoken(text: str) -> str:
    """A plain-text name for a control whose visible label may be only MathML (which
    browsers do not yet turn into an accessible name): the math read as text."""
    return plain(text)
