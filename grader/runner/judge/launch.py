"""How the judge starts a jail-side interpreter: a clean command line and environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Everything a jail-side interpreter inherits from us. Nothing else crosses: CI tokens,
# passwords, GRADER_SEAL_KEY and the rest of the judge's environment stay behind.
CLEAN_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "HOME": "/",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",  # the same hash order in every jail, run after run
    "PYTHONDONTWRITEBYTECODE": "1",
}
for _keep in ("SYSTEMROOT", "WINDIR"):  # Windows cannot start Python without them
    if _keep in os.environ:
        CLEAN_ENV[_keep] = os.environ[_keep]

# Runs a jail-side module with only the folder that holds ``grader`` added to the path:
# not the working directory, not the submission's folder, not PYTHONPATH.
_BOOT = (
    "import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
    "sys.path.insert(0, sys.argv[1]); import importlib; "
    "importlib.import_module(sys.argv[2]).main(sys.argv[3:])"
)


def clean_command(module: str, *args: str) -> list[str]:
    """The command line that runs ``module.main(args)`` in a fresh, isolated interpreter."""
    package_parent = str(Path(__file__).resolve().parents[3])
    flags = ["-s", "-P"] if sys.version_info >= (3, 11) else ["-s"]
    return [sys.executable, *flags, "-c", _BOOT, package_parent, module, *args]
