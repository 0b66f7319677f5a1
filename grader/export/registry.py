"""Export formats: one module per format, one line here. A module has ``SUFFIX`` and
``export(ctx) -> bytes``, and reports what its format cannot express with ``ctx.lose``."""

from __future__ import annotations

from types import ModuleType

from grader.export import gift, html, html_key, md, moodle, qti

EXPORTERS: dict[str, ModuleType] = {
    "html": html,
    "html-key": html_key,
    "qti": qti,
    "moodle": moodle,
    "gift": gift,
    "md": md,
}
