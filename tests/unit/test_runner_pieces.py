"""Pure pieces of the runner: exit descriptions, verdicts, the hide list, the BPF program."""

from __future__ import annotations

import signal
import socket
import xml.etree.ElementTree as ET

import pytest

from grader.exercise.api import Partial, bar_chart_svg
from grader.runner.jail import seccomp
from grader.runner.jail.sandbox import _outermost
from grader.runner.judge import verdicts
from grader.runner.judge.collect import Case
from grader.runner.judge.errors import ExitInfo, JailDied, JailTimeout, StudentError


def _case() -> Case:
    return Case(
        id="hidden::test_x",
        function="test_x",
        name="x works",
        func=lambda: None,
        points=2.0,
        visibility="hidden",
        timeout_s=1.0,
        fixtures=[],
        file="t.py",
        line=1,
    )


def test_exit_info_names_signals_and_codes_in_words() -> None:
    segv = ExitInfo(signal.SIGSEGV)
    assert segv.signal == signal.SIGSEGV and "segmentation fault" in segv.describe()
    assert ExitInfo(3 << 8).describe() == "ended the process with exit code 3"
    assert ExitInfo(None).describe() == "ended unexpectedly"


@pytest.mark.parametrize(
    "value, status, score",
    [
        (None, "passed", 2.0),
        (True, "passed", 2.0),
        (0.25, "failed", 0.5),
        (Partial(0.5, "half"), "failed", 1.0),
        (Partial(7.0), "passed", 2.0),  # clamped to full marks, never more
        (float("nan"), "failed", 0.0),
        (-1.0, "failed", 0.0),
    ],
)
def test_partial_credit_is_clamped(value: object, status: str, score: float) -> None:
    result = verdicts.returned(_case(), value)
    assert (result.status, result.score, result.max_score) == (status, score, 2.0)


def test_verdicts_for_each_way_a_call_can_end() -> None:
    case = _case()
    assert verdicts.gone(JailTimeout("sigmoid()", 1.5), "sigmoid()", case).status == "timeout"
    cpu_bound = verdicts.gone(JailTimeout("sigmoid()", 1.5, on="cpu"), "sigmoid()", case)
    assert "sigmoid() used more than its 1.5 s of CPU time" in cpu_bound.message
    asleep = JailTimeout("f()", 2, where={"student": "sigmoid.py line 3, in f()"})
    message = verdicts.gone(asleep, "f()", case).message
    assert "waiting or sleeping" in message and "sigmoid.py line 3" in message
    importing = JailTimeout("f()", 2, on="cpu", where={"importing": "sympy", "student": "x.py"})
    assert "the time went to importing sympy" in verdicts.gone(importing, "f()", case).message
    oom = JailDied("f()", ExitInfo(signal.SIGKILL, oom=True))
    assert verdicts.gone(oom, "f()", case).status == "memory"
    crash = verdicts.gone(JailDied("f()", ExitInfo(signal.SIGSEGV)), "f()", case)
    assert crash.status == "crashed" and "SIGSEGV" in crash.message
    cpu = verdicts.gone(JailDied("f()", ExitInfo(signal.SIGXCPU)), "f()", case)
    assert cpu.status == "timeout"
    err = verdicts.student_error(case, StudentError("ValueError", "bad", '  File "s.py"\n'))
    assert err.status == "error" and err.message.startswith("your code raised ValueError: bad")
    mem = verdicts.student_error(case, StudentError("MemoryError", "", "", memory=True))
    assert mem.status == "memory"


def test_only_the_outermost_secret_folders_are_covered() -> None:
    paths = ["/a/b/c", "/a/b", "/x", "/a/bc", "/x/y/z", "/a/b"]
    assert _outermost(paths) == ["/a/b", "/a/bc", "/x"]


def run_bpf(program: list[tuple[int, int, int, int]], data: dict[int, int]) -> int:
    """A classic-BPF interpreter for the few opcodes the filter uses (an independent check)."""
    pc, acc = 0, 0
    for _ in range(len(program) + 1):
        code, jt, jf, k = program[pc]
        if code == seccomp.LD_W_ABS:
            acc, pc = data.get(k, 0), pc + 1
        elif code == seccomp.RET_K:
            return k
        else:
            taken = {
                seccomp.JEQ_K: acc == k,
                seccomp.JGE_K: acc >= k,
                seccomp.JSET_K: bool(acc & k),
            }[code]
            pc += 1 + (jt if taken else jf)
            assert 0 <= pc < len(program), "a jump left the program"
    raise AssertionError("the program does not end")


def verdict(machine: str, nr: int, arg0: int = 0, arch: int | None = None) -> int:
    a = seccomp.ARCHES[machine]
    data = {seccomp.OFF_ARCH: a.audit if arch is None else arch, seccomp.OFF_NR: nr}
    data[seccomp.OFF_ARG0] = arg0
    return run_bpf(seccomp.program(a), data)


ALLOW = seccomp.SECCOMP_RET_ALLOW
EPERM = seccomp.SECCOMP_RET_ERRNO | seccomp.EPERM


@pytest.mark.parametrize("machine", sorted(seccomp.ARCHES))
def test_the_filter_refuses_what_it_must_and_allows_the_rest(machine: str) -> None:
    calls = seccomp.ARCHES[machine].calls
    for name in seccomp.DENIED:
        assert verdict(machine, calls[name]) == EPERM, name
    assert verdict(machine, calls["socket"], socket.AF_INET) == (
        seccomp.SECCOMP_RET_ERRNO | seccomp.EACCES
    )
    assert verdict(machine, calls["socket"], socket.AF_UNIX) == ALLOW
    assert verdict(machine, calls["clone3"]) == seccomp.SECCOMP_RET_ERRNO | seccomp.ENOSYS
    fork_flags = 0x01200011  # CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD
    assert verdict(machine, calls["clone"], fork_flags) == ALLOW
    assert verdict(machine, calls["clone"], fork_flags | 0x10000000) == EPERM  # CLONE_NEWUSER
    for harmless in (0, 1, 3, 60, 231):  # read/write/close-ish numbers, exit_group
        if harmless not in calls.values():
            assert verdict(machine, harmless) == ALLOW
    # Any other ABI (i386's int 0x80 on x86_64, compat arm on arm64) is refused outright.
    assert verdict(machine, calls["socket"], socket.AF_INET, arch=0x40000003) == EPERM
    assert verdict(machine, 0, arch=0x40000028) == EPERM


def test_x32_numbers_are_refused_on_x86_64() -> None:
    assert verdict("x86_64", 0x40000000 | 41, socket.AF_INET) == EPERM


@pytest.mark.parametrize("log", [False, True])
def test_the_bar_chart_is_well_formed_svg(log: bool) -> None:
    svg = bar_chart_svg("norms <&>", ["1", "<2>"], [0.25, 1e-6], log=log)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and len(root.findall("{http://www.w3.org/2000/svg}rect")) == 2


def test_threads_of_counts_this_process_at_least() -> None:
    """RLIMIT_NPROC (non-root runners) is set from this count plus the limit."""
    import os
    import threading

    from grader.runner.jail.sandbox import _threads_of

    if not os.path.isdir("/proc"):
        pytest.skip("needs /proc")
    before = _threads_of(os.geteuid())
    stop = threading.Event()
    extra = threading.Thread(target=stop.wait)
    extra.start()
    try:
        assert _threads_of(os.geteuid()) >= max(before, 2)
    finally:
        stop.set()
        extra.join()
