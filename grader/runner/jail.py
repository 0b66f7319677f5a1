"""The student side: a supervisor that builds the jail, and the server that runs inside it.

Process tree (namespaces level)::

    zygote ── supervisor (setsid, subreaper, outer setup, waits) ── jail (PID 1 of its
              own PID namespace; nobody; serves the judge's calls on one socket)

The supervisor outlives the jail only to sweep up anything it left behind, read the
cgroup's OOM counter and tell the judge how the jail ended. Nothing the jail prints is
read by anyone but the output capture.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import socket
import sys
import time
import traceback
from pathlib import Path
from typing import Any, NoReturn

from grader.runner import _linux, protocol
from grader.runner.limits import JailSpec
from grader.runner.sandbox import inner_setup, outer_setup

MAX_MESSAGE = 2000
MAX_TRACEBACK = 4000


# -- supervisor -----------------------------------------------------------------------------


def supervise(spec: JailSpec, sock_fd: int, out_w: int, status_w: int) -> NoReturn:
    """Build the jail, run it, clean up after it; reports to the judge on ``status_w``."""
    try:
        os.setsid()  # our own session and process group, away from the terminal
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if _linux.available():
            _linux.set_pdeathsig(signal.SIGKILL)
            # Orphans of the jail (daemons) are re-parented to us, so we can find them.
            with contextlib.suppress(OSError):
                _linux.prctl(_linux.PR_SET_CHILD_SUBREAPER, 1)
        outer = outer_setup(spec)
        pid = os.fork()
        if pid == 0:
            os.close(status_w)
            _run_jail(spec, outer, sock_fd, out_w)
        os.close(sock_fd)
        os.close(out_w)
        _report(status_w, {"pid": pid, "level": outer.level})
        _, status = os.waitpid(pid, 0)
        leftover = sweep_descendants(os.getpid())
        oom = False
        if outer.cgroup is not None:
            oom = outer.cgroup.oom_killed()
            for _ in range(100):
                if not outer.cgroup.procs():
                    break
                time.sleep(0.01)
            outer.cgroup.remove()
        _report(status_w, {"exit": status, "oom": oom, "leftover": leftover})
    except BaseException:
        with contextlib.suppress(BaseException):
            os.write(2, traceback.format_exc().encode())
    os._exit(0)


def _report(fd: int, data: dict[str, Any]) -> None:
    os.write(fd, json.dumps(data).encode() + b"\n")


def _children_map() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after the last ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _children(pid: int, tree: dict[int, list[int]] | None) -> list[int]:
    """Direct children of ``pid``: from /proc/<pid>/task/*/children where the kernel has it."""
    if tree is not None:
        return tree.get(pid, [])
    out: list[int] = []
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                out += [
                    int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
                ]
    return out


def sweep_descendants(me: int, rounds: int = 200) -> int:
    """SIGKILL every descendant of ``me`` until none is left; returns how many were found."""
    if not os.path.isdir("/proc"):
        return 0
    fast = os.path.exists(f"/proc/{me}/task/{me}/children")
    found: set[int] = set()
    for _ in range(rounds):
        tree = None if fast else _children_map()
        todo, victims = [me], []
        while todo:
            for child in _children(todo.pop(), tree):
                victims.append(child)
                todo.append(child)
        for pid in victims:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        found.update(victims)
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        if not victims:
            break
        time.sleep(0.005)
    return len(found)


# -- the jailed process ---------------------------------------------------------------------


def _run_jail(spec: JailSpec, outer: Any, sock_fd: int, out_w: int) -> NoReturn:
    code = 0
    try:
        # Its own session and group: kill(0, ...) from student code reaches only the jail.
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        work = inner_setup(spec, outer, keep_fds=[sock_fd])
        sys.stdin = open(0, closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", buffering=1, closefd=False, errors="backslashreplace")  # noqa: SIM115
        sys.stderr = open(2, "w", buffering=1, closefd=False, errors="backslashreplace")  # noqa: SIM115
        torch = sys.modules.get("torch")
        if torch is not None:
            torch.set_num_threads(1)
        sock = socket.socket(fileno=sock_fd)
        server = Server(sock, work, spec.entry)
        server.send({"hello": {"level": outer.level, "detail": outer.detail, "work": work}})
        server.serve()
    except BaseException:
        with contextlib.suppress(BaseException):
            os.write(2, b"grader: the jail could not start:\n" + traceback.format_exc().encode())
        code = 70
    with contextlib.suppress(BaseException):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


class Server:
    """Serves one judge: imports the student module and runs the calls it is sent."""

    def __init__(self, sock: socket.socket, work: str, entry: str) -> None:
        self.sock = sock
        self.work = work
        self.entry = entry
        self.objects: dict[int, Any] = {}
        self.next_id = 1
        self.pid = os.getpid()

    # Values that are not data stay here and cross as handles.
    def to_handle(self, obj: Any) -> dict[str, Any]:
        hid = self.next_id
        self.next_id += 1
        self.objects[hid] = obj
        name = ""
        with contextlib.suppress(BaseException):  # student code may run here; it is ours to lose
            raw = getattr(obj, "__qualname__", "") if callable(obj) else ""
            name = raw[:200] if type(raw) is str else ""
        return {"$": "handle", "id": hid, "type": type(obj).__name__, "name": name}

    def from_handle(self, node: dict[str, Any]) -> Any:
        hid = node.get("id")
        if node.get("$") != "ref" or type(hid) is not int or hid not in self.objects:
            raise protocol.ProtocolError("unknown object reference")
        return self.objects[hid]

    def send(self, message: dict[str, Any]) -> None:
        self.sock.sendall(protocol.pack(message, self.to_handle))

    def serve(self) -> None:
        while True:
            try:
                body = protocol.read_frame(self.sock.recv)
            except EOFError:
                return
            try:
                request = protocol.unpack(body, self.from_handle)
                reply = {"ok": self.dispatch(request)}
            except BaseException as exc:
                reply = {"error": describe(exc, self.work)}
            if os.getpid() != self.pid:
                # A child forked by student code fell back into our loop: it must never
                # answer the judge in the server's place.
                os._exit(0)
            try:
                frame = protocol.pack(reply, self.to_handle)
            except BaseException as exc:
                frame = protocol.pack(
                    {"error": describe(exc, self.work, sending=True)}, self.to_handle
                )
            self.sock.sendall(frame)

    def dispatch(self, req: dict[str, Any]) -> Any:
        op = req.get("op")
        if op == "import":
            return self.import_module()
        target: Any = self.objects[req["target"]] if "target" in req else None
        if op == "getattr":
            return getattr(target, req["name"])
        if op == "setattr":
            setattr(target, req["name"], req["value"])
            return None
        if op == "call":
            return target(*req.get("args", ()), **req.get("kwargs", {}))
        if op == "iter":
            return iter(target)
        if op == "next":
            return next(target)
        if op == "len":
            return len(target)
        if op == "getitem":
            return target[req["key"]]
        if op == "release":
            for hid in req.get("ids", []):
                self.objects.pop(hid, None)
            return None
        raise protocol.ProtocolError(f"unknown operation {op!r}")

    def import_module(self) -> Any:
        path = os.path.join(self.work, self.entry)
        name = Path(self.entry).stem
        sys.path.insert(0, self.work)
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {self.entry}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        self.objects[0] = module
        return {"imported": name}


def _safe_str(exc: BaseException) -> str:
    try:
        text = str(exc)
        return text if type(text) is str else ""
    except BaseException:
        return "<the error message could not be shown>"


def describe(exc: BaseException, work: str, *, sending: bool = False) -> dict[str, Any]:
    """An exception as data: type, message and only the student's part of the traceback."""
    message = _safe_str(exc)[:MAX_MESSAGE]
    grader_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + "/"
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.startswith(work + "/") and not f.filename.startswith(grader_dir)
    ]
    # Paths relative to the submission: the jail's own folder means nothing to a student.
    tb = "".join(traceback.format_list(frames)).replace(f'"{work}/', '"')[-MAX_TRACEBACK:]
    if isinstance(exc, SyntaxError) and exc.filename:
        where = os.path.basename(exc.filename)
        tb += f'  File "{where}", line {exc.lineno}\n    {(exc.text or "").strip()}\n'
    memory = isinstance(exc, MemoryError) or "can't allocate memory" in message
    return {
        "type": type(exc).__name__,
        "message": message,
        "traceback": tb,
        "memory": memory,
        "protocol": sending or isinstance(exc, protocol.ProtocolError),
    }
