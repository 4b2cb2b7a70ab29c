"""Retention of consult notes: they are part of the medical file and go with it
(docs/rules/privacy.md, "Retention")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hersteld.absence.retention import medical_expired
from hersteld.consults.models import ConsultNote
from hersteld.core.retention import Category, Item


def _items(notes: QuerySet[ConsultNote]) -> list[Item]:
    return [
        Item(pk, tenant, employer)
        for pk, tenant, employer in notes.values_list(
            "pk", "consult__employer__arbodienst_id", "consult__employer_id"
        )
    ]


def _due(today: dt.date, arbodienst_id: int | None) -> Iterable[Item]:
    cases = medical_expired(today, arbodienst_id).values("pk")
    return _items(ConsultNote.objects.filter(consult__case_id__in=cases))


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
