"""A minimal seccomp filter: no sockets but Unix ones, at every isolation level.

Network namespaces need privilege; this needs none (only ``PR_SET_NO_NEW_PRIVS``), so the
``uid`` and ``rlimits`` levels get no network either. The filter is a hand-written classic
BPF program (eight instructions), installed through ``prctl`` with ctypes: a refused call
fails with EACCES, which student code sees as ``PermissionError``.
"""

from __future__ import annotations

import ctypes
import platform
import socket

from grader.runner import _linux

PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
EACCES = 13

# BPF opcodes
LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
RET_K = 0x06  # BPF_RET | BPF_K

# (audit architecture, socket syscall number) per machine
ARCHES = {
    "x86_64": (0xC000003E, 41),
    "aarch64": (0xC00000B7, 198),
}
X32_BIT = 0x40000000  # x86_64's x32 ABI numbers; refused outright


class _Filter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint),
    ]


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


def program(arch: int, socket_nr: int) -> list[tuple[int, int, int, int]]:
    deny = SECCOMP_RET_ERRNO | EACCES
    return [
        (LD_W_ABS, 0, 0, 4),  # 0: A = seccomp_data.arch
        (JEQ_K, 0, 6, arch),  # 1: another ABI (e.g. 32-bit) -> 8: allow
        (LD_W_ABS, 0, 0, 0),  # 2: A = seccomp_data.nr
        (JGE_K, 3, 0, X32_BIT),  # 3: x32 call -> 7: deny
        (JEQ_K, 0, 3, socket_nr),  # 4: not socket() -> 8: allow
        (LD_W_ABS, 0, 0, 16),  # 5: A = domain (low word of args[0])
        (JEQ_K, 1, 0, socket.AF_UNIX),  # 6: AF_UNIX -> 8: allow
        (RET_K, 0, 0, deny),  # 7: deny
        (RET_K, 0, 0, SECCOMP_RET_ALLOW),  # 8: allow
    ]


def install() -> bool:
    """Install the filter on the calling thread's process; False where it cannot be."""
    arches = ARCHES.get(platform.machine())
    if arches is None or not _linux.available():
        return False
    prog = program(*arches)
    filters = (_Filter * len(prog))(*[_Filter(c, jt, jf, k) for c, jt, jf, k in prog])
    fprog = _Prog(len(prog), ctypes.cast(filters, ctypes.POINTER(_Filter)))
    try:
        _linux.prctl(_linux.PR_SET_NO_NEW_PRIVS, 1)
    except OSError:
        return False
    # A private handle on prctl: this call passes a pointer, the shared one takes integers.
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    return int(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0)) == 0
