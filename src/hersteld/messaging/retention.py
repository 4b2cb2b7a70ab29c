"""Retention of messages: the dossier thread goes with the case's re-integration file, the
medical thread with the medical file (docs/rules/privacy.md, "Retention")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hersteld.absence.retention import file_expired, held_employee_ids
from hersteld.core.retention import Category, Item, items_of
from hersteld.core.retention_rules import last_expired_start
from hersteld.messaging.models import Message, ThreadChoices
from hersteld.organisations.selectors import retention_terms, tenant_ids


def _items(messages: QuerySet[Message]) -> list[Item]:
    return items_of(messages)


def _due(today: dt.date, arbodienst_id: int | None) -> Iterable[Item]:
    """Dossier messages of expired files; medical messages older than the medical term, of
    no employee under a legal hold (his own or on a case)."""
    dossier = Q(
        thread=ThreadChoices.CASE, case_id__in=file_expired(today, arbodienst_id).values("pk")
    )
    medical = Q(pk__in=[])
    for tenant in tenant_ids(arbodienst_id):
        cutoff = last_expired_start(today, retention_terms(tenant).medical)
        before = timezone.make_aware(
            dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time.min)
        )
        medical |= Q(employer__arbodienst_id=tenant, created_at__lt=before)
    medical &= Q(thread=ThreadChoices.MEDICAL) & ~Q(employee_id__in=held_employee_ids())
    return _items(Message.objects.filter(dossier | medical))


def _of_employee(employee_id: int) -> Iterable[Item]:
    return _items(Message.objects.filter(employee_id=employee_id))


def _erase(items: Sequence[Item]) -> int:
    """The messages go with their attachments and read receipts."""
    Message.objects.filter(pk__in=[item.key for item in items]).delete()
    return len(items)


def categories(**_kwargs: Any) -> list[Category]:
    """Receiver of core.signals.retention_categories."""
    return [
        Category(
            key="messages",
            label=str(_("messages with their attachments")),
            order=20,
            due=_due,
            erase=_erase,
            of_employee=_of_employee,
        )
    ]
