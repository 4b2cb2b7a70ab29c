"""The hash chain over the audit and access logs, as pure functions (no Django).

Each sealed row carries `seal_seq` (its place in its tenant's chain), `seal_prev` (the hash
of the row before it) and `seal_hash` = SHA-256 of `seal_prev`, a newline and the row's
content as canonical JSON. Changing a sealed row's content, removing a row from the middle
or reordering rows breaks the chain at that row (docs/rules/privacy.md, "Logging").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(content: Mapping[str, Any]) -> str:
    """One spelling of a row's content: sorted keys, no spaces, text for dates and numbers."""
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False
    )


def link(prev: str, content: Mapping[str, Any]) -> str:
    return hashlib.sha256(f"{prev}\n{canonical(content)}".encode()).hexdigest()


@dataclass(frozen=True)
class SealedRow:
    row_id: int
    seq: int
    prev: str
    hash: str
    content: Mapping[str, Any]


@dataclass(frozen=True)
class Break:
    row_id: int
    seq: int
    reason: str  # "content", "previous", "sequence"


def verify(rows: Iterable[SealedRow]) -> Iterator[Break]:
    """The broken links of one chain, read in `seq` order.

    The first row is the anchor: rows before it may have passed their retention term and
    been removed, so its `prev` is taken as given; every later row must follow on exactly.
    """
    previous: SealedRow | None = None
    for row in rows:
        if previous is not None:
            if row.seq != previous.seq + 1:
                yield Break(row.row_id, row.seq, "sequence")
            elif row.prev != previous.hash:
                yield Break(row.row_id, row.seq, "previous")
        if link(row.prev, row.content) != row.hash:
            yield Break(row.row_id, row.seq, "content")
        previous = row
