"""Thin ctypes wrappers for the Linux calls the sandbox needs.

Python 3.11 has no ``os.unshare`` (it arrived in 3.12) and no ``mount`` or ``prctl`` at
all, so we call libc directly. Every wrapper raises ``OSError`` with the real errno.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38

_libc: ctypes.CDLL | None = None


def _lib() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    return _libc


def available() -> bool:
    return sys.platform.startswith("linux")


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    _check(_lib().unshare(ctypes.c_int(flags)), "unshare")


def mount(
    source: str | None, target: str, fstype: str | None, flags: int, data: str | None
) -> None:
    def enc(s: str | None) -> bytes | None:
        return None if s is None else os.fsencode(s)

    lib = _lib()
    lib.mount.argtypes = [
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_ulong,
        ctypes.c_char_p,
    ]
    _check(lib.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def prctl(option: int, arg: int) -> None:
    lib = _lib()
    lib.prctl.argtypes = [
        ctypes.c_int,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_ulong,
    ]
    _check(lib.prctl(option, arg, 0, 0, 0), "prctl")


def set_pdeathsig(sig: int) -> None:
    """Have the kernel send ``sig`` to us when our parent dies (cleared on setuid)."""
    prctl(PR_SET_PDEATHSIG, sig)


def make_undumpable() -> None:
    """Forbid ptrace and /proc/<pid>/mem reads by other processes of the same uid."""
    if available():
        with contextlib.suppress(OSError):
            prctl(PR_SET_DUMPABLE, 0)
