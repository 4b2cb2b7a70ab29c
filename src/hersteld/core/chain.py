"""Sealing and checking the hash chains of the audit and access logs (issue 15, B3).

Rows are written without a seal (in the write's own transaction, by `core.audit`, also in
bulk); right after the transaction commits, `seal()` links the new rows into their
tenant's chain under a lock, so concurrent writers never wait for each other's hashing.
The daily job seals anything left over. `hersteld verify-log` checks every chain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from hersteld.core.chain_rules import GENESIS, Break, SealedRow, Start, link, verify
from hersteld.core.models import AccessEvent, AuditEvent, ChainCheckpoint, Event

CHAINED: tuple[type[Event], ...] = (AuditEvent, AccessEvent)
SEAL_BATCH = 2000

# The row's content as hashed: every column except the seal itself and `actor` (a removed
# user leaves the row, its actor becomes empty; `actor_name` keeps who it was).
COMMON = (
    "id",
    "created_at",
    "arbodienst_id",
    "employer_id",
    "employee_id",
    "actor_name",
    "object_type",
    "object_id",
    "ip",
    "request_id",
    "channel",
)
OWN = {
    AuditEvent: ("action", "object_repr", "changes", "reason"),
    AccessEvent: ("purpose",),
}


def content_fields(model: type[Event]) -> tuple[str, ...]:
    return COMMON + OWN[model]


def content(model: type[Event], values: dict[str, Any]) -> dict[str, Any]:
    data = {name: values[name] for name in content_fields(model)}
    data["created_at"] = values["created_at"].isoformat(timespec="microseconds")
    return data


def _of_tenant(model: type[Event], tenant: int | None) -> QuerySet[Any]:
    """The rows of one tenant's chain; the operator's own rows have no tenant."""
    if tenant is None:
        return model.objects.filter(arbodienst__isnull=True)
    return model.objects.filter(arbodienst_id=tenant)


def _lock(model: type[Event]) -> None:
    """One sealer per table at a time (on SQLite the write lock already serialises)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"seal:{model._meta.db_table}"]
            )


def _heads(model: type[Event], tenants: set[int | None]) -> dict[int | None, tuple[int, str]]:
    """The last (seq, hash) of each named tenant's chain that has one."""
    heads: dict[int | None, tuple[int, str]] = {}
    for tenant in tenants:
        last = (
            _of_tenant(model, tenant)
            .filter(seal_seq__isnull=False)
            .order_by("-seal_seq")
            .values_list("seal_seq", "seal_hash")
            .first()
        )
        if last is not None:
            heads[tenant] = (last[0], last[1])
        else:
            # Every row was pruned: the chain goes on from the checkpoint.
            start = checkpoint(model, tenant)
            if start.seq:
                heads[tenant] = (start.seq, start.hash)
    return heads


def checkpoint(model: type[Event], tenant: int | None) -> Start:
    """Where the tenant's chain starts: after the last row the retention job removed."""
    latest = (
        ChainCheckpoint.objects.filter(table=model._meta.db_table)
        .filter(arbodienst__isnull=tenant is None)
        .filter(**({} if tenant is None else {"arbodienst_id": tenant}))
        .order_by("-seq")
        .values_list("seq", "seal_hash")
        .first()
    )
    return Start() if latest is None else Start(seq=latest[0], hash=latest[1])


def seal(model: type[Event], batch: int = SEAL_BATCH, rounds: int | None = None) -> int:
    """Link unsealed rows (oldest first) into their tenant's chain, `batch` rows per
    transaction, for at most `rounds` batches (all when None); answers how many."""
    sealed = 0
    while rounds is None or rounds > 0:
        rounds = None if rounds is None else rounds - 1
        with transaction.atomic():
            _lock(model)
            rows = list(
                model.objects.filter(seal_seq__isnull=True)
                .order_by("id")
                .values(*content_fields(model))[:batch]
            )
            if not rows:
                return sealed
            heads = _heads(model, {values["arbodienst_id"] for values in rows})
            updates = []
            for values in rows:
                seq, prev = heads.get(values["arbodienst_id"], (0, GENESIS))
                digest = link(prev, content(model, values))
                heads[values["arbodienst_id"]] = (seq + 1, digest)
                updates.append((seq + 1, prev, digest, values["id"]))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {model._meta.db_table} SET seal_seq = %s, seal_prev = %s, "  # noqa: S608
                    "seal_hash = %s WHERE id = %s AND seal_seq IS NULL",
                    updates,
                )
            sealed += len(updates)
    return sealed


def seal_all(rounds: int | None = None) -> int:
    return sum(seal(model, rounds=rounds) for model in CHAINED)


def _pending() -> None:
    """After a commit that wrote log rows: seal them (once per transaction)."""
    try:
        seal_all(rounds=1)  # a backlog (a bulk import) is left to the daily job
    except Exception:
        import logging

        logging.getLogger("hersteld.core").exception("sealing the log chain failed")


def seal_after_commit(**_: Any) -> None:
    """post_save receiver of the log models: seal once the transaction has committed.

    Not on an in-memory SQLite database (a test server): there every thread shares one
    connection, and a sealer's transaction would interleave with another thread's. The
    daily job seals those rows like any backlog.
    """
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        return
    if seal_is_pending():
        return
    transaction.on_commit(_pending)


def seal_is_pending() -> bool:
    """The current transaction already seals after its commit: one sealing per transaction,
    however many log rows it writes. A savepoint rolled back takes its callback with it, so
    a later row registers again."""
    return any(entry[1] is _pending for entry in connection.run_on_commit)


def rows_of_chain(model: type[Event], arbodienst_id: int | None) -> Iterator[SealedRow]:
    queryset = (
        _of_tenant(model, arbodienst_id)
        .filter(seal_seq__isnull=False)
        .order_by("seal_seq")
        .values(*content_fields(model), "seal_seq", "seal_prev", "seal_hash")
    )
    for values in queryset.iterator(chunk_size=5000):
        yield SealedRow(
            row_id=values["id"],
            seq=values["seal_seq"],
            prev=values["seal_prev"],
            hash=values["seal_hash"],
            content=content(model, values),
        )


def chains(model: type[Event]) -> list[int | None]:
    return sorted(
        set(model.objects.filter(seal_seq__isnull=False).values_list("arbodienst_id", flat=True)),
        key=lambda tenant: -1 if tenant is None else tenant,
    )


def check(
    model: type[Event], progress: Callable[[int], None] | None = None
) -> tuple[int, Break | None]:
    """Rows checked and the first broken link of the table (None when every chain holds)."""
    checked = 0
    for tenant in chains(model):
        start = checkpoint(model, tenant)
        for broken in verify(_counted(rows_of_chain(model, tenant), progress), start):
            return checked, broken
        checked += _of_tenant(model, tenant).filter(seal_seq__isnull=False).count()
    return checked, None


def _counted(
    rows: Iterator[SealedRow], progress: Callable[[int], None] | None
) -> Iterator[SealedRow]:
    for row in rows:
        if progress is not None:
            progress(1)
        yield row


PRUNE_CHUNK = 10_000


def prunable(model: type[Event], tenant: int | None, before: dt.datetime) -> tuple[int, int]:
    """(last seq, rows) of the oldest part of a tenant's chain written before `before`: the
    longest run from the start of the chain in which every row is older (a row written late
    keeps the rows after it until it is old enough itself)."""
    start = checkpoint(model, tenant)
    rows = _of_tenant(model, tenant).filter(seal_seq__gt=start.seq)
    first_young = (
        rows.filter(created_at__gte=before)
        .order_by("seal_seq")
        .values_list("seal_seq", flat=True)
        .first()
    )
    old = rows.filter(seal_seq__isnull=False)
    if first_young is not None:
        old = old.filter(seal_seq__lt=first_young)
    last = old.order_by("-seal_seq").values_list("seal_seq", flat=True).first()
    if last is None:
        return start.seq, 0
    return last, old.count()


def prune(model: type[Event], tenant: int | None, up_to: int) -> int:
    """Remove the tenant's chain up to and including `up_to`, leaving a checkpoint first.

    The only way a log row is ever deleted: on PostgreSQL the append-only trigger lets a
    DELETE through only in a transaction that set `hersteld.retention` (core migration 0002),
    which this function alone does. Call it inside a transaction."""
    _lock(model)
    start = checkpoint(model, tenant)
    if up_to <= start.seq:
        return 0
    last_hash = (
        _of_tenant(model, tenant).filter(seal_seq=up_to).values_list("seal_hash", flat=True).first()
    )
    if last_hash is None:
        return 0
    removed = _of_tenant(model, tenant).filter(seal_seq__gt=start.seq, seal_seq__lte=up_to).count()
    ChainCheckpoint.objects.create(
        table=model._meta.db_table,
        arbodienst_id=tenant,
        seq=up_to,
        seal_hash=last_hash,
        removed=removed,
    )
    table = model._meta.db_table
    tenant_sql = "arbodienst_id IS NULL" if tenant is None else "arbodienst_id = %s"
    tenant_params = [] if tenant is None else [tenant]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('hersteld.retention', 'on', true)")
        low = start.seq
        while low < up_to:
            high = min(low + PRUNE_CHUNK, up_to)
            cursor.execute(
                f"DELETE FROM {table} WHERE {tenant_sql} AND seal_seq > %s AND seal_seq <= %s",  # noqa: S608
                [*tenant_params, low, high],
            )
            low = high
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('hersteld.retention', '', true)")
    return removed


def unsealed(model: type[Event]) -> int:
    return model.objects.filter(seal_seq__isnull=True).count()


def daily_step(today: object, report: Callable[[str, int, int], None]) -> dict[str, int]:
    """Seal rows a bulk write or a failed after-commit left unsealed."""
    report("Seal the logs", 0, 1)
    sealed = seal_all()
    report("Seal the logs", 1, 1)
    return {"log rows sealed": sealed}
