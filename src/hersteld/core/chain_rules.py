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


@dataclass(frozen=True)
class Start:
    """Where a chain begins: after the row with `seq` and `hash` (the last row the retention
    job removed), or at the genesis when nothing was removed."""

    seq: int = 0
    hash: str = GENESIS


def verify(rows: Iterable[SealedRow], start: Start | None = None) -> Iterator[Break]:
    """The broken links of one chain, read in `seq` order.

    The first row must follow on `start` (the genesis, or the checkpoint the retention job
    left when it removed the oldest rows); rows up to the checkpoint that a half-finished
    prune left behind are passed over. Every later row must follow on the one before it.
    """
    previous = start or Start()
    expected_seq, expected_prev = previous.seq, previous.hash
    for row in rows:
        if row.seq <= previous.seq:
            continue
        if row.seq != expected_seq + 1:
            yield Break(row.row_id, row.seq, "sequence")
        elif row.prev != expected_prev:
            yield Break(row.row_id, row.seq, "previous")
        if link(row.prev, row.content) != row.hash:
            yield Break(row.row_id, row.seq, "content")
        expected_seq, expected_prev = row.seq, row.hash
