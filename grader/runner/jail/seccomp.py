"""The system-call filter every jail gets, at every isolation level.

Seccomp needs no privilege (only ``PR_SET_NO_NEW_PRIVS``), so the ``uid`` and ``rlimits``
levels get it too. The filter is a classic BPF program built here and installed through
``prctl`` with ctypes. It refuses, whatever the level:

- every foreign ABI: a call through i386's ``int 0x80`` or x32 numbers on x86_64 (or the
  32-bit compat ABI on arm64) would otherwise reach the kernel unfiltered;
- network sockets: only ``AF_UNIX`` may be created (EACCES, a ``PermissionError``);
- reading or steering other processes (ptrace, process_vm_*, kcmp, pidfd_getfd), the
  kernel keyrings (which outlive the jail), new namespaces and mounts, io_uring (whose
  operations, socket creation included, never pass through seccomp), eBPF, perf events,
  userfaultfd, kernel modules, kexec (EPERM);
- ``clone3``, whose flags live in memory a filter cannot read, fails with ENOSYS so the C
  library falls back to ``clone``, whose flags are checked for new namespaces.
"""

from __future__ import annotations

import ctypes
import functools
import platform
import socket
from typing import Any

from grader.runner import _linux

PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
EPERM, EACCES, ENOSYS = 1, 13, 38

# BPF opcodes
LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
JSET_K = 0x45  # BPF_JMP | BPF_JSET | BPF_K
RET_K = 0x06  # BPF_RET | BPF_K

# Offsets in struct seccomp_data: nr, arch, instruction pointer, then six 64-bit args
# (little endian: the low word of args[0] is at 16).
OFF_NR, OFF_ARCH, OFF_ARG0 = 0, 4, 16

X32_BIT = 0x40000000
# CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
CLONE_NEW_MASK = 0x7E020000


class Arch:
    def __init__(self, audit: int, calls: dict[str, int], *, x32: bool) -> None:
        self.audit = audit
        self.calls = calls
        self.x32 = x32


DENIED = (
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_getfd",
    "add_key",
    "request_key",
    "keyctl",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
)

_COMMON_NEW = {  # numbers shared by x86_64 and arm64 (the "new" syscall table)
    "pidfd_getfd": 438,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "clone3": 435,
    "mount_setattr": 442,
}

ARCHES = {
    "x86_64": Arch(
        0xC000003E,
        {
            **_COMMON_NEW,
            "socket": 41,
            "clone": 56,
            "ptrace": 101,
            "process_vm_readv": 310,
            "process_vm_writev": 311,
            "kcmp": 312,
            "add_key": 248,
            "request_key": 249,
            "keyctl": 250,
            "unshare": 272,
            "setns": 308,
            "mount": 165,
            "umount2": 166,
            "pivot_root": 155,
            "bpf": 321,
            "perf_event_open": 298,
            "userfaultfd": 323,
            "init_module": 175,
            "finit_module": 313,
            "delete_module": 176,
            "kexec_load": 246,
        },
        x32=True,
    ),
    "aarch64": Arch(
        0xC00000B7,
        {
            **_COMMON_NEW,
            "socket": 198,
            "clone": 220,
            "ptrace": 117,
            "process_vm_readv": 270,
            "process_vm_writev": 271,
            "kcmp": 272,
            "add_key": 217,
            "request_key": 218,
            "keyctl": 219,
            "unshare": 97,
            "setns": 268,
            "mount": 40,
            "umount2": 39,
            "pivot_root": 41,
            "bpf": 280,
            "perf_event_open": 241,
            "userfaultfd": 282,
            "init_module": 105,
            "finit_module": 273,
            "delete_module": 106,
            "kexec_load": 104,
        },
        x32=False,
    ),
}


class _Filter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint),
    ]


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


Insn = tuple[int, int, int, int]


def program(arch: Arch) -> list[Insn]:
    """The filter as (code, jt, jf, k) instructions; jumps are resolved from labels."""
    # Each entry: (code, true-target, false-target, k); targets are label names or None
    # (fall through). Labels mark the next instruction.
    ops: list[tuple[int, str | None, str | None, int] | str] = [
        (LD_W_ABS, None, None, OFF_ARCH),
        (JEQ_K, None, "deny_eperm", arch.audit),  # another ABI: refused outright
        (LD_W_ABS, None, None, OFF_NR),
    ]
    if arch.x32:
        ops.append((JGE_K, "deny_eperm", None, X32_BIT))
    for name in DENIED:
        ops.append((JEQ_K, "deny_eperm", None, arch.calls[name]))
    ops += [
        (JEQ_K, "deny_enosys", None, arch.calls["clone3"]),
        (JEQ_K, "clone", None, arch.calls["clone"]),
        (JEQ_K, "socket", None, arch.calls["socket"]),
        (RET_K, None, None, SECCOMP_RET_ALLOW),
        "clone",
        (LD_W_ABS, None, None, OFF_ARG0),
        (JSET_K, "deny_eperm", None, CLONE_NEW_MASK),
        (RET_K, None, None, SECCOMP_RET_ALLOW),
        "socket",
        (LD_W_ABS, None, None, OFF_ARG0),
        (JEQ_K, "allow", "deny_eacces", int(socket.AF_UNIX)),
        "allow",
        (RET_K, None, None, SECCOMP_RET_ALLOW),
        "deny_eacces",
        (RET_K, None, None, SECCOMP_RET_ERRNO | EACCES),
        "deny_eperm",
        (RET_K, None, None, SECCOMP_RET_ERRNO | EPERM),
        "deny_enosys",
        (RET_K, None, None, SECCOMP_RET_ERRNO | ENOSYS),
    ]
    labels: dict[str, int] = {}
    insns: list[tuple[int, str | None, str | None, int]] = []
    for op in ops:
        if isinstance(op, str):
            labels[op] = len(insns)
        else:
            insns.append(op)
    out: list[Insn] = []
    for i, (code, jt, jf, k) in enumerate(insns):

        def rel(label: str | None, at: int = i) -> int:
            if label is None:
                return 0
            offset = labels[label] - at - 1
            if not 0 <= offset <= 255:
                raise ValueError(f"seccomp jump to {label} out of range")
            return offset

        out.append((code, rel(jt), rel(jf), k))
    return out


@functools.cache
def _compiled() -> tuple[Any, Any, Any] | None:
    """The filter in the kernel's layout and a prctl that takes a pointer, built once:
    the zygote builds them before forking, so no jail pays for them (about 1.5 ms)."""
    arch = ARCHES.get(platform.machine())
    if arch is None or not _linux.available():
        return None
    prog = program(arch)
    filters = (_Filter * len(prog))(*[_Filter(c, jt, jf, k) for c, jt, jf, k in prog])
    fprog = _Prog(len(prog), ctypes.cast(filters, ctypes.POINTER(_Filter)))
    # A private handle on prctl: this call passes a pointer, the shared one takes integers.
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    return filters, fprog, prctl  # the array too: the program points into it


def prepare() -> None:
    """Build the filter now (in the zygote), so that every jail forked later has it."""
    _compiled()


def install() -> bool:
    """Install the filter on the calling process; False where it cannot be."""
    compiled = _compiled()
    if compiled is None:
        return False
    _filters, fprog, prctl = compiled
    try:
        _linux.prctl(_linux.PR_SET_NO_NEW_PRIVS, 1)
    except OSError:
        return False
    return int(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0)) == 0
