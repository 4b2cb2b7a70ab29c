"""Reads of the audit trail for history tabs, through `restrict`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from hersteld.core.models import AuditEvent
from hersteld.core.templatetags.audit import field_label


def history_for_employee(user: Any, employee: Any) -> QuerySet[AuditEvent]:
    """Every change of the employee and his employments, newest first."""
    return (
        AuditEvent.objects.restrict(user, "audit.view")
        .filter(employee_id=employee.pk)
        .order_by("-created_at", "-id")
    )


def history_for_object(user: Any, obj: Any) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.restrict(user, "audit.view")
        .filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("-created_at", "-id")
    )


# Audited foreign keys shown by name instead of id: field name -> model label.
REFERENCES = {"department": "organisations.Department", "parent": "organisations.Department"}


def describe(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Give each event `rows` of (label, before, after), referenced objects by name.

    One extra query per referenced model for the whole page, so a history page keeps a
    fixed number of queries.
    """
    events = list(events)
    wanted: dict[str, set[int]] = {}
    for event in events:
        for field, values in event.changes.items():
            if field in REFERENCES:
                wanted.setdefault(REFERENCES[field], set()).update(
                    v for v in values if isinstance(v, int)
                )
    names: dict[str, dict[int, str]] = {}
    for label, ids in wanted.items():
        model = apps.get_model(label)
        names[label] = {pk: str(obj) for pk, obj in model._default_manager.in_bulk(ids).items()}
    for event in events:
        rows = []
        for field, (before, after) in event.changes.items():
            lookup = names.get(REFERENCES.get(field, ""), {})
            rows.append(
                (field_label(event, field), lookup.get(before, before), lookup.get(after, after))
            )
        event.rows = rows  # type: ignore[attr-defined]
    return events
