"""Retention of consult notes: they are part of the medical file and go with it
(docs/rules/privacy.md, "Retention")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hersteld.absence.models import AbsenceCase
from hersteld.consults.models import ConsultNote
from hersteld.core.retention import Category, Item
from hersteld.core.retention_rules import last_expired_start
from hersteld.organisations.selectors import retention_terms, tenant_ids


def _items(notes: QuerySet[ConsultNote]) -> list[Item]:
    return [
        Item(pk, tenant, employer)
        for pk, tenant, employer in notes.values_list(
            "pk", "consult__employer__arbodienst_id", "consult__employer_id"
        )
    ]


def _due(today: dt.date, arbodienst_id: int | None) -> Iterable[Item]:
    """Notes written longer ago than the medical term, of no employee with a case on hold.

    A consult note counts from the day it was written, as a medical message does (the
    absence app sees only its own medical notes, not these)."""
    found = Q(pk__in=[])
    for tenant in tenant_ids(arbodienst_id):
        cutoff = last_expired_start(today, retention_terms(tenant).medical)
        before = timezone.make_aware(
            dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time.min)
        )
        found |= Q(consult__employer__arbodienst_id=tenant, created_at__lt=before)
    held = AbsenceCase.objects.filter(hold_since__isnull=False).values("employee_id")
    return _items(ConsultNote.objects.filter(found).exclude(consult__employee_id__in=held))


def _of_employee(employee_id: int) -> Iterable[Item]:
    return _items(ConsultNote.objects.filter(consult__employee_id=employee_id))


def _erase(items: Sequence[Item]) -> int:
    ConsultNote.objects.filter(pk__in=[item.key for item in items]).delete()
    return len(items)


def categories(**_kwargs: Any) -> list[Category]:
    """Receiver of core.signals.retention_categories."""
    return [
        Category(
            key="consult_notes",
            label=str(_("consult notes (medical file)")),
            order=15,
            due=_due,
            erase=_erase,
            of_employee=_of_employee,
        )
    ]
