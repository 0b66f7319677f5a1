"""What a jail may use: an exercise's limits (plain data, validated by ``load``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Limits:
    time_s: float = 2.0  # default limit of one test (CPU seconds of the jail; see cputime)
    total_time_s: float = 20.0  # budget of the whole submission
    import_time_s: float = 5.0  # importing the submission: its own budget, not a test's
    memory_mb: int = 512
    processes: int = 32
    output_kb: int = 64  # captured stdout+stderr kept; the rest is drained and dropped
    file_size_kb: int = 8192
    open_files: int = 64
    scratch_mb: int = 64  # size of the jail's /work and /tmp (namespaces level)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
