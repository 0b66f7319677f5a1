"""A venv that sees the packages of the interpreter that makes it, inside a venv or not.

`python -m venv --system-site-packages` run from inside a venv borrows the *base*
interpreter's packages, not the venv's (no torch, no markdown-it there). This borrows the
running interpreter's own package folders instead, through a .pth file of plain path
entries: the .pth files inside them (an editable install of grader among them) are not
run, so a package installed into the new venv is the one it imports.

Standard library only: the install tests also run it from inside such a venv.
"""

from __future__ import annotations

import site
import subprocess
import sys
import sysconfig
from pathlib import Path


def package_folders() -> list[str]:
    folders = [sysconfig.get_path("purelib"), sysconfig.get_path("platlib")]
    folders += site.getsitepackages()
    if site.ENABLE_USER_SITE:
        folders.append(site.getusersitepackages())
    folders += [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    return [f for i, f in enumerate(folders) if Path(f).is_dir() and f not in folders[:i]]


def borrowing_venv(venv: Path) -> Path:
    """Make `venv` (no pip of its own: the borrowed one installs into it); its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    ask = "import sysconfig; print(sysconfig.get_path('purelib'))"
    purelib = subprocess.run([str(python), "-c", ask], check=True, capture_output=True, text=True)
    pth = Path(purelib.stdout.strip()) / "borrowed-from-the-maker.pth"
    pth.write_text("".join(f"{folder}\n" for folder in package_folders()))
    return python


if __name__ == "__main__":
    print(borrowing_venv(Path(sys.argv[1])))
