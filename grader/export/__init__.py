"""Bank -> html | html-key | qti | moodle | gift | md.

``export_bank`` is the pure-ish core (bank in, bytes and losses out); ``main`` is what
the CLI calls: it resolves the bank, writes the file and prints one warning line per
thing the chosen format cannot express.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.bank.model import Bank
from grader.errors import BadInput

FORMATS = ("html", "html-key", "qti", "moodle", "gift", "md")


@dataclass(frozen=True)
class Exported:
    data: bytes
    warnings: list[str]
    suffix: str


def export_bank(bank: Bank, fmt: str, *, seed: int | None = None) -> Exported:
    from grader.export._context import ExportContext
    from grader.export._view import arrange
    from grader.export.registry import EXPORTERS

    if fmt not in EXPORTERS:
        raise BadInput(f"unknown export format '{fmt}' (choose from {', '.join(EXPORTERS)})")
    module = EXPORTERS[fmt]
    ctx = ExportContext(arrange(bank, seed), fmt)
    data: bytes = module.export(ctx)
    return Exported(data, [str(loss) for loss in ctx.losses], module.SUFFIX)


def main(
    *,
    bank: str,
    fmt: str,
    output: str,
    seed: int | None = None,
    warn: Callable[[str], None],
) -> int:
    """Export ``bank`` (a path or shipped name) to ``output``; returns the exit code (0)."""
    from grader.bank.loader import load_bank
    from grader.resources import resolve_bank

    path = resolve_bank(bank)
    loaded = load_bank(path)
    result = export_bank(loaded, fmt, seed=seed)
    target = Path(output)
    if target.is_dir():
        raise BadInput(
            f"{output}: is a directory; give a file name such as {loaded.id}{result.suffix}"
        )
    if not target.parent.is_dir():
        raise BadInput(f"{output}: the folder {target.parent} does not exist")
    try:
        target.write_bytes(result.data)
    except OSError as exc:
        raise BadInput(f"{output}: cannot write ({exc.strerror})") from None
    for line in result.warnings:
        warn(line)
    return 0
