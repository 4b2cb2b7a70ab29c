"""Shared pieces of every service: fetch-for-write under lock, and the scope re-check."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404

from hersteld.core.actor import Actor
from hersteld.core.audit import diff, record_change, snapshot
from hersteld.core.validation import fail, message

M = TypeVar("M", bound=models.Model)


def locked(model: type[M], actor: Actor, pk: int, action: str) -> M:
    """Fetch for a write under a row lock; outside the actor's scope it does not exist (404).

    Only the object's own row is locked, and without the key lock: the scope filter joins
    the employer (and more), and a plain FOR UPDATE would lock those rows too, so two
    writes under one employer deadlocked on PostgreSQL (benchmarks/load.py found it: one
    held the employer, the other the exchange feed counter)."""
    queryset = model._default_manager.restrict(actor, action).select_for_update(  # type: ignore[attr-defined]
        of=("self",), no_key=True
    )
    found: M = get_object_or_404(queryset, pk=pk)
    return found


def ensure_in_scope(actor: Actor, obj: models.Model, action: str) -> None:
    """After a write the result must still be reachable by the actor; else roll back (403)."""
    manager = type(obj)._default_manager
    if not manager.restrict(actor, action).filter(pk=obj.pk).exists():  # type: ignore[attr-defined]
        raise PermissionDenied(message("not_allowed"))


def save_and_record(
    *,
    actor: Actor,
    obj: models.Model,
    before: dict[str, Any],
    fields: tuple[str, ...],
    action: str = "update",
    reason: str = "",
    update_fields: list[str] | None = None,
) -> bool:
    """Save and audit only what changed; a no-op write leaves no row (returns False)."""
    changes = diff(before, snapshot(obj, fields))
    if not changes:
        return False
    obj.save(update_fields=update_fields)
    record_change(actor=actor, action=action, obj=obj, changes=changes, reason=reason)
    return True


def set_end_date(*, actor: Actor, obj: Any, end_date: dt.date, fields: tuple[str, ...]) -> None:
    """End an employer, department or employment once; the end is audited like any change."""
    if obj.end_date is not None:
        raise fail("end_date", "already_ended")
    before = snapshot(obj, fields)
    obj.end_date = end_date
    save_and_record(
        actor=actor,
        obj=obj,
        before=before,
        fields=fields,
        action="end",
        update_fields=["end_date", "updated_at"],
    )


def record_created(*, actor: Actor, obj: models.Model, fields: tuple[str, ...]) -> None:
    """Audit a new object with every audited field as its 'after' value."""
    record_change(actor=actor, action="create", obj=obj, changes=diff({}, snapshot(obj, fields)))
