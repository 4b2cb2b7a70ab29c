"""Retention of documents: their content goes with the case's re-integration file
(docs/rules/privacy.md, "Retention"). The rows stay, empty, for the to-dos they completed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hersteld.absence.retention import file_expired
from hersteld.core.retention import Category, Item, items_of
from hersteld.documents.models import Document, DocumentScan, DocumentSignature

# Documents whose content is already gone have nothing left to erase.
HAS_CONTENT = (
    ~Q(fields={})
    | ~Q(medical_fields={})
    | ~Q(identification={})
    | Q(scans__isnull=False)
    | Q(signatures__isnull=False)
)


def _items(documents: QuerySet[Document]) -> list[Item]:
    found = documents.filter(HAS_CONTENT).distinct()
    return items_of(found, "case__employer")


def _due(today: dt.date, arbodienst_id: int | None) -> Iterable[Item]:
    return _items(
        Document.objects.filter(case_id__in=file_expired(today, arbodienst_id).values("pk"))
    )


def _of_employee(employee_id: int) -> Iterable[Item]:
    return _items(Document.objects.filter(case__employee_id=employee_id))


def _erase(items: Sequence[Item]) -> int:
    ids = [item.key for item in items]
    DocumentScan.objects.filter(document_id__in=ids).delete()
    DocumentSignature.objects.filter(document_id__in=ids).delete()  # names and remarks
    Document.objects.filter(pk__in=ids).update(fields={}, medical_fields={}, identification={})
    return len(ids)


def categories(**_kwargs: Any) -> list[Category]:
    """Receiver of core.signals.retention_categories."""
    return [
        Category(
            key="documents",
            label=str(_("document contents and scans")),
            order=25,
            due=_due,
            erase=_erase,
            of_employee=_of_employee,
        )
    ]
