"""Reads of the audit trail for history tabs, through `restrict`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hersteld.core.models import AuditEvent


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
