"""Which coupling's message is being applied right now (so its own changes are not sent back)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_applying: ContextVar[int | None] = ContextVar("applying_coupling", default=None)


@contextmanager
def applying(coupling_id: int) -> Iterator[None]:
    token = _applying.set(coupling_id)
    try:
        yield
    finally:
        _applying.reset(token)


def applying_coupling() -> int | None:
    return _applying.get()
