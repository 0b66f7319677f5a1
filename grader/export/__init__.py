"""Bank -> html | html-key | qti | moodle | gift | md.

``export_bank`` is the pure-ish core (bank in, bytes and losses out); ``main`` is what
the CLI calls: it resolves the bank, writes the file and prints one warning line per
thing the chosen format cannot express.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader.bank.model import Bank
from grader.errors import BadInput

FORMATS = ("html", "html-key", "qti", "moodle", "gift", "md")


@dataclass(frozen=True)
class Exported:
    data: bytes
    warnings: list[str]  # one line per loss, in export order
    suffix: str
    summary: list[str] = field(default_factory=list)  # what the CLI prints: by kind


def export_bank(
    bank: Bank, fmt: str, *, seed: int | None = None, variants: int | None = None
) -> Exported:
    """``variants``: for qti and moodle, every parametrized question as that many variants
    of which the LMS draws one (other formats export one variant per call)."""
    from grader.export._context import ExportContext, summarise
    from grader.export._view import arrange
    from grader.export.registry import EXPORTERS

    if fmt not in EXPORTERS:
        raise BadInput(f"unknown export format '{fmt}' (choose from {', '.join(EXPORTERS)})")
    module = EXPORTERS[fmt]
    view = arrange(bank, seed)
    if variants and bank.parametrized:
        from grader.export.variants import expand

        view = expand(view, bank, variants)
    ctx = ExportContext(view, fmt)
    data: bytes = module.export(ctx)
    losses = ctx.losses
    if variants and bank.parametrized:
        from grader.export.variants import first_variant_only

        losses = first_variant_only(losses, view)
    return Exported(data, [str(loss) for loss in losses], module.SUFFIX, summarise(losses))


def main(
    *,
    bank: str,
    fmt: str,
    output: str,
    seed: int | None = None,
    warn: Callable[[str], None],
    student: str | None = None,
    variants: int | None = None,
) -> int:
    """Export ``bank`` (a path or shipped name) to ``output`` ("-": standard output);
    returns the exit code (0)."""
    from grader.bank.loader import load_bank
    from grader.resources import resolve_bank

    path = resolve_bank(bank)
    loaded = load_bank(path)
    if student is not None or variants is not None:
        from grader.export import variants as by_variant

        if not loaded.parametrized:
            raise BadInput(f"{bank}: no question has params, so there are no variants to export")
        if student is not None and variants is not None:
            raise BadInput("give --student or --variants, not both")
        if student is not None:
            from grader.bank.variants import variant_for

            loaded = by_variant.titled(loaded, variant_for(loaded, student))
        elif variants is not None and not 1 <= variants <= loaded.variants:
            raise BadInput(f"--variants must be from 1 to {loaded.variants} (the bank's variants)")
        elif variants is not None and fmt not in by_variant.GROUPED:
            if output == "-":
                raise BadInput(
                    f"--variants with --format {fmt} writes one file per variant: give -o FILE"
                )
            # One file per variant, and for a student page a key beside each.
            for k in range(variants):
                drawn = by_variant.titled(loaded, k)
                _write(
                    export_bank(drawn, fmt, seed=seed),
                    str(by_variant.variant_path(output, k)),
                    drawn,
                    warn if k == 0 else None,
                )
                if fmt == "html":
                    key = export_bank(drawn, "html-key", seed=seed)
                    _write(key, str(by_variant.variant_path(output, k, key=True)), drawn, None)
            return 0
    result = export_bank(loaded, fmt, seed=seed, variants=variants)
    _write(result, output, loaded, warn)
    return 0


def _write(result: Exported, output: str, loaded: Bank, warn: Callable[[str], None] | None) -> None:
    if output == "-":
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
        _warn_all(result, warn)
        return
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
    _warn_all(result, warn)


def _warn_all(result: Exported, warn: Callable[[str], None] | None) -> None:
    if warn is not None:
        for line in result.summary:
            warn(line)
