"""Frames between the batch and its judge processes: a 4-byte length, then JSON.

Both ends are grader's own code (the workers are ours, never student code), so this is a
plain trusted framing; what a student controls travels inside it as JSON strings.
"""

from __future__ import annotations

import json
import struct
from typing import IO, Any

_HEADER = struct.Struct(">I")
MAX_FRAME = 256 * 2**20


def send(stream: IO[bytes], message: dict[str, Any]) -> None:
    send_raw(stream, json.dumps(message, ensure_ascii=True).encode("ascii"))


def send_raw(stream: IO[bytes], data: bytes | bytearray) -> None:
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def receive(stream: IO[bytes]) -> dict[str, Any] | None:
    """The next message, or None when the other end has gone."""
    data = receive_raw(stream)
    if data is None:
        return None
    message = json.loads(bytes(data))
    if not isinstance(message, dict):
        raise ValueError("a frame is not a JSON object")
    return message


def receive_raw(stream: IO[bytes]) -> bytearray | None:
    """The next frame's bytes in a fresh buffer (a key can be zeroed in it afterwards)."""
    header = _read_exactly(stream, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    if size > MAX_FRAME:
        raise ValueError(f"a frame of {size} bytes is over the limit")
    buffer = _read_exactly(stream, size)
    if buffer is None:
        return None
    return buffer


def _read_exactly(stream: IO[bytes], size: int) -> bytearray | None:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = stream.readinto(view[got:])  # type: ignore[attr-defined]
        if not n:
            return None
        got += n
    return buffer
