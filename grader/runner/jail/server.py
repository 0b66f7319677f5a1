"""The jailed process: finishes the jail, then serves the judge's calls on one socket.

Nothing here is trusted once the student module is imported: every answer is checked by
the judge, and the level the jail reached is taken from the supervisor, not from here.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import sys
import traceback
from pathlib import Path
from typing import Any, NoReturn

from grader.runner import protocol
from grader.runner.jail import spares
from grader.runner.jail.sandbox import Outer, inner_finish, inner_prepare
from grader.runner.limits import JailSpec

MAX_MESSAGE = 2000
MAX_TYPE_NAME = 200
MAX_TRACEBACK = 4000


# -- the jailed process ---------------------------------------------------------------------


def run_jail(spec: JailSpec, outer: Outer, sock_fd: int, out_w: int, go_r: int = -1) -> NoReturn:
    """Finish the jail and serve; a spare (``go_r``) first waits there for its request."""
    code = 0
    try:
        # Its own session and group: kill(0, ...) from student code reaches only the jail.
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        prepared = inner_prepare(spec, outer)
        if go_r >= 0:
            request = spares.read_go(go_r)  # the zygote sends only a request that fits
            if request is None:
                os._exit(0)  # discarded unused
            spec = request
        work = inner_finish(spec, outer, prepared, keep_fds=[sock_fd])
        sys.stdin = open(0, closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", buffering=1, closefd=False, errors="backslashreplace")  # noqa: SIM115
        sys.stderr = open(2, "w", buffering=1, closefd=False, errors="backslashreplace")  # noqa: SIM115
        torch = sys.modules.get("torch")
        if torch is not None:
            torch.set_num_threads(1)
        sock = socket.socket(fileno=sock_fd)
        server = Server(sock, work, spec.entry)
        server.send({"hello": {"detail": outer.detail, "work": work}})
        server.serve()
    except BaseException:
        with contextlib.suppress(BaseException):
            os.write(2, b"grader: the jail could not start:\n" + traceback.format_exc().encode())
        code = 70
    with contextlib.suppress(BaseException):
        sys.stdout.flush()
        sys.stderr.flush()
    # The judge has all the output once the pipe is closed: let it know now, not after the
    # kernel has unmapped a torch-sized address space (several ms).
    os.closerange(0, 3)
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
        kind = type(obj).__name__
        return {
            "$": "handle",
            "id": hid,
            "type": kind[:100] if type(kind) is str else "",
            "name": name,
        }

    def from_handle(self, node: dict[str, Any]) -> Any:
        hid = node.get("id")
        if node.get("$") != "ref" or type(hid) is not int or hid not in self.objects:
            raise protocol.ProtocolError("unknown object reference")
        return self.objects[hid]

    def send(self, message: dict[str, Any]) -> None:
        self.sock.sendall(protocol.pack(message, self.to_handle))

    def answer_where(self, _signum: int, frame: Any) -> None:
        """The judge asks, on a timeout, what we were doing: sent as one frame."""
        importing, student = "", ""
        while frame is not None:
            code = frame.f_code
            if code.co_name == "_find_and_load" and "importlib" in code.co_filename:
                name = frame.f_locals.get("name")
                importing = name if type(name) is str else importing  # the outermost wins
            if not student and code.co_filename.startswith(self.work + "/"):
                where = os.path.basename(code.co_filename)
                student = f"{where} line {frame.f_lineno}, in {code.co_name}()"
            frame = frame.f_back
        with contextlib.suppress(BaseException):
            self.send({"where": {"importing": importing, "student": student}})

    def serve(self) -> None:
        signal.signal(signal.SIGUSR1, self.answer_where)
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
            args, kwargs = req.get("args", []), req.get("kwargs", {})
            value = target(*args, **kwargs)
            if req.get("echo") is True:  # the judge checks that the inputs were left alone
                return {"value": value, "args": args}
            return value
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
    grader_dir = str(Path(__file__).resolve().parents[2]) + "/"
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
    name = type(exc).__name__
    return {
        "type": name[:MAX_TYPE_NAME] if type(name) is str else "Exception",
        "message": message,
        "traceback": tb,
        "memory": memory,
        "protocol": sending or isinstance(exc, protocol.ProtocolError),
    }
