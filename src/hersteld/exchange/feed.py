"""The change feed (X8): every audited write of a person, employment, case or recovery.

Each change gets the next number of one counter row, locked until the writing transaction
commits. So numbers are handed out in commit order: a reader that saw change N never later
finds a committed change below N, and `?cursor=N` skips nothing under concurrent writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from hersteld.core import audit, bulk
from hersteld.core.models import AuditEvent
from hersteld.exchange.models import Change, FeedCounter

# Audited object types that the feed and the outbound streams carry, by their feed name.
FEED_TYPES = {
    "people.employee": "employee",
    "people.employment": "employment",
    "absence.absencecase": "case",
    "absence.recovery": "recovery",
}
COUNTER = "changes"


def next_numbers(count: int) -> range:
    """Reserve `count` consecutive feed numbers; the row stays locked until commit."""
    counter = FeedCounter.objects.select_for_update().filter(name=COUNTER).first()
    if counter is None:
        counter, _ = FeedCounter.objects.get_or_create(name=COUNTER)
        counter = FeedCounter.objects.select_for_update().get(name=COUNTER)
    first = counter.value + 1
    counter.value += count
    counter.save(update_fields=["value"])
    return range(first, first + count)


def department_of(obj: models.Model) -> int | None:
    """The department a change is filed under, so department-scoped readers see it."""
    label = obj._meta.label_lower
    if label == "people.employment":
        return getattr(obj, "department_id", None)
    if label == "absence.absencecase":
        return obj.employment.department_id  # type: ignore[attr-defined]
    if label == "absence.recovery":
        return obj.case.employment.department_id  # type: ignore[attr-defined]
    if label == "people.employee":
        employment = obj.employments.order_by("-start_date").first()  # type: ignore[attr-defined]
        return employment.department_id if employment else None
    return None


def record(event: AuditEvent, obj: models.Model) -> Change | None:
    """Add the feed entry for one audit row (and hand it to the outbox); None for other types."""
    kind = FEED_TYPES.get(event.object_type)
    if kind is None or event.employer_id is None or event.arbodienst_id is None:
        return None
    (seq,) = next_numbers(1)
    change = Change.objects.create(
        seq=seq,
        arbodienst_id=event.arbodienst_id,
        employer_id=event.employer_id,
        department_id=department_of(obj),
        employee_id=event.employee_id,
        object_type=kind,
        object_id=obj.pk,
        action=event.action,
        fields=sorted(event.changes) if isinstance(event.changes, dict) else [],
    )
    from hersteld.exchange import outbox

    outbox.enqueue_for_change(change, obj)
    return change


def record_many(rows: Iterable[dict[str, Any]]) -> int:
    """Bulk form for the import: one locked reservation for all rows, then one insert
    (`COPY` on PostgreSQL, `bulk_create` elsewhere); rows hold Change attnames, seq aside."""
    rows = list(rows)
    if not rows:
        return 0
    numbers = next_numbers(len(rows))
    if not bulk.use_copy():
        Change.objects.bulk_create(
            [Change(seq=seq, **row) for seq, row in zip(numbers, rows, strict=True)],
            batch_size=2000,
        )
        _send_on(numbers, rows)
        return len(rows)
    now = timezone.now()
    names = [name for name in rows[0] if name != "fields"]
    bulk.copy_insert(
        Change,
        ("seq", "occurred_at", *names, "fields"),
        (
            (seq, now, *(row[name] for name in names), json.dumps(row.get("fields", [])))
            for seq, row in zip(numbers, rows, strict=True)
        ),
    )
    _send_on(numbers, rows)
    return len(rows)


def _send_on(numbers: range, rows: list[dict[str, Any]]) -> None:
    """New employments of a bulk write go to the outbox like a portal write (with their person)."""
    from hersteld.exchange import outbox
    from hersteld.people.models import Employment

    employers = {row["employer_id"] for row in rows}
    if not any(outbox.targets(employer_id) for employer_id in employers):
        return
    wanted = {row["object_id"]: row for row in rows if row["object_type"] == "employment"}
    found = Employment.objects.select_related("employee", "department").in_bulk(list(wanted))
    for seq, row in zip(numbers, rows, strict=True):
        if row["object_type"] == "employment" and row["object_id"] in found:
            outbox.enqueue_for_change(Change(seq=seq, **row), found[row["object_id"]])


def _listener(event: AuditEvent, obj: models.Model) -> None:
    record(event, obj)


def connect() -> None:
    if _listener not in audit.CHANGE_LISTENERS:
        audit.CHANGE_LISTENERS.append(_listener)
