"""Retention of consult notes, reports and questions (docs/rules/privacy.md, "Retention").

Consult notes are part of the medical file and go with it. A consult's report (the
terugkoppeling) and the employee's question belong to the re-integration file of the case:
they go when the absence app has erased that file (`file_erased_on`). A question of a
consult without a case (the open spreekuur) is medical: it goes after the medical term."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hersteld.absence.retention import held_employee_ids
from hersteld.consults.models import Consult, ConsultNote, Report
from hersteld.core.retention import Category, Item, items_of
from hersteld.core.retention_rules import last_expired_start
from hersteld.organisations.selectors import retention_terms, tenant_ids


def _items(notes: QuerySet[ConsultNote]) -> list[Item]:
    return items_of(notes, "consult__employer")


def _due(today: dt.date, arbodienst_id: int | None) -> Iterable[Item]:
    """Notes written longer ago than the medical term, of no employee under a legal hold.

    A consult note counts from the day it was written, as a medical message does (the
    absence app sees only its own medical notes, not these)."""
    found = Q(pk__in=[])
    for tenant in tenant_ids(arbodienst_id):
        cutoff = last_expired_start(today, retention_terms(tenant).medical)
        before = timezone.make_aware(
            dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time.min)
        )
        found |= Q(consult__employer__arbodienst_id=tenant, created_at__lt=before)
    notes = ConsultNote.objects.filter(found)
    return _items(notes.exclude(consult__employee_id__in=held_employee_ids()))


def _of_employee(employee_id: int) -> Iterable[Item]:
    return _items(ConsultNote.objects.filter(consult__employee_id=employee_id))


def _erase(items: Sequence[Item]) -> int:
    ConsultNote.objects.filter(pk__in=[item.key for item in items]).delete()
    return len(items)


def _due_reports(today: dt.date, arbodienst_id: int | None) -> Iterable[Item]:
    """Reports of consults whose case file has been erased (never under a hold: the absence
    app does not erase a held case's file)."""
    reports = Report.objects.filter(consult__case__file_erased_on__isnull=False)
    if arbodienst_id is not None:
        reports = reports.filter(consult__employer__arbodienst_id=arbodienst_id)
    return items_of(reports, "consult__employer")


def _employee_reports(employee_id: int) -> Iterable[Item]:
    return items_of(Report.objects.filter(consult__employee_id=employee_id), "consult__employer")


def _erase_reports(items: Sequence[Item]) -> int:
    Report.objects.filter(pk__in=[item.key for item in items]).delete()
    return len(items)


def _due_questions(today: dt.date, arbodienst_id: int | None) -> Iterable[Item]:
    """Questions of consults whose case file is erased, and questions without a case (the
    open spreekuur) asked longer ago than the medical term, of no employee under a hold."""
    found = Q(case__file_erased_on__isnull=False)
    for tenant in tenant_ids(arbodienst_id):
        cutoff = last_expired_start(today, retention_terms(tenant).medical)
        before = timezone.make_aware(
            dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time.min)
        )
        found |= Q(case__isnull=True, employer__arbodienst_id=tenant, created_at__lt=before)
    consults = (
        Consult.objects.exclude(question="")
        .filter(found)
        .exclude(employee_id__in=held_employee_ids())
    )
    if arbodienst_id is not None:
        consults = consults.filter(employer__arbodienst_id=arbodienst_id)
    return items_of(consults)


def _employee_questions(employee_id: int) -> Iterable[Item]:
    return items_of(Consult.objects.filter(employee_id=employee_id).exclude(question=""))


def _erase_questions(items: Sequence[Item]) -> int:
    Consult.objects.filter(pk__in=[item.key for item in items]).update(question="")
    return len(items)


def categories(**_kwargs: Any) -> list[Category]:
    """Receiver of core.signals.retention_categories: the reports and questions after the
    absence app's case files (order 30), in the same run."""
    return [
        Category(
            key="consult_reports",
            label=str(_("consult reports (re-integration file)")),
            order=35,
            due=_due_reports,
            erase=_erase_reports,
            of_employee=_employee_reports,
        ),
        Category(
            key="consult_questions",
            label=str(_("questions of the employee for a consult")),
            order=36,
            due=_due_questions,
            erase=_erase_questions,
            of_employee=_employee_questions,
        ),
        Category(
            key="consult_notes",
            label=str(_("consult notes (medical file)")),
            order=15,
            due=_due,
            erase=_erase,
            of_employee=_of_employee,
        ),
    ]
