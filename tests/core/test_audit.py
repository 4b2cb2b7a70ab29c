"""Audit rows are append-only (docs/rules/privacy.md: logs cannot be altered)."""

from __future__ import annotations

import pytest

from hersteld.core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def test_audit_rows_cannot_be_changed_or_deleted(world) -> None:
    event = AuditEvent.objects.first()
    assert event is not None, "building the world wrote audit rows"
    event.actor_name = "iemand anders"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(actor_name="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
