"""Landlock: an unprivileged process confining its own view of the file system.

Used where there is no private root (the ``uid`` and ``rlimits`` levels and the spawned
jail on Linux 5.13+). Without it such a jail could read every world-readable file (a
checkout's hidden tests and reference solution) and reach its neighbours' scratch
folders. With it the jail may read the system and Python folders only, minus every
secret inside them, and write only its own scratch folder. On kernels with Landlock ABI
4+ TCP bind/connect is refused too, and with ABI 6+ the jail may signal no process
outside itself and connect to no abstract Unix socket outside itself.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
from collections.abc import Callable, Iterable

SYS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH = 1

FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_TRUNCATE = 1 << 14
FS_IOCTL_DEV = 1 << 15
# Rights handled per ABI version: v1 has 13, v2 adds REFER, v3 TRUNCATE, v5 IOCTL_DEV.
FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1}
FS_ALL_LATEST = (1 << 16) - 1
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX, SCOPE_SIGNAL = 1 << 0, 1 << 1

READ_ONLY = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def abi_version() -> int:
    """The Landlock ABI this kernel offers; 0 where it has none (or it is turned off)."""
    nrs = SYS.get(platform.machine())
    if nrs is None:
        return 0
    libc = _libc()
    libc.syscall.restype = ctypes.c_long
    version = int(
        libc.syscall(ctypes.c_long(nrs[0]), None, ctypes.c_size_t(0), CREATE_RULESET_VERSION)
    )
    return max(version, 0)


def _within(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip("/") + "/")


def allowed_trees(tops: Iterable[str], hide: Iterable[str]) -> list[str]:
    """``tops`` with every hidden path carved out: a folder holding a secret is replaced by
    its entries, recursively, down to the secret itself, which is left out."""
    secrets = sorted({os.path.realpath(h) for h in hide})
    out: list[str] = []

    def visit(path: str) -> None:
        real = os.path.realpath(path)
        if any(_within(real, s) for s in secrets):
            return  # the secret itself, or something inside it
        if not any(_within(s, real) for s in secrets):
            out.append(real)
            return
        with contextlib.suppress(OSError), os.scandir(real) as entries:
            for entry in entries:
                visit(entry.path)

    for top in tops:
        if os.path.exists(top):
            visit(top)
    return sorted(set(out))


def confine(
    *,
    read_only: Iterable[str],
    read_write: Iterable[str],
    devices: Iterable[str],
    hide: Iterable[str],
) -> int:
    """Restrict this process (and all it forks) for good; returns the ABI used, 0 if none.

    Needs ``PR_SET_NO_NEW_PRIVS`` set first (the caller's seccomp set-up does it).
    """
    abi = abi_version()
    if abi < 1:
        return 0
    create, add_rule, restrict = SYS[platform.machine()]
    fs = FS_BY_ABI.get(abi, FS_ALL_LATEST)
    attr = _RulesetAttr(fs, NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0, 0)
    if abi >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX | SCOPE_SIGNAL
    size = 8 if abi < 4 else (16 if abi < 6 else 24)
    libc = _libc()
    libc.syscall.restype = ctypes.c_long
    ruleset = int(libc.syscall(ctypes.c_long(create), ctypes.byref(attr), ctypes.c_size_t(size), 0))
    if ruleset < 0:
        return 0
    try:

        def allow(path: str, rights: int) -> None:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                return
            try:
                is_dir = os.path.isdir(path)
                access = (rights if is_dir else rights & FILE_RIGHTS) & fs
                rule = _PathBeneath(access, fd)
                libc.syscall(
                    ctypes.c_long(add_rule), ruleset, RULE_PATH_BENEATH, ctypes.byref(rule), 0
                )
            finally:
                os.close(fd)

        _add_all(allow, allowed_trees(read_only, hide), READ_ONLY)
        _add_all(allow, [os.path.realpath(p) for p in read_write], fs)
        _add_all(allow, list(devices), FS_READ_FILE | FS_WRITE_FILE | FS_IOCTL_DEV)
        if int(libc.syscall(ctypes.c_long(restrict), ruleset, 0)) != 0:
            return 0
    finally:
        os.close(ruleset)
    return abi


def _add_all(allow: Callable[[str, int], None], paths: Iterable[str], rights: int) -> None:
    for path in paths:
        allow(path, rights)
