"""The judge's side of one jail: requests with deadlines, output capture, clean-up."""

from __future__ import annotations

import contextlib
import json
import math
import os
import select
import signal
import socket
import threading
import time
from typing import Any, NoReturn

from grader.runner import protocol
from grader.runner.judge import cputime
from grader.runner.judge.errors import (
    ExitInfo,
    JailDied,
    JailTimeout,
    ProtocolViolation,
    StudentError,
)
from grader.runner.judge.proxy import Proxy
from grader.runner.limits import LEVELS, Limits

POLL_S = 0.05  # how often a waiting judge looks at the jail's CPU time
WALL_FACTOR = 4.0
WALL_SLACK_S = 2.0
WHERE_WAIT_S = 0.3
POLITE_END_S = 0.5  # how long a jail asked to end may take before it is killed


def _text(value: Any, default: str, limit: int) -> str:
    return value[:limit] if type(value) is str else default


class OutputCapture(threading.Thread):
    """Drains the jail's stdout+stderr, keeping the first ``cap`` bytes.

    Draining never stops, so a jail that prints gigabytes is not blocked into looking
    like a timeout, and never fills our memory.
    """

    def __init__(self, fd: int, cap: int) -> None:
        super().__init__(daemon=True)
        self.fd = fd
        self.cap = cap
        self.kept = bytearray()
        self.dropped = 0

    def run(self) -> None:
        try:
            while True:
                chunk = os.read(self.fd, 1 << 20)
                if not chunk:
                    break
                room = self.cap - len(self.kept)
                if room > 0:
                    self.kept += chunk[:room]
                self.dropped += max(0, len(chunk) - max(room, 0))
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                os.close(self.fd)

    def text(self) -> str:
        out = self.kept.decode("utf-8", errors="replace")
        if self.dropped:
            out += f"\n[... {self.dropped:,} more bytes of output were dropped]\n"
        return out


class Session:
    """One running jail, seen from the judge."""

    def __init__(
        self, sock: socket.socket, out_fd: int, status_fd: int, supervisor: int, limits: Limits
    ) -> None:
        self.sock = sock
        self.status_fd = status_fd
        self.supervisor = supervisor
        self.limits = limits
        self.capture = OutputCapture(out_fd, limits.output_kb * 1024)
        self.capture.start()
        self.jail_pid: int | None = None
        self.level = "none"
        self.detail: dict[str, Any] = {}
        self.exit: ExitInfo | None = None
        self.cpu_root: int | None = supervisor  # whose descendants the CPU time counts
        self.cpu_seen = 0.0
        self.arm(limits.time_s)
        self._status_buf = b""
        self._killed = False
        self._closing = False

    # -- start ----------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> None:
        """Wait for the supervisor's pid line and the jail's hello (sent before student code).

        The level comes from the supervisor's line: it runs no student code, and the jail
        cannot write to its pipe.
        """
        self.disarm(timeout)
        line = self._status_line(time.monotonic() + timeout)
        if line is None or "pid" not in line or type(line.get("pid")) is not int:
            raise RuntimeError("the jail supervisor did not start")
        self.jail_pid = int(line["pid"])
        level = line.get("level")
        self.level = level if type(level) is str and level in LEVELS else "none"
        try:
            hello = self._receive(time.monotonic() + timeout, "starting the jail")
        except (JailDied, JailTimeout) as exc:
            raise RuntimeError(
                "the jail could not be set up: " + self.capture.text()[-500:].strip()
            ) from exc
        self._accept_hello(hello)

    def _accept_hello(self, hello: dict[str, Any]) -> None:
        """Record what the jail set up before any student code ran (for the result)."""
        info = hello.get("hello")
        if not isinstance(info, dict):
            raise RuntimeError("the jail did not say hello")
        detail = info.get("detail")
        self.detail = dict(detail) if isinstance(detail, dict) else {}

    # -- time limits ----------------------------------------------------------------------
    def arm(self, budget_s: float, wall_cap_s: float | None = None) -> None:
        """Start a time limit of ``budget_s`` CPU seconds for the calls that follow.

        The wall clock is a backstop (a jail that sleeps, or waits on a pipe, uses no CPU):
        ``WALL_FACTOR`` times the budget plus ``WALL_SLACK_S``, never past ``wall_cap_s``.
        Without /proc (macOS, Windows) the wall clock is the limit.
        """
        self.budget_s = budget_s
        self.timed_out_on = "cpu"
        self.where: dict[str, Any] | None = None
        self.cpu_start = self._cpu()
        wall = budget_s if self.cpu_start is None else budget_s * WALL_FACTOR + WALL_SLACK_S
        if wall_cap_s is not None:
            wall = min(wall, wall_cap_s)
        self.deadline = time.monotonic() + max(wall, 0.0)

    def disarm(self, wall_s: float) -> None:
        """No CPU limit, only a wall-clock one (starting the jail is ours, not the student's)."""
        self.budget_s = math.inf
        self.cpu_start = None
        self.deadline = time.monotonic() + wall_s

    def _cpu(self) -> float | None:
        """CPU seconds the jail has used since it started (also kept as ``cpu_seen``)."""
        if self.cpu_root is None or not cputime.available():
            return None
        used = cputime.tree_seconds(self.cpu_root)
        # Processes that ended take their time with them: keep the most ever seen.
        self.cpu_seen = max(self.cpu_seen, used)
        return self.cpu_seen

    def _over_budget(self) -> bool:
        """Checked between waits: the jail used its CPU budget, or the backstop passed."""
        if time.monotonic() >= self.deadline:
            self.timed_out_on = "wall"
            return True
        used = self._cpu()
        if (
            used is not None
            and self.cpu_start is not None
            and used - self.cpu_start > self.budget_s
        ):
            self.timed_out_on = "cpu"
            return True
        return False

    # -- requests -------------------------------------------------------------------------
    def request(self, message: dict[str, Any], label: str) -> Any:
        if self.exit is not None:
            raise JailDied(label, self.exit)
        try:
            frame = protocol.pack(message, self._to_ref)
        except protocol.ProtocolError as exc:
            raise ValueError(f"cannot send this to student code: {exc}") from None
        try:
            self._send(frame, self.deadline)
        except TimeoutError:
            self._timeout(label)
        except OSError:
            self._died(label)
        reply = self._receive(self.deadline, label)
        self._cpu()  # keep the count: the total budget is charged in CPU time
        if "error" in reply:
            err = reply["error"]
            if not isinstance(err, dict):
                raise ProtocolViolation("ProtocolError", "malformed error reply", "")
            cls = ProtocolViolation if err.get("protocol") else StudentError
            # The jail capped these too, but its word is not ours: cap again here.
            raise cls(
                _text(err.get("type"), "Exception", 200),
                _text(err.get("message"), "", 4000),
                _text(err.get("traceback"), "", 8000),
                memory=err.get("memory") is True,
            )
        if "ok" not in reply:
            raise ProtocolViolation("ProtocolError", "reply without a value", "")
        return reply["ok"]

    def _to_ref(self, value: Any) -> dict[str, Any]:
        if isinstance(value, Proxy) and object.__getattribute__(value, "_session") is self:
            return {"$": "ref", "id": object.__getattribute__(value, "_id")}
        raise protocol.ProtocolError(f"a {type(value).__name__} cannot be sent to student code")

    def _from_handle(self, node: dict[str, Any]) -> Any:
        hid = node.get("id")
        if node.get("$") != "handle" or type(hid) is not int:
            raise protocol.ProtocolError("bad handle")
        return Proxy(
            self, hid, str(node.get("type", "object"))[:100], str(node.get("name", ""))[:200]
        )

    # -- transport (a socket to a forked jail; see SpawnSession for pipes) -------------------
    def _send(self, frame: bytes, deadline: float) -> None:
        self.sock.settimeout(max(0.001, deadline - time.monotonic()))
        self.sock.sendall(frame)

    def _read_body(self, deadline: float) -> bytes:
        def read(n: int) -> bytes:
            while True:
                if time.monotonic() >= deadline or self._over_budget():
                    raise TimeoutError
                self.sock.settimeout(min(POLL_S, max(0.001, deadline - time.monotonic())))
                try:
                    return self.sock.recv(n)
                except TimeoutError:
                    continue

        return protocol.read_frame(read)

    def _receive(self, deadline: float, label: str) -> dict[str, Any]:
        try:
            body = self._read_body(deadline)
            return protocol.unpack(body, self._from_handle)
        except TimeoutError:
            self._timeout(label)
        except (EOFError, ConnectionError, OSError):
            self._died(label)
        except protocol.ProtocolError as exc:
            # A jail that sends garbage is killed: its next frame cannot be trusted either.
            self.kill()
            self._wait_exit(2.0)
            raise ProtocolViolation("ProtocolError", str(exc), "") from None

    def _timeout(self, label: str) -> NoReturn:
        budget, on = self.budget_s, self.timed_out_on
        self.where = self._ask_where()
        self.budget_s, self.timed_out_on = budget, on
        self.kill()
        self._wait_exit(2.0)
        raise JailTimeout(label, budget, on=on, where=self.where)

    def _ask_where(self) -> dict[str, Any] | None:
        """Ask a jail that ran out of time what it was doing (for the message only).

        The jail's answer is student-controlled and decides nothing: at worst it words the
        timeout message wrongly. Frames already on their way are skipped.
        """
        if self.jail_pid is None:
            return None
        try:
            self._signal_where()
            self.disarm(WHERE_WAIT_S)  # the jail is killed right after: no limit to restore
            for _ in range(3):
                reply = protocol.unpack(self._read_body(self.deadline), self._from_handle)
                where = reply.get("where")
                if isinstance(where, dict):
                    return {str(k)[:50]: str(v)[:300] for k, v in where.items()}
        except (TimeoutError, EOFError, OSError, protocol.ProtocolError):
            pass
        return None

    def _signal_where(self) -> None:
        if self.jail_pid is not None:
            os.kill(self.jail_pid, signal.SIGUSR1)

    def _died(self, label: str) -> NoReturn:
        self._wait_exit(2.0)
        if self.exit is not None and self.exit.killed_by_judge:
            raise JailTimeout(label, self.budget_s, on=self.timed_out_on, where=self.where)
        raise JailDied(label, self.exit)

    # -- ending ---------------------------------------------------------------------------
    def kill(self) -> None:
        self._killed = True
        if self.jail_pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self.jail_pid, signal.SIGKILL)

    def abandon(self) -> None:
        """Kill the jail and wait until it is gone (its state can no longer be trusted)."""
        self.kill()
        self._wait_exit(2.0)

    def _status_line(self, deadline: float) -> dict[str, Any] | None:
        while b"\n" not in self._status_buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            if self.status_fd < 0:
                return None
            try:
                ready, _, _ = select.select([self.status_fd], [], [], remaining)
            except (OSError, ValueError):
                return None  # the pipe is gone: how the jail ended is unknown
            if not ready:
                return None
            try:
                chunk = os.read(self.status_fd, 4096)
            except OSError:
                return None
            if not chunk:
                return None
            self._status_buf += chunk
        line, _, self._status_buf = self._status_buf.partition(b"\n")
        try:
            data = json.loads(line)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def _wait_exit(self, timeout: float) -> ExitInfo:
        if self.exit is None:
            line = self._status_line(time.monotonic() + timeout)
            if line is None:
                self.exit = ExitInfo(None, killed_by_judge=self._killed)
            else:
                self.exit = ExitInfo(
                    status=line.get("exit") if isinstance(line.get("exit"), int) else None,
                    oom=bool(line.get("oom")),
                    killed_by_judge=self._killed,
                    leftover=int(line.get("leftover") or 0),
                )
        return self.exit

    def close(self) -> ExitInfo:
        """End the jail (politely, then not); its output is complete when this returns.

        A jail that ends politely closes its output first (see ``server.run_jail``): its
        supervisor's word on how it ended, which nothing after the last test needs, is then
        awaited behind the judge's back while the kernel takes the jail apart (about 10 ms
        of namespaces and a torch-sized address space). The supervisor removes what the
        jail left whether anyone waits or not.
        """
        if self.status_fd < 0 or self._closing:  # closed already
            return self.exit or ExitInfo(None)
        self._closing = True
        self._cpu()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.capture.join(timeout=POLITE_END_S)
        if self.exit is None and not self.capture.is_alive():
            threading.Thread(target=self._reap, args=(POLITE_END_S,), daemon=True).start()
            return ExitInfo(None)
        self._reap(0.05)  # it had its polite time already
        self.capture.join(timeout=2.0)
        return self.exit or ExitInfo(None)

    def _reap(self, patience: float) -> None:
        """Wait for the supervisor's last line (killing a jail that does not end), then let
        go of its pipe: closed here exactly once."""
        if self.exit is None:
            line = self._status_line(time.monotonic() + patience)
            if line is None:
                self.kill()
                self._wait_exit(3.0)
            else:
                self.exit = ExitInfo(line.get("exit"), bool(line.get("oom")), False)
        with contextlib.suppress(OSError):
            os.close(self.status_fd)
        self.status_fd = -1

    def output(self) -> str:
        return self.capture.text()
