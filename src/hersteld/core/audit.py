"""Helpers services use to write audit and access events in their own transaction."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from hersteld.core import bulk
from hersteld.core.actor import Actor
from hersteld.core.context import current_meta
from hersteld.core.models import AccessEvent, AuditEvent

# Values that are JSON as they are; checked by exact type first, as most audited values are
# (the bulk import audits about 28 values per row).
_AS_IS = frozenset({str, int, bool, float, type(None)})


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Field values as JSON-safe plain values (foreign keys as ids)."""
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        out[name] = _plain(getattr(obj, attname))
    return out


@functools.cache
def _attnames(model: type[models.Model], fields: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(name, attname) of the audited fields, sorted by name as `diff` sorts them."""
    meta = model._meta
    return tuple(
        (name, getattr(meta.get_field(name), "attname", name)) for name in sorted(set(fields))
    )


def created_values(obj: models.Model, fields: tuple[str, ...]) -> dict[str, list[Any]]:
    """What a create event records, `diff({}, snapshot(obj, fields))`, without the generic
    walk per object: the bulk import audits two objects per row."""
    out: dict[str, list[Any]] = {}
    for name, attname in _attnames(type(obj), fields):
        value = _plain(getattr(obj, attname))
        if value is not None:
            out[name] = [None, value]
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields only: {field: [before, after]}."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _owners(obj: models.Model) -> dict[str, Any]:
    """Find tenant, employer and employee of an object by the names they go by everywhere."""
    owners: dict[str, Any] = {"arbodienst_id": None, "employer_id": None, "employee_id": None}
    for key in owners:
        if hasattr(obj, key):
            owners[key] = getattr(obj, key)
    if owners["arbodienst_id"] is None and owners["employer_id"] is not None:
        employer = getattr(obj, "employer", None)
        owners["arbodienst_id"] = getattr(employer, "arbodienst_id", None)
    type_name = obj._meta.label_lower
    if type_name == "organisations.arbodienst":
        owners["arbodienst_id"] = obj.pk
    elif type_name == "organisations.employer":
        owners["employer_id"] = obj.pk
    elif type_name == "people.employee":
        owners["employee_id"] = obj.pk
    return owners


# Called with every audit row and its object, in the write's transaction (the exchange app
# registers the change feed and the outbox here).
CHANGE_LISTENERS: list[Callable[[AuditEvent, models.Model], None]] = []


def user_or_none(actor: Actor | None) -> Any:
    """The actor as a user row to point at; None for the system or a coupling acting."""
    if isinstance(actor, models.Model) and getattr(actor, "is_authenticated", False):
        return actor
    return None


def _actor_fields(actor: Actor | None) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": "systeem"}
    return {"actor": user_or_none(actor), "actor_name": actor.get_username()}


def record_change(
    *,
    actor: Actor | None,
    action: str,
    obj: models.Model,
    changes: dict[str, Any],
    reason: str = "",
) -> AuditEvent:
    meta = current_meta()
    event = AuditEvent.objects.create(
        **_owners(obj),
        **_actor_fields(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=changes,
        reason=reason,
        ip=meta.ip,
        request_id=meta.request_id,
        channel=meta.channel,
    )
    for listener in CHANGE_LISTENERS:
        listener(event, obj)
    return event


@dataclass(frozen=True)
class Created:
    """One object created in bulk, with what its audit row says: the audited values and the
    tenant, employer and employee it belongs to."""

    obj: models.Model
    values: dict[str, list[Any]]
    arbodienst_id: int
    employer_id: int | None
    employee_id: int | None


# Column order of the rows record_created_many writes (attnames; id and created_at apart).
EVENT_COLUMNS = (
    "arbodienst_id",
    "employer_id",
    "employee_id",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "ip",
    "request_id",
    "channel",
)


def record_created_many(
    *, actor: Actor | None, created: Sequence[Created], now: dt.datetime
) -> None:
    """One create event per object, the rows `record_change` would write one by one, in bulk
    (COPY on PostgreSQL, bulk_create elsewhere): the bulk import's audit trail. No listener
    runs; the caller writes the change feed of these objects itself."""
    meta = current_meta()
    who = _actor_fields(actor)
    actor_id = who["actor"].pk if who["actor"] is not None else None
    rows = [
        (
            item.arbodienst_id,
            item.employer_id,
            item.employee_id,
            actor_id,
            who["actor_name"],
            "create",
            item.obj._meta.label_lower,
            str(item.obj.pk),
            str(item.obj)[:200],
            item.values,
            meta.ip,
            meta.request_id,
            meta.channel,
        )
        for item in created
    ]
    if not bulk.use_copy():
        AuditEvent.objects.bulk_create(
            [AuditEvent(**dict(zip(EVENT_COLUMNS, row, strict=True))) for row in rows],
            batch_size=1000,
        )
        return
    changes_at = EVENT_COLUMNS.index("changes")
    bulk.copy_insert(
        AuditEvent,
        ("created_at", *EVENT_COLUMNS),
        (
            (now, *row[:changes_at], json.dumps(row[changes_at]), *row[changes_at + 1 :])
            for row in rows
        ),
    )


def record_access(*, actor: Actor, obj: models.Model, purpose: str = "view") -> AccessEvent:
    meta = current_meta()
    return AccessEvent.objects.create(
        **_owners(obj),
        **_actor_fields(actor),
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        purpose=purpose,
        ip=meta.ip,
        request_id=meta.request_id,
        channel=meta.channel,
    )


# Audited values that are no field of the object: what an export recorded about itself.
EVENT_LABELS: dict[str, Any] = {
    "request_date": _("Date of the request"),
    "medical_content_included": _("Medical file included"),
    "rows_exported": _("Records exported"),
}


def field_label(event: Any, name: str) -> str:
    """The field's own (translated) label for an audited column name; else a label of
    EVENT_LABELS; else the name."""
    try:
        field = apps.get_model(event.object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        field = None
    label = getattr(field, "verbose_name", None)  # a reverse relation has none
    return str(capfirst(label)) if label else str(EVENT_LABELS.get(name, name))
