"""A pool of user ids, one per live jail, as Jobe and isolate do it.

Jails that share a uid can signal each other, read and replace each other's files and
raise or lower a neighbour's score. Each jail therefore runs as a uid no other process on
the machine uses, held for as long as its supervisor lives: an exclusive ``flock`` on a
root-only lock file per uid, released by the kernel when the supervisor ends, however it
ends. Grader processes that know nothing of each other (xdist workers, several CI jobs)
share the pool through the lock files.
"""

from __future__ import annotations

import contextlib
import os
import random
from dataclasses import dataclass

BASE = 1_879_048_192  # 0x70000000: far above any uid a real system hands out
SIZE = 4096
LOCK_DIRS = ("/run/grader-jail-uids", "/var/tmp/grader-jail-uids")


@dataclass
class Lease:
    uid: int
    fd: int  # the lock; closing it returns the uid to the pool

    def release(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


def _lock_dir() -> str:
    for path in LOCK_DIRS:
        with contextlib.suppress(OSError):
            os.makedirs(path, mode=0o700, exist_ok=True)
            st = os.lstat(path)
            # Only a folder of ours, closed to everyone else, may decide who gets a uid.
            if st.st_uid == 0 and st.st_mode & 0o077 == 0 and not os.path.islink(path):
                return path
    raise OSError("no private folder for the uid pool (/run or /var/tmp)")


def _in_use(uid: int) -> bool:
    import pwd  # POSIX only; this module is imported (not used) on Windows too

    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True


def lease() -> Lease:
    """A uid that no other live jail holds; raises OSError if the pool is exhausted."""
    import fcntl

    folder = _lock_dir()
    start = random.randrange(SIZE)
    for i in range(SIZE):
        uid = BASE + (start + i) % SIZE
        if _in_use(uid):
            continue
        fd = os.open(f"{folder}/{uid}", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        return Lease(uid, fd)
    raise OSError(f"all {SIZE} jail uids are in use")
