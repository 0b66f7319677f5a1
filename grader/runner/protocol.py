"""The data-only wire format between the judge and the jail.

Only data crosses: None, bools, numbers, strings, bytes, lists, tuples, dicts, numpy
arrays and torch tensors (as dtype, shape and raw bytes). Every other object stays where
it was made and crosses as a *handle* (an id the other side can call methods on).
Nothing is ever pickled, so decoding a message can never run code.

A frame is ``u32 length | u32 header length | JSON header | blobs``. The JSON header is a
tree in which every JSON object is a tagged node (``{"$": "tuple", ...}``), so data that
merely looks like a tag can never be confused with one. Array bytes live in the blob area
and are referenced by offset and length. Every frame is size-capped before it is read.
"""

from __future__ import annotations

import json
import math
import struct
import sys
from collections.abc import Callable
from typing import Any

MAX_FRAME = 64 * 1024 * 1024
# What the judge parses of one frame is bounded before it parses it: a header of tens of
# megabytes would hold the interpreter lock for seconds, and one blob referenced many
# times would be copied once per reference.
MAX_HEADER = 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000
MAX_DECODED = 128 * 1024 * 1024
MAX_DIMS = 32
MAX_BIGINT_DIGITS = 4000

# dtypes that are plain numbers; an object dtype would let bytes become code.
NUMPY_DTYPES = frozenset(
    {
        *("bool", "int8", "int16", "int32", "int64"),
        *("uint8", "uint16", "uint32", "uint64"),
        *("float16", "float32", "float64", "complex64", "complex128"),
    }
)
TORCH_DTYPES = NUMPY_DTYPES | {"bfloat16"}

_U32 = struct.Struct(">I")


class ProtocolError(Exception):
    """A frame or value that does not follow the protocol (from a broken or hostile peer)."""


class Handle:
    """A reference to an object that lives on the other side."""

    __slots__ = ("id", "name", "type_name")

    def __init__(self, id: int, type_name: str = "object", name: str = "") -> None:
        self.id = id
        self.type_name = type_name
        self.name = name

    def __repr__(self) -> str:
        return f"Handle({self.id}, {self.type_name!r}, {self.name!r})"


# -- encoding -----------------------------------------------------------------------------


class Encoder:
    """Turns a value into a JSON-able tree plus blobs.

    ``to_handle`` decides what becomes of an object that is not data: in the jail it is
    stored and given a handle; in the judge it must already be a reference to a jail object.
    """

    def __init__(self, to_handle: Callable[[Any], dict[str, Any]]) -> None:
        self.to_handle = to_handle
        self.blobs: list[bytes] = []
        self.size = 0
        self.nodes = 0

    def _blob(self, data: bytes) -> list[int]:
        offset = self.size
        self.blobs.append(data)
        self.size += len(data)
        if self.size > MAX_FRAME:
            raise ProtocolError(f"value is larger than the {MAX_FRAME // 2**20} MiB limit")
        return [offset, len(data)]

    def encode(self, value: Any, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ProtocolError(f"value has more than {MAX_NODES:,} parts")
        if depth > MAX_DEPTH:
            raise ProtocolError(f"value is nested deeper than {MAX_DEPTH} levels")
        # Exact type checks: a subclass may override __eq__ and friends, so it is
        # converted to the plain base type (whatever it claims to be) or sent as a handle.
        if value is None or type(value) is bool or type(value) is str:
            return value
        if type(value) is int:
            return value if abs(value) < 2**63 else {"$": "bigint", "v": str(value)}
        if type(value) is float:
            return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
        if type(value) is list:
            return [self.encode(v, depth + 1) for v in value]
        if type(value) is tuple:
            return {"$": "tuple", "items": [self.encode(v, depth + 1) for v in value]}
        if type(value) is dict:
            items = [
                [self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()
            ]
            return {"$": "dict", "items": items}
        if type(value) in (bytes, bytearray):
            return {"$": "bytes", "b": self._blob(bytes(value))}
        array = _encode_array(self, value)
        if array is not None:
            return array
        return self.to_handle(value)


def _encode_array(enc: Encoder, value: Any) -> dict[str, Any] | None:
    np = sys.modules.get("numpy")
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        t = value.detach()
        if t.layout != torch.strided or t.device.type != "cpu" or t.is_quantized:
            return None
        t = torch.Tensor.contiguous(torch.Tensor.as_subclass(t, torch.Tensor))
        dtype = str(t.dtype).removeprefix("torch.")
        if dtype not in TORCH_DTYPES:
            return None
        raw = t.view(torch.int16) if dtype == "bfloat16" else t
        data = raw.numpy().tobytes()
        return {
            "$": "tensor",
            "dtype": dtype,
            "shape": list(t.shape),
            "requires_grad": bool(value.requires_grad),
            "b": enc._blob(data),
        }
    if np is not None and isinstance(value, np.ndarray | np.generic):
        # np.array(..., order="C") keeps a 0-d array 0-d (ascontiguousarray makes it 1-d).
        arr = np.array(np.asarray(value).view(np.ndarray), order="C", copy=True)
        dtype = arr.dtype.name
        if dtype not in NUMPY_DTYPES:
            return None
        return {
            "$": "scalar" if isinstance(value, np.generic) else "ndarray",
            "dtype": dtype,
            "shape": list(arr.shape),
            "b": enc._blob(arr.tobytes()),
        }
    # Plain numbers of other kinds (subclasses of int/float, Fraction, ...) are sent as
    # what they say they are, so the judge only ever sees a real int or float.
    if isinstance(value, int):
        return {"$": "bigint", "v": str(int.__int__(value))}
    if isinstance(value, float):
        return {"$": "float", "v": repr(float.__float__(value))}
    if isinstance(value, str):
        return {"$": "str", "v": str.__str__(value)}
    return None


def pack(message: dict[str, Any], to_handle: Callable[[Any], dict[str, Any]]) -> bytes:
    """Encode one message (a dict of str keys) into a frame."""
    enc = Encoder(to_handle)
    tree = {key: enc.encode(value) for key, value in message.items()}
    header = json.dumps(tree, separators=(",", ":"), allow_nan=False).encode()
    if len(header) > MAX_HEADER:
        raise ProtocolError(
            f"value has too many parts to send ({len(header):,} bytes of structure; "
            f"arrays and tensors are not limited this way)"
        )
    body = _U32.pack(len(header)) + header + b"".join(enc.blobs)
    if len(body) > MAX_FRAME:
        raise ProtocolError(f"message is larger than the {MAX_FRAME // 2**20} MiB limit")
    return _U32.pack(len(body)) + body


# -- decoding -----------------------------------------------------------------------------


class Decoder:
    """Turns a JSON tree plus blobs back into fresh, plain values; validates everything."""

    def __init__(self, blobs: bytes, from_handle: Callable[[dict[str, Any]], Any]) -> None:
        self.blobs = blobs
        self.from_handle = from_handle
        self.nodes = 0
        self.decoded = 0

    def _bytes(self, ref: Any) -> bytes:
        if (
            not isinstance(ref, list)
            or len(ref) != 2
            or not all(type(x) is int and x >= 0 for x in ref)
            or ref[0] + ref[1] > len(self.blobs)
        ):
            raise ProtocolError("bad blob reference")
        self.decoded += ref[1]
        if self.decoded > MAX_DECODED:
            raise ProtocolError("value decodes to more data than the frame holds")
        return self.blobs[ref[0] : ref[0] + ref[1]]

    def decode(self, node: Any, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH + 2:
            raise ProtocolError("value is too large or too deep")
        if node is None or isinstance(node, bool | int | float | str):
            return node
        if isinstance(node, list):
            return [self.decode(v, depth + 1) for v in node]
        if not isinstance(node, dict):
            raise ProtocolError(f"unexpected JSON value {type(node).__name__}")
        tag = node.get("$")
        if tag == "tuple":
            return tuple(self.decode(v, depth + 1) for v in _list(node, "items"))
        if tag == "dict":
            out: dict[Any, Any] = {}
            for pair in _list(node, "items"):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise ProtocolError("bad dict item")
                key = self.decode(pair[0], depth + 1)
                try:
                    out[key] = self.decode(pair[1], depth + 1)
                except TypeError as exc:  # an unhashable key, e.g. a list
                    raise ProtocolError(f"bad dict key: {exc}") from None
            return out
        if tag == "bytes":
            return self._bytes(node.get("b"))
        if tag == "bigint":
            digits = _str(node, "v")
            if len(digits) > MAX_BIGINT_DIGITS:
                raise ProtocolError(f"integer with more than {MAX_BIGINT_DIGITS} digits")
            try:
                return int(digits)
            except ValueError:
                raise ProtocolError("bad integer") from None
        if tag == "float":
            try:
                return float(_str(node, "v"))
            except ValueError:
                raise ProtocolError("bad float") from None
        if tag == "str":
            return _str(node, "v")
        if tag in ("ndarray", "scalar"):
            return self._numpy(node)
        if tag == "tensor":
            return self._tensor(node)
        if tag in ("handle", "ref"):
            return self.from_handle(node)
        raise ProtocolError(f"unknown tag {tag!r}")

    def _shape(self, node: dict[str, Any]) -> tuple[int, ...]:
        shape = node.get("shape")
        if (
            not isinstance(shape, list)
            or len(shape) > MAX_DIMS
            or not all(type(d) is int and 0 <= d < 2**40 for d in shape)
        ):
            raise ProtocolError("bad array shape")
        return tuple(shape)

    def _numpy(self, node: dict[str, Any]) -> Any:
        import numpy as np

        dtype = _str(node, "dtype")
        if dtype not in NUMPY_DTYPES:
            raise ProtocolError(f"array dtype {dtype!r} is not allowed")
        shape = self._shape(node)
        data = self._bytes(node.get("b"))
        dt = np.dtype(dtype)
        if math.prod(shape) * dt.itemsize != len(data):
            raise ProtocolError("array bytes do not match its shape")
        arr = np.frombuffer(data, dtype=dt).reshape(shape).copy()
        return arr[()] if node["$"] == "scalar" else arr

    def _tensor(self, node: dict[str, Any]) -> Any:
        import torch

        dtype = _str(node, "dtype")
        if dtype not in TORCH_DTYPES:
            raise ProtocolError(f"tensor dtype {dtype!r} is not allowed")
        shape = self._shape(node)
        data = self._bytes(node.get("b"))
        tdtype = getattr(torch, dtype)
        itemsize = torch.empty((), dtype=tdtype).element_size()
        if math.prod(shape) * itemsize != len(data):
            raise ProtocolError("tensor bytes do not match its shape")
        if not data:
            t = torch.empty(shape, dtype=tdtype)
        else:
            t = torch.frombuffer(bytearray(data), dtype=tdtype).reshape(shape).clone()
        if node.get("requires_grad") is True and t.is_floating_point():
            t.requires_grad_(True)
        return t


def _list(node: dict[str, Any], key: str) -> list[Any]:
    value = node.get(key)
    if not isinstance(value, list):
        raise ProtocolError(f"expected a list under {key!r}")
    return value


def _str(node: dict[str, Any], key: str) -> str:
    value = node.get(key)
    if not isinstance(value, str) or len(value) > 10_000:
        raise ProtocolError(f"expected text under {key!r}")
    return value


def unpack(body: bytes, from_handle: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    """Decode a frame body (without its length prefix) into a message dict."""
    if len(body) < 4:
        raise ProtocolError("truncated frame")
    (hlen,) = _U32.unpack_from(body)
    if hlen > len(body) - 4:
        raise ProtocolError("truncated frame header")
    if hlen > MAX_HEADER:
        raise ProtocolError(f"frame header of {hlen:,} bytes exceeds {MAX_HEADER:,}")
    try:
        tree = json.loads(body[4 : 4 + hlen])
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"frame header is not valid JSON: {str(exc)[:200]}") from None
    if not isinstance(tree, dict):
        raise ProtocolError("frame header is not an object")
    dec = Decoder(body[4 + hlen :], from_handle)
    try:
        return {str(k): dec.decode(v) for k, v in tree.items()}
    except ProtocolError:
        raise
    except Exception as exc:  # whatever a hostile tree makes numpy, torch or int() do
        raise ProtocolError(f"undecodable value: {type(exc).__name__}") from None


# -- framing over a file descriptor ---------------------------------------------------------


def read_exact(read: Callable[[int], bytes], n: int) -> bytes:
    chunks = []
    while n:
        chunk = read(min(n, 1 << 20))
        if not chunk:
            raise EOFError("peer closed the connection")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_frame(read: Callable[[int], bytes], max_frame: int = MAX_FRAME) -> bytes:
    (length,) = _U32.unpack(read_exact(read, 4))
    if length > max_frame:
        raise ProtocolError(f"frame of {length:,} bytes exceeds the {max_frame:,} byte limit")
    return read_exact(read, length)
