"""Audit rows are append-only (docs/rules/privacy.md: logs cannot be altered)."""

from __future__ import annotations

import pytest

from hersteld.core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def test_audit_rows_cannot_be_changed_or_deleted() -> None:
    event = AuditEvent.objects.first()
    event.actor_name = "iemand anders"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(actor_name="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_every_demo_write_left_an_audit_row_with_its_actor() -> None:
    assert AuditEvent.objects.filter(actor_name="").count() == 0
    assert AuditEvent.objects.filter(object_type="people.employment", action="create").count() >= 60
