"""The judge's side of one jail: requests with deadlines, output capture, clean-up."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import threading
import time
from typing import Any, NoReturn

from grader.runner import protocol
from grader.runner.judge.errors import (
    ExitInfo,
    JailDied,
    JailTimeout,
    ProtocolViolation,
    StudentError,
)
from grader.runner.judge.proxy import Proxy
from grader.runner.limits import Limits


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
        self.deadline = time.monotonic() + limits.time_s
        self.budget_s = limits.time_s  # the limit behind the current deadline, for messages
        self.exit: ExitInfo | None = None
        self._status_buf = b""
        self._killed = False

    # -- start ----------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> None:
        """Wait for the supervisor's pid line and the jail's hello (sent before student code)."""
        line = self._status_line(time.monotonic() + timeout)
        if line is None or "pid" not in line:
            raise RuntimeError("the jail supervisor did not start")
        self.jail_pid = int(line["pid"])
        try:
            hello = self._receive(time.monotonic() + timeout, "starting the jail")
        except (JailDied, JailTimeout) as exc:
            raise RuntimeError(
                "the jail could not be set up: " + self.capture.text()[-500:].strip()
            ) from exc
        self._accept_hello(hello)

    def _accept_hello(self, hello: dict[str, Any]) -> None:
        """Record the isolation level the jail reached, from its first message."""
        info = hello.get("hello")
        if not isinstance(info, dict):
            raise RuntimeError("the jail did not say hello")
        self.level = str(info.get("level"))
        self.detail = dict(info.get("detail") or {})

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
        if "error" in reply:
            err = reply["error"]
            if not isinstance(err, dict):
                raise ProtocolViolation("ProtocolError", "malformed error reply", "")
            cls = ProtocolViolation if err.get("protocol") else StudentError
            raise cls(
                str(err.get("type", "Exception")),
                str(err.get("message", "")),
                str(err.get("traceback", "")),
                memory=bool(err.get("memory")),
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
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            self.sock.settimeout(remaining)
            return self.sock.recv(n)

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
        self.kill()
        self._wait_exit(2.0)
        raise JailTimeout(label, self.budget_s)

    def _died(self, label: str) -> NoReturn:
        self._wait_exit(2.0)
        if self.exit is not None and self.exit.killed_by_judge:
            raise JailTimeout(label, self.budget_s)
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
            ready, _, _ = select.select([self.status_fd], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(self.status_fd, 4096)
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
        """End the jail (politely, then not) and wait until everything it left is gone."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        if self.exit is None:
            line = self._status_line(time.monotonic() + 0.5)
            if line is None:
                self.kill()
                self._wait_exit(3.0)
            else:
                self.exit = ExitInfo(line.get("exit"), bool(line.get("oom")), False)
        self.capture.join(timeout=2.0)
        with contextlib.suppress(OSError):
            os.close(self.status_fd)
        return self.exit or ExitInfo(None)

    def output(self) -> str:
        return self.capture.text()
