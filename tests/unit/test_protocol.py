"""The jail <-> judge wire format: round trips, and refusal of everything else."""

from __future__ import annotations

import contextlib
import json
import struct

import numpy as np
import pytest
import torch

from grader.runner import protocol
from grader.runner.protocol import Handle, ProtocolError, pack, unpack


def _no_handles(value: object) -> dict[str, object]:
    raise ProtocolError(f"no handle for {type(value).__name__}")


def _roundtrip(value: object) -> object:
    frame = pack({"v": value}, _no_handles)
    return unpack(frame[4:], lambda node: Handle(node["id"]))["v"]


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        0,
        -(2**70),
        1.5,
        "héllo",
        b"\x00\xff",
        [1, [2, [3]]],
        (1, "a", None),
        {"a": 1, 2: "b", (1, 2): [3]},
        {"$": "tensor", "dtype": "object"},  # data that looks like a tag stays data
    ],
)
def test_plain_values_round_trip(value: object) -> None:
    assert _roundtrip(value) == value


def test_non_finite_floats_round_trip() -> None:
    out = _roundtrip([float("inf"), float("-inf"), float("nan")])
    assert isinstance(out, list)
    assert out[0] == float("inf") and out[1] == float("-inf") and out[2] != out[2]


def test_arrays_and_tensors_round_trip_with_dtype_and_shape() -> None:
    arr = np.arange(6, dtype=np.int16).reshape(2, 3)
    back = _roundtrip(arr)
    assert isinstance(back, np.ndarray) and back.dtype == np.int16
    np.testing.assert_array_equal(back, arr)
    for dtype in (torch.float32, torch.float64, torch.bfloat16, torch.int64, torch.bool):
        t = torch.arange(6).reshape(3, 2).to(dtype)
        got = _roundtrip(t)
        assert isinstance(got, torch.Tensor) and got.dtype == dtype and got.shape == t.shape
        assert torch.equal(got, t)
    assert _roundtrip(torch.empty(0, 3)).shape == (0, 3)
    assert _roundtrip(np.float32(2.5)) == np.float32(2.5)
    grad = _roundtrip(torch.ones(2, requires_grad=True))
    assert isinstance(grad, torch.Tensor) and grad.requires_grad


def test_a_tensor_subclass_arrives_as_a_plain_tensor() -> None:
    class Liar(torch.Tensor):
        def __eq__(self, other: object) -> bool:  # type: ignore[override]
            return True

    liar = torch.zeros(3).as_subclass(Liar)
    got = _roundtrip(liar)
    assert type(got) is torch.Tensor
    assert not torch.equal(got, torch.ones(3))


def test_number_subclasses_arrive_as_plain_numbers() -> None:
    class Always(float):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = float.__hash__

    got = _roundtrip(Always(0.25))
    assert type(got) is float and got == 0.25 and got != 0.5


def test_other_objects_become_handles() -> None:
    made: list[object] = []

    def to_handle(value: object) -> dict[str, object]:
        made.append(value)
        return {"$": "handle", "id": len(made), "type": type(value).__name__, "name": ""}

    frame = pack({"v": [object(), len]}, to_handle)
    back = unpack(frame[4:], lambda node: Handle(node["id"], node["type"]))["v"]
    assert [h.id for h in back] == [1, 2] and back[1].type_name == "builtin_function_or_method"


def _frame(header: object, blobs: bytes = b"") -> bytes:
    head = json.dumps(header).encode()
    return struct.pack(">I", len(head)) + head + blobs


@pytest.mark.parametrize(
    "header, blobs",
    [
        ({"v": {"$": "ndarray", "dtype": "object", "shape": [1], "b": [0, 8]}}, b"\0" * 8),
        ({"v": {"$": "ndarray", "dtype": "float64", "shape": [2], "b": [0, 8]}}, b"\0" * 8),
        ({"v": {"$": "tensor", "dtype": "float32", "shape": [1], "b": [4, 8]}}, b"\0" * 8),
        ({"v": {"$": "tensor", "dtype": "qint8", "shape": [1], "b": [0, 1]}}, b"\0"),
        ({"v": {"$": "pickle", "data": "gASV"}}, b""),
        ({"v": {"$": "ref", "id": 7}}, b""),
        ({"v": {"$": "dict", "items": [[[1], 2]]}}, b""),
        ({"v": {"$": "ndarray", "dtype": "uint8", "shape": [-1], "b": [0, 0]}}, b""),
    ],
)
def test_malformed_values_are_refused(header: object, blobs: bytes) -> None:
    def refuse_refs(node: dict[str, object]) -> object:
        raise ProtocolError("no references here")

    with pytest.raises(ProtocolError):
        unpack(_frame(header, blobs), refuse_refs)


def test_garbage_frames_are_refused() -> None:
    for body in (b"", b"\x00\x00\x00\x09not json!", b"\xff\xff\xff\xff"):
        with pytest.raises(ProtocolError):
            unpack(body, lambda node: None)


def test_deep_nesting_and_cycles_are_refused_when_sending() -> None:
    deep: list[object] = []
    cur = deep
    for _ in range(protocol.MAX_DEPTH + 5):
        nxt: list[object] = []
        cur.append(nxt)
        cur = nxt
    with pytest.raises(ProtocolError):
        pack({"v": deep}, _no_handles)
    cyclic: list[object] = []
    cyclic.append(cyclic)
    with pytest.raises(ProtocolError):
        pack({"v": cyclic}, _no_handles)


def test_frames_over_the_cap_are_refused_before_reading() -> None:
    data = struct.pack(">I", protocol.MAX_FRAME + 1)
    with pytest.raises(ProtocolError):
        protocol.read_frame(lambda n: data[:n])


# -- shapes and types cross unchanged (0-d arrays, numpy scalars) ---------------------------


@pytest.mark.parametrize(
    "value",
    [np.float32(1.5), np.float64(-2.0), np.int64(3), np.array(2.5), np.array(7, dtype=np.int16)],
    ids=["f32 scalar", "f64 scalar", "i64 scalar", "0-d f64", "0-d i16"],
)
def test_zero_dimensional_values_keep_their_shape_and_type(value: object) -> None:
    back = _roundtrip(value)
    assert type(back) is type(value)
    assert np.asarray(back).shape == () and np.asarray(back).dtype == np.asarray(value).dtype
    assert back == value


def test_a_zero_dimensional_tensor_stays_zero_dimensional() -> None:
    back = _roundtrip(torch.tensor(0.25, dtype=torch.float32))
    assert isinstance(back, torch.Tensor) and back.shape == () and back.dtype == torch.float32


# -- hostile frames: a ProtocolError, never anything else, and bounded work -----------------


def _frame(tree: object, blobs: bytes = b"") -> bytes:
    header = json.dumps(tree).encode()
    return struct.pack(">I", len(header)) + header + blobs


@pytest.mark.parametrize(
    "tree, blobs",
    [
        ({"v": {"$": "bigint", "v": "9" * 5000}}, b""),
        ({"v": {"$": "bigint", "v": "12x"}}, b""),
        ({"v": {"$": "float", "v": "one"}}, b""),
        (
            {"v": {"$": "ndarray", "dtype": "float64", "shape": [2**39, 2**39], "b": [0, 8]}},
            b"x" * 8,
        ),
        ({"v": {"$": "ndarray", "dtype": "float64", "shape": [-1], "b": [0, 8]}}, b"x" * 8),
        ({"v": {"$": "tensor", "dtype": "float32", "shape": [3], "b": [0, 8]}}, b"x" * 8),
        ({"v": {"$": "tensor", "dtype": "float32", "shape": [1.5], "b": [0, 4]}}, b"x" * 4),
        ({"v": {"$": "bytes", "b": [2**64, 1]}}, b""),
        ({"v": {"$": "dict", "items": [[[1], 2]]}}, b""),
        ({"v": {"$": "dict", "items": [[1]]}}, b""),
        ({"v": {"$": "nope"}}, b""),
    ],
)
def test_malformed_values_are_protocol_errors(tree: object, blobs: bytes) -> None:
    with pytest.raises(ProtocolError):
        unpack(_frame(tree, blobs), lambda node: Handle(1))


def test_one_blob_referenced_many_times_is_refused_not_copied_each_time() -> None:
    blob = b"\0" * (8 << 20)  # 8 MiB, referenced 100 times: 800 MiB if each were copied
    ref = {"$": "bytes", "b": [0, len(blob)]}
    with pytest.raises(ProtocolError, match="more data"):
        unpack(_frame({"v": [ref] * 100}, blob), lambda node: Handle(1))


def test_a_header_too_large_to_parse_is_refused_before_parsing() -> None:
    tree = {"v": [0] * (protocol.MAX_HEADER // 2 + 10)}
    with pytest.raises(ProtocolError, match="header"):
        unpack(_frame(tree), lambda node: Handle(1))


def test_too_many_nodes_are_refused() -> None:
    tree = {"v": [[0]] * (protocol.MAX_NODES // 2 + 10)}
    with pytest.raises(ProtocolError):
        unpack(_frame(tree), lambda node: Handle(1))


def test_random_trees_decode_or_fail_only_with_protocol_errors() -> None:
    import random

    rng = random.Random(7)
    tags = ["tuple", "dict", "bytes", "bigint", "float", "str", "ndarray", "scalar", "tensor", "x"]
    atoms: list[object] = [0, -1, 2**70, 1.5, "s", None, True, [], [0, 1], [1, 0]]

    def tree(depth: int) -> object:
        if depth > 3 or rng.random() < 0.3:
            return rng.choice(atoms)
        node: dict[str, object] = {"$": rng.choice(tags)}
        for key in ("items", "b", "v", "dtype", "shape"):
            if rng.random() < 0.5:
                node[key] = rng.choice(
                    [tree(depth + 1), [tree(depth + 1)], "float32", "int64", [2, 2], [0, 4]]
                )
        return node

    for _ in range(3000):
        with contextlib.suppress(ProtocolError):
            unpack(_frame({"v": tree(0)}, b"\1" * 64), lambda node: Handle(1))
