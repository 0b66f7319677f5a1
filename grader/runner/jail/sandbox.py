"""The isolation ladder: the strongest jail this machine allows, built step by step.

The supervisor (``outer_setup``, still privileged) picks the level and creates the
namespaces and cgroups; the jailed process (``inner_setup``) then builds its private
view of the file system, drops to an unprivileged user and sets its rlimits, in that
order, before a single line of student code runs.

- ``namespaces``: new mount, network, PID, IPC and UTS namespaces; a root file system made
  of read-only binds of the system and Python folders only (no solution, hidden tests,
  submissions or grader checkout); cgroups for memory and process count; user ``nobody``.
- ``userns``: the same private root, network and PID namespaces, built without root inside
  a new user namespace (a hosted CI runner, a laptop); no cgroups, so rlimits guard memory
  and processes; every capability is dropped before student code runs. Run as root (a
  fallback, or forced with ``GRADER_MAX_ISOLATION=userns``), the supervisor first becomes
  ``nobody``, so the jail holds no more than it would on an unprivileged machine.
- ``uid``: user ``nobody`` and rlimits (the grader runs as root but cannot unshare).
- ``rlimits``: rlimits only (not root, and user namespaces are refused).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.platform != "win32":  # the portable (spawned) jail imports this module on Windows too
    import pwd
    import resource

from grader.runner import _linux
from grader.runner.host import machine_max_level
from grader.runner.jail import landlock, seccomp, uids
from grader.runner.jail.cgroups import Cgroup, jail_group
from grader.runner.limits import LEVELS, JailSpec, rank

JAIL_WORK = "/home/student"
NOBODY = "nobody"


@dataclass
class Outer:
    """What the supervisor set up; inherited by the jailed child across fork."""

    level: str
    cgroup: Cgroup | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    lease: uids.Lease | None = None  # this jail's own uid, held until the supervisor ends

    @property
    def uid(self) -> int:
        return self.lease.uid if self.lease is not None else _nobody()[0]


def outer_setup(spec: JailSpec, *, fall_back: bool = True) -> Outer | None:
    """Run in the supervisor: pick the level, make namespaces and cgroups.

    With ``fall_back=False`` (a spare jail, see ``spares``) only the ``namespaces`` level
    will do: where it cannot be had, None, with nothing changed but a lease released.
    """
    level = LEVELS[min(rank(spec.max_level), rank(machine_max_level()))]
    detail: dict[str, Any] = {}
    lease = None
    if os.geteuid() == 0 and level in ("namespaces", "userns", "uid"):
        # A uid of its own, so that no concurrent jail can signal it or touch its files.
        try:
            lease = uids.lease()
        except OSError as exc:
            detail["uid_pool_error"] = str(exc)
    if level == "namespaces":
        flags = (
            _linux.CLONE_NEWNS
            | _linux.CLONE_NEWNET
            | _linux.CLONE_NEWPID
            | _linux.CLONE_NEWIPC
            | _linux.CLONE_NEWUTS
        )
        cgroup = (
            Cgroup.create(
                jail_group(os.getpid()),
                spec.limits.memory_mb * 2**20,
                spec.limits.processes,
            )
            if spec.cgroups
            else None
        )
        try:
            if cgroup is None:
                raise OSError("cgroups are not writable")
            _linux.unshare(flags)
        except OSError as exc:
            if cgroup is not None:
                cgroup.remove()
            detail["namespaces_error"] = str(exc)
            level = "userns"
        else:
            return Outer(level, cgroup, detail, lease)
    if not fall_back:
        if lease is not None:
            lease.release()
        return None
    if level == "userns":
        refused = probe_userns(spec)
        if refused is None:
            _enter_userns(spec, lease)
            return Outer(level, None, detail, lease)
        detail["userns_error"] = refused
        level = "uid" if os.geteuid() == 0 else "rlimits"
    return Outer(level, None, detail, lease)


# -- the user-namespace level --------------------------------------------------------------

USERNS_FLAGS = (
    _linux.CLONE_NEWUSER
    | _linux.CLONE_NEWNS
    | _linux.CLONE_NEWNET
    | _linux.CLONE_NEWPID
    | _linux.CLONE_NEWIPC
    | _linux.CLONE_NEWUTS
)

# The probe's answer, worked out once in the zygote (see ``before_fork``) and inherited by
# every supervisor it forks: "" means user namespaces work here, else why they do not.
_userns_refused: str | None = None


def before_fork(spec: JailSpec) -> None:
    """Run in the zygote before it forks a supervisor: probe user namespaces once."""
    if level_wanted(spec) == "userns":
        probe_userns(spec)


def level_wanted(spec: JailSpec) -> str:
    return LEVELS[min(rank(spec.max_level), rank(machine_max_level()))]


def probe_userns(spec: JailSpec) -> str | None:
    """None if this machine lets us build the ``userns`` jail, else the reason it refused.

    Tried in a throwaway child, since entering a user namespace cannot be undone: some
    kernels refuse ``unshare`` (sysctls, a container's seccomp profile), and AppArmor on
    Ubuntu 24.04 lets it succeed but then refuses the mounts, so the probe builds the whole
    jail, stopping just before student code would run.
    """
    global _userns_refused
    if _userns_refused is None:
        _userns_refused = _run_probe(spec)
    return _userns_refused or None


def _run_probe(spec: JailSpec) -> str:
    """A dry run of the whole ``userns`` jail, up to the point where student code would run."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read)
        message = b""
        try:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the zygote ignores it; we wait
            _enter_userns(spec)
            inner = os.fork()  # PID 1 of the new PID namespace, as the jail will be
            if inner == 0:
                try:
                    _build_root(spec, _nobody()[0])
                    os.chroot(spec.root)
                    _linux.drop_capabilities()
                except BaseException as exc:
                    with contextlib.suppress(OSError):
                        os.write(write, _why(exc))
                os._exit(0)
            os.waitpid(inner, 0)
        except BaseException as exc:
            message = _why(exc)
        with contextlib.suppress(OSError):
            os.write(write, message)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        answer = f.read().decode(errors="replace")
    with contextlib.suppress(ChildProcessError):  # the zygote ignores SIGCHLD: auto-reaped
        os.waitpid(pid, 0)
    return answer


def _why(exc: BaseException) -> bytes:
    return (str(exc) or type(exc).__name__).encode()[:500] or b"?"


def _enter_userns(spec: JailSpec, lease: uids.Lease | None = None) -> None:
    """Enter new user, mount, network, PID, IPC and UTS namespaces, mapped to ``nobody``.

    As root (a fallback, or a forced level) we first become ``nobody`` for real, so that the
    jail is no more privileged on the host than on a machine where the grader is not root.
    """
    if os.geteuid() == 0:
        uid, gid = (lease.uid, lease.uid) if lease is not None else _nobody()
        _chown_tree(spec.scratch, uid, gid)
        os.chown(spec.root, uid, gid)
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
        if _linux.available():
            _linux.set_pdeathsig(signal.SIGKILL)  # cleared by the change of uid
    uid, gid = os.geteuid(), os.getegid()
    # Our own uid_map can only be written while we are dumpable; the judge made itself
    # (and so this fork) undumpable, so it is switched on just for the write.
    _linux.prctl(_linux.PR_SET_DUMPABLE, 1)
    try:
        _linux.unshare(USERNS_FLAGS)
        inside_uid, inside_gid = _nobody()
        _linux.write_id_maps(inside_uid, inside_gid, uid, gid)
    finally:
        _linux.prctl(_linux.PR_SET_DUMPABLE, 0)


@dataclass
class Prepared:
    """What ``inner_prepare`` did: the part of a jail that needs no submission."""

    nproc: int | None
    vm: int
    root: str | None  # the private root's mount point, still writable, still empty
    hidden: list[str]  # the folders covered in it already


def inner_setup(spec: JailSpec, outer: Outer, keep_fds: list[int]) -> str:
    """Run in the jailed child before student code; returns the working directory."""
    return inner_finish(spec, outer, inner_prepare(spec, outer), keep_fds)


def inner_prepare(spec: JailSpec, outer: Outer) -> Prepared:
    """The first half of the jail, which needs no submission: a spare jail does it ahead,
    waiting for a submission (``spares``); it uses no more of ``spec`` than its limits,
    its hidden paths and its root's mount point."""
    if _linux.available():
        _linux.set_pdeathsig(signal.SIGKILL)  # a spare may wait long: not past its supervisor
    if outer.lease is not None:
        os.close(outer.lease.fd)  # the supervisor's copy keeps the uid held; ours goes
    if outer.cgroup is not None:
        outer.cgroup.join()
    nproc = None
    # Measured while /proc is still the host's: the private root may have none.
    vm = _vm_size()
    if outer.level == "userns" or (outer.level == "uid" and outer.lease is not None):
        # A user namespace, or a uid no other process has: RLIMIT_NPROC counts only ours.
        nproc = spec.limits.processes
    elif outer.cgroup is None and os.path.isdir("/proc"):
        # Without a pids cgroup, RLIMIT_NPROC is the fork-bomb guard. It counts every task
        # of the user machine-wide, so it is measured here, while /proc is still the host's.
        target = outer.uid if outer.level == "uid" else os.geteuid()
        if target != 0:  # root ignores RLIMIT_NPROC anyway
            nproc = _threads_of(target) + spec.limits.processes
    root = None
    if outer.level in ("namespaces", "userns"):
        outer.detail.update(_mount_root(spec))
        root = spec.root
    return Prepared(nproc, vm, root, list(spec.hide))


def inner_finish(spec: JailSpec, outer: Outer, prepared: Prepared, keep_fds: list[int]) -> str:
    """The second half: the submission's files in, then every restriction, in order."""
    tmp = os.path.join(os.path.dirname(spec.scratch), "tmp")
    if prepared.root is not None:
        more = sorted(set(spec.hide) - set(prepared.hidden))
        _fill_root(prepared.root, spec.scratch, outer.uid, more)
        os.chroot(prepared.root)
        work, tmp = JAIL_WORK, "/tmp"
    else:
        work = spec.scratch
        os.makedirs(tmp, mode=0o700, exist_ok=True)
    os.chdir(work)
    if outer.level in ("uid", "namespaces") and os.geteuid() == 0:
        uid = outer.uid
        if outer.level == "uid":
            # Its own folders, closed to every other jail (each has another uid).
            for folder in (spec.scratch, tmp):
                _chown_tree(folder, uid, uid)
                os.chmod(folder, 0o700)
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    if outer.level == "userns":
        # We created the user namespace, so we hold every capability in it: enough to
        # unmount the covers over secrets or to leave the chroot. Give them all up.
        _linux.drop_capabilities()
    os.umask(0o077)
    _set_rlimits(spec, prepared.nproc, prepared.vm)
    if _linux.available():
        # Parent-death signals are cleared by setuid, so this comes after it.
        _linux.set_pdeathsig(signal.SIGKILL)
        with contextlib.suppress(OSError):
            _linux.prctl(_linux.PR_SET_NO_NEW_PRIVS, 1)  # no setuid binaries to climb back
        # No /proc/<pid>/mem or environ reads by a same-uid neighbour.
        _linux.make_undumpable()
        if prepared.root is None:
            outer.detail["landlock"] = landlock.confine(
                read_only=_system_dirs(),
                read_write=[work, tmp],
                devices=[f"/dev/{d}" for d in ("null", "zero", "urandom", "random")],
                hide=spec.hide,
            )
        # No network at any level, nor the calls that reach other processes or the kernel.
        outer.detail["seccomp"] = seccomp.install()
    _close_other_fds(keep_fds)
    _scrub_environment(work, tmp)
    return work


# -- the private root (namespaces level) ---------------------------------------------------


def _system_dirs() -> list[str]:
    """Read-only binds: the system, and the Python installation with its site-packages."""
    dirs = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc"]
    dirs += [sys.base_prefix, sys.prefix, sys.exec_prefix]
    dirs += [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    out: list[str] = []
    for d in dirs:
        real = os.path.realpath(d)
        if os.path.isdir(real) and real not in out and not os.path.islink(d):
            out.append(real)
    # A folder inside another bound folder needs no bind of its own.
    return [d for d in out if not any(d != o and d.startswith(o + "/") for o in out)]


def _build_root(spec: JailSpec, uid: int) -> dict[str, Any]:
    """Mount the jail's private root; returns what could not be done (for the result)."""
    notes = _mount_root(spec)
    _fill_root(spec.root, spec.scratch, uid)
    return notes


def _mount_root(spec: JailSpec) -> dict[str, Any]:
    """Everything of the private root but the student's files; returns what could not be
    done. Needs the jail's own mount namespace: ``spec.root`` is only a mount point."""
    notes: dict[str, Any] = {}
    root = spec.root
    # Our mounts must not propagate back to the host's mount namespace.
    _linux.mount(None, "/", None, _linux.MS_REC | _linux.MS_PRIVATE, None)
    _linux.mount("tmpfs", root, "tmpfs", _linux.MS_NOSUID | _linux.MS_NODEV, "size=4m,mode=755")
    # The private /tmp and home come first, so that a Python installation living under
    # /tmp (a CI virtualenv, say) is bound on top of them rather than hidden by them.
    size = f"size={spec.limits.scratch_mb}m"
    for name, mode in (("/tmp", "1777"), (JAIL_WORK, "755")):
        os.makedirs(root + name, exist_ok=True)
        _linux.mount(
            "tmpfs", root + name, "tmpfs", _linux.MS_NOSUID | _linux.MS_NODEV, f"{size},mode={mode}"
        )
    binds = _system_dirs()
    for src in binds:
        _bind(src, root + src, readonly=True)
    for link in ("/bin", "/sbin", "/lib", "/lib64", "/lib32"):
        # Merged-/usr systems make these symlinks (bin -> usr/bin): mirror them.
        if os.path.islink(link) and not os.path.lexists(root + link):
            os.symlink(os.readlink(link), root + link)
    _cover(root, spec.hide)
    dev = root + "/dev"
    os.makedirs(dev)
    _linux.mount("tmpfs", dev, "tmpfs", _linux.MS_NOSUID | _linux.MS_NOEXEC, "size=64k,mode=755")
    for name in ("null", "zero", "urandom", "random"):
        Path(dev, name).touch()
        _bind("/dev/" + name, f"{dev}/{name}", readonly=False)
    os.makedirs(root + "/proc")
    flags = _linux.MS_NOSUID | _linux.MS_NODEV | _linux.MS_NOEXEC
    try:
        _linux.mount("proc", root + "/proc", "proc", flags, None)
    except OSError as exc:
        # Without root, the kernel refuses a new /proc where the host's is partly covered
        # (inside many containers). The jail then simply has no /proc.
        notes["proc_error"] = str(exc)
    return notes


def _cover(root: str, hide: Iterable[str]) -> None:
    """Cover each hidden folder that lies inside one we had to show (read-only binds)."""
    binds = _system_dirs()
    for real in _outermost(os.path.realpath(p) for p in hide):
        if any(real == b or real.startswith(b + "/") for b in binds) and os.path.isdir(real):
            _linux.mount("tmpfs", root + real, "tmpfs", _linux.MS_RDONLY, "size=4k,mode=755")


def _fill_root(root: str, scratch: str, uid: int, hide: Iterable[str] = ()) -> None:
    """The student's files into the jail's own home, the folders in ``hide`` covered (a
    spare's request may hide more than it was built for), then the root made read-only."""
    _cover(root, hide)
    # Copied, so that nothing the student writes ever lands on the host.
    shutil.copytree(scratch, root + JAIL_WORK, dirs_exist_ok=True, symlinks=True)
    if os.geteuid() == 0:  # not in a user namespace, where we are mapped to nobody already
        _chown_tree(root + JAIL_WORK, uid, uid)
    # The new root itself becomes read-only once everything is mounted on it.
    _linux.mount(None, root, None, _linux.MS_REMOUNT | _linux.MS_RDONLY | _linux.MS_NOSUID, None)


def _outermost(paths: Iterable[str]) -> list[str]:
    """Drop every path that lies inside another: covering the outer one hides it already."""
    out: list[str] = []
    for path in sorted(set(paths)):
        if not any(path == o or path.startswith(o.rstrip("/") + "/") for o in out):
            out.append(path)
    return out


def _nobody() -> tuple[int, int]:
    """uid and gid of ``nobody``; 65534 (the usual overflow id) where no such user exists."""
    try:
        entry = pwd.getpwnam(NOBODY)
    except KeyError:
        return 65534, 65534
    return entry.pw_uid, entry.pw_gid


def _bind(src: str, dst: str, *, readonly: bool) -> None:
    if os.path.isdir(src):
        os.makedirs(dst, exist_ok=True)
    _linux.mount(src, dst, None, _linux.MS_BIND | _linux.MS_REC, None)
    if readonly:
        flags = _linux.MS_REMOUNT | _linux.MS_BIND | _linux.MS_RDONLY | _linux.MS_NOSUID
        # In a user namespace the source's nodev/noexec are locked: keep them, or the
        # kernel refuses the remount.
        flags |= os.statvfs(src).f_flag & (_linux.MS_NODEV | _linux.MS_NOEXEC)
        _linux.mount(None, dst, None, flags, None)


def _chown_tree(top: str, uid: int, gid: int) -> None:
    os.chown(top, uid, gid)
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, gid, follow_symlinks=False)


# -- limits and hygiene -------------------------------------------------------------------


def _vm_size() -> int:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _threads_of(uid: int) -> int:
    """How many tasks ``uid`` runs now: RLIMIT_NPROC counts them all, machine-wide.

    A stat per process (its owner) is far cheaper than reading every status file.
    """
    count = 0
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            if os.stat(f"/proc/{entry}").st_uid == uid:
                count += len(os.listdir(f"/proc/{entry}/task"))
    return count


def _set_rlimits(spec: JailSpec, nproc: int | None, vm: int | None = None) -> None:
    if vm is None:
        vm = _vm_size()
    lim = spec.limits
    cpu = int(lim.total_time_s) + 2
    wanted = {
        "RLIMIT_CPU": (cpu, cpu + 1),
        "RLIMIT_FSIZE": (lim.file_size_kb * 1024,) * 2,
        "RLIMIT_NOFILE": (lim.open_files,) * 2,
        "RLIMIT_CORE": (0, 0),
    }
    if vm:
        # The jail was forked with torch already mapped: allow that plus the limit.
        wanted["RLIMIT_AS"] = (vm + lim.memory_mb * 2**20,) * 2
    if nproc is not None:
        wanted["RLIMIT_NPROC"] = (nproc, nproc)
    for name, (soft, hard) in wanted.items():
        which = getattr(resource, name, None)
        if which is None:
            continue
        with contextlib.suppress(ValueError, OSError):
            _, cur_hard = resource.getrlimit(which)
            if cur_hard != resource.RLIM_INFINITY:
                hard = min(hard, cur_hard)
                soft = min(soft, hard)
            resource.setrlimit(which, (soft, hard))
    # A write past RLIMIT_FSIZE should be an OSError the student sees, not a silent kill.
    with contextlib.suppress(OSError, ValueError):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def harden_in_place(spec: JailSpec, keep_fds: list[int]) -> dict[str, Any]:
    """Every defence a process can give itself without privilege (the spawned jail).

    Run before any student import; returns what was in force, for the result.
    """
    detail: dict[str, Any] = {"spawned": True}
    tmp = os.path.join(os.path.dirname(spec.scratch), "tmp")
    os.makedirs(tmp, mode=0o700, exist_ok=True)
    os.chdir(spec.scratch)
    if sys.platform != "win32":
        os.umask(0o077)
        _set_rlimits(spec, None)
    if _linux.available():
        with contextlib.suppress(OSError):
            _linux.prctl(_linux.PR_SET_NO_NEW_PRIVS, 1)
        _linux.make_undumpable()
        detail["landlock"] = landlock.confine(
            read_only=_system_dirs(),
            read_write=[spec.scratch, tmp],
            devices=[f"/dev/{d}" for d in ("null", "zero", "urandom", "random")],
            hide=spec.hide,
        )
        detail["seccomp"] = seccomp.install()
    if sys.platform != "win32":
        _close_other_fds(keep_fds)
    _scrub_environment(spec.scratch, tmp)
    return detail


def _close_other_fds(keep: list[int]) -> None:
    fd = 3
    for k in sorted(set(keep)):
        if k >= fd:
            os.closerange(fd, k)
            fd = k + 1
    os.closerange(fd, 65536)


def _scrub_environment(work: str, tmp: str) -> None:
    system = {k: os.environ[k] for k in ("SYSTEMROOT", "WINDIR") if k in os.environ}
    keep = {
        **system,
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": work,
        "TMPDIR": tmp,
        "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    os.environ.clear()
    os.environ.update(keep)
