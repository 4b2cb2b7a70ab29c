"""Helpers shared by several test modules."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from hersteld.absence.models import AbsenceCase, CaseNote, Recovery
from hersteld.core.models import AuditEvent


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}  # type: ignore[misc]


def row_counts() -> tuple[int, ...]:
    return (
        AbsenceCase.objects.count(),
        Recovery.objects.count(),
        CaseNote.objects.count(),
        AuditEvent.objects.count(),
    )
