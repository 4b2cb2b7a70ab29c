"""Request metadata (request id, client IP, channel) carried to services without passing it around.

Services read it when they write audit and access events; outside a request
(CLI, worker) the defaults say so.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestMeta:
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ip: str | None = None
    channel: str = "system"  # "ui", "api", "cli" or "system"


_current: ContextVar[RequestMeta | None] = ContextVar("hersteld_request_meta", default=None)


def current_meta() -> RequestMeta:
    meta = _current.get()
    return meta if meta is not None else RequestMeta()


@contextmanager
def request_meta(meta: RequestMeta) -> Iterator[RequestMeta]:
    token = _current.set(meta)
    try:
        yield meta
    finally:
        _current.reset(token)
