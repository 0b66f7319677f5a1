"""A judge process of ``grade-all``: ``python -m grader.batch.worker``, driven over its pipes.

It reads an ``init`` frame (the options), then the seal key as one raw frame when the
hidden tests are sealed (a key never travels in argv or the environment), builds one warm
judge, then answers one ``grade`` frame after another until its input closes. Its own
stdout is the frame channel; anything a library prints goes to stderr instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, Any

from grader.batch import wire
from grader.batch.judging import Judge, Options
from grader.errors import BadInput


def serve(inbox: IO[bytes], outbox: IO[bytes]) -> int:
    init = wire.receive(inbox)
    if init is None:
        return 0
    sealed = None
    if init.get("sealed"):
        from grader.exercise.seal import Sealed, _zero

        key = wire.receive_raw(inbox) or bytearray()
        os.register_at_fork(after_in_child=lambda: _zero(key))
        try:
            sealed = Sealed.read(str(init["sealed"]), key)
        except BadInput as exc:
            wire.send(outbox, {"ok": False, "message": exc.message, "exit_code": exc.exit_code})
            return 0
    try:
        judge = Judge(Options.from_json(init["options"]), sealed)
    except BadInput as exc:
        wire.send(outbox, {"ok": False, "message": exc.message, "exit_code": exc.exit_code})
        return 0
    wire.send(outbox, {"ok": True, "pid": os.getpid(), "max_score": judge.max_score})
    try:
        while (job := wire.receive(inbox)) is not None:
            answer: dict[str, Any] = judge.grade(Path(job["path"]), str(job["student"]))
            answer["id"] = job["id"]
            wire.send(outbox, answer)
    finally:
        judge.close()
    return 0


def main() -> int:
    outbox = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must never land inside a frame
    return serve(sys.stdin.buffer, outbox)


if __name__ == "__main__":
    sys.exit(main())
