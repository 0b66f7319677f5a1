"""Judge-side stand-ins for objects that live in the jail.

A ``Proxy`` forwards attribute reads, calls, iteration, ``len`` and indexing to the jail,
and returns plain data (or further proxies). Comparison, hashing and truth use the
judge's own object rules, so nothing the student defines (an ``__eq__`` that is always
true, say) can ever run in the judge.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from grader.exercise.errors import StudentError


class Requester(Protocol):
    """The judge's side of a jail (``session.Session``), as a proxy needs it."""

    def request(self, message: dict[str, Any], label: str) -> Any: ...


class Proxy:
    __slots__ = ("_id", "_name", "_session", "_type")

    def __init__(self, session: Requester, hid: int, type_name: str, name: str) -> None:
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_id", hid)
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_name", name or type_name)

    def _request(self, op: str, label: str, **fields: Any) -> Any:
        session: Requester = object.__getattribute__(self, "_session")
        return session.request(
            {"op": op, "target": object.__getattribute__(self, "_id"), **fields}, label
        )

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        value = self._request("getattr", name, name=name)
        if isinstance(value, Proxy) and object.__getattribute__(value, "_name") in ("", "function"):
            object.__setattr__(value, "_name", name)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        self._request("setattr", f"setting {name}", name=name, value=value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = object.__getattribute__(self, "_name")
        return self._request("call", f"{name}()", args=list(args), kwargs=dict(kwargs))

    def _grader_call_echo(self, args: list[Any], kwargs: dict[str, Any]) -> tuple[Any, list[Any]]:
        """Call, and get back the jail's copies of the arguments as they are afterwards."""
        name = object.__getattribute__(self, "_name")
        reply = self._request("call", f"{name}()", args=args, kwargs=kwargs, echo=True)
        if not isinstance(reply, dict) or not isinstance(reply.get("args"), list):
            raise StudentError("ProtocolError", "a call did not send its arguments back", "")
        return reply.get("value"), reply["args"]

    def __iter__(self) -> Iterator[Any]:
        name = object.__getattribute__(self, "_name")
        iterator = self._request("iter", f"iter({name})")
        if not isinstance(iterator, Proxy):
            yield from iterator if isinstance(iterator, list | tuple) else ()
            return
        while True:
            try:
                yield iterator._request("next", f"next({name})")
            except StudentError as exc:
                if exc.type_name == "StopIteration":
                    return
                raise

    def __len__(self) -> int:
        try:
            value = self._request("len", "len()")
        except StudentError as exc:
            if exc.type_name == "TypeError":
                # list() and friends probe len() and expect TypeError for "unsized".
                raise TypeError(exc.message) from None
            raise
        if type(value) is not int:
            raise TypeError("len() of a student object did not return an int")
        return value

    def __getitem__(self, key: Any) -> Any:
        return self._request("getitem", "[...]", key=key)

    def __repr__(self) -> str:
        kind = object.__getattribute__(self, "_type")
        name = object.__getattribute__(self, "_name")
        return f"<student {kind} {name}>"


def is_proxy(value: Any) -> bool:
    return isinstance(value, Proxy)
