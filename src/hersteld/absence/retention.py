"""Retention of the absence records: which cases passed which term, and their erasure.

The re-integration file of a case (its journal and free texts) goes when the case ended
longer ago than the re-integration term (longer for an own-risk bearer); the medical file
of a case when its last change is older than the medical term. Nothing goes of a case
under a legal hold, nor of any other case of the same employee, nor of an employee under a
legal hold of his own (docs/rules/privacy.md).
The higher apps (messages, documents, consults) use `file_expired` and `medical_expired`
for their own records of those cases.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hersteld.absence.models import AbsenceCase, CaseNote, CaseStatus, MedicalNote
from hersteld.core.retention import Category, Item, items_of
from hersteld.core.retention_rules import (
    HOLD,
    Running,
    Terms,
    case_file_years,
    case_terms,
    last_expired_start,
    medical_term,
)
from hersteld.organisations.selectors import retention_terms, tenant_ids
from hersteld.people.models import Employee
from hersteld.people.retention import held_employee_ids as held_people

# The free texts of a case that belong to its re-integration file.
FILE_TEXTS = ("care_address", "deviating_phone", "requested_action_note", "withdrawn_reason")
ZW = Q(own_risk_zw=True) | Q(employer__own_risk_zw=True)
WGA = Q(own_risk_wga=True) | Q(employer__own_risk_wga=True)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def held_employee_ids() -> QuerySet[Employee, Any]:
    """The employees nothing may go of: under a legal hold themselves or on one of their
    cases. The one list every retention category of a person's records leaves out."""
    on_cases = AbsenceCase.objects.filter(hold_since__isnull=False).values("employee_id")
    return Employee.objects.filter(Q(pk__in=held_people()) | Q(pk__in=on_cases)).values("pk")


def not_held(cases: QuerySet[AbsenceCase]) -> QuerySet[AbsenceCase]:
    """Leave out every case of an employee under a legal hold (his own or a case's)."""
    return cases.exclude(employee_id__in=held_employee_ids())


def _ended_by(day: dt.date) -> Q:
    """Cases that ended on or before `day` (a withdrawn one without an end: its first day)."""
    return Q(end_date__lte=day, status__in=[CaseStatus.CLOSED, CaseStatus.WITHDRAWN]) | Q(
        end_date__isnull=True, status=CaseStatus.WITHDRAWN, first_day__lte=day
    )


def file_expired(today: dt.date, arbodienst_id: int | None) -> QuerySet[AbsenceCase]:
    """Cases whose re-integration file has passed its term as of `today` (not held)."""
    found = Q(pk__in=[])
    for tenant in tenant_ids(arbodienst_id):
        terms = retention_terms(tenant)
        for zw in (False, True):
            for wga in (False, True):
                years = case_file_years(terms, own_risk_zw=zw, own_risk_wga=wga)
                found |= (
                    Q(employer__arbodienst_id=tenant)
                    & (ZW if zw else ~ZW)
                    & (WGA if wga else ~WGA)
                    & _ended_by(last_expired_start(today, years))
                )
    return not_held(AbsenceCase.objects.filter(found))


def medical_expired(today: dt.date, arbodienst_id: int | None) -> QuerySet[AbsenceCase]:
    """Cases whose medical file was last changed longer ago than the medical term (not held)."""
    found = Q(pk__in=[])
    for tenant in tenant_ids(arbodienst_id):
        cutoff = last_expired_start(today, retention_terms(tenant).medical)
        found |= Q(employer__arbodienst_id=tenant, last_medical__lt=_start_of(cutoff + ONE_DAY))
    cases = AbsenceCase.objects.annotate(last_medical=Max("medical_notes__created_at"))
    return not_held(cases.filter(found))


ONE_DAY = dt.timedelta(days=1)


def _items(cases: QuerySet[Any], count: int = 1) -> list[Item]:
    return [
        Item(pk, tenant, employer, count)
        for pk, tenant, employer in cases.values_list(
            "pk", "employer__arbodienst_id", "employer_id"
        )
    ]


# --- the re-integration file of a case ------------------------------------------------------


def _due_files(today: dt.date, arbodienst_id: int | None) -> Iterable[Item]:
    return _items(file_expired(today, arbodienst_id).filter(file_erased_on__isnull=True))


def _employee_files(employee_id: int) -> Iterable[Item]:
    cases = AbsenceCase.objects.filter(employee_id=employee_id, file_erased_on__isnull=True)
    return _items(cases)


def erase_files(items: Sequence[Item]) -> int:
    """Delete the journal and empty the free texts of the cases (the case row stays)."""
    ids = [item.key for item in items]
    CaseNote.objects.filter(case_id__in=ids).delete()
    AbsenceCase.objects.filter(pk__in=ids).update(
        **dict.fromkeys(FILE_TEXTS, ""), insurance="", file_erased_on=timezone.localdate()
    )
    return len(ids)


# --- the medical file of a case ---------------------------------------------------------------


def _notes(notes: QuerySet[MedicalNote]) -> list[Item]:
    return items_of(notes)


def _due_medical(today: dt.date, arbodienst_id: int | None) -> Iterable[Item]:
    cases = medical_expired(today, arbodienst_id).values("pk")
    return _notes(MedicalNote.objects.filter(case_id__in=cases))


def _employee_medical(employee_id: int) -> Iterable[Item]:
    return _notes(MedicalNote.objects.filter(employee_id=employee_id))


def erase_medical(items: Sequence[Item]) -> int:
    MedicalNote.objects.filter(pk__in=[item.key for item in items]).delete()
    return len(items)


def categories(**_kwargs: Any) -> list[Category]:
    """Receiver of core.signals.retention_categories."""
    return [
        Category(
            key="medical_notes",
            label=str(_("medical notes (medical file)")),
            order=10,
            due=_due_medical,
            erase=erase_medical,
            of_employee=_employee_medical,
        ),
        Category(
            key="case_files",
            label=str(_("re-integration files (journal and free texts of a case)")),
            order=30,
            due=_due_files,
            erase=erase_files,
            of_employee=_employee_files,
        ),
    ]


# --- what still keeps an employee's records ---------------------------------------------------


def running(employee_ids: list[int], today: dt.date, **_kwargs: Any) -> dict[int, list[Running]]:
    """Receiver of core.signals.retention_running: the terms of the employees' cases that
    still run, and their legal holds."""
    out: dict[int, list[Running]] = defaultdict(list)
    terms: dict[int, Terms] = {}
    cases = AbsenceCase.objects.filter(employee_id__in=employee_ids).annotate(
        last_medical=Max("medical_notes__created_at")
    )
    for case in cases.select_related("employer"):
        tenant = case.employer.arbodienst_id
        if tenant not in terms:
            terms[tenant] = retention_terms(tenant)
        ended = case.end_date
        if case.status == CaseStatus.WITHDRAWN:
            ended = ended or case.first_day
        elif case.status == CaseStatus.OPEN:
            ended = None
        found = case_terms(
            terms[tenant],
            ended=ended,
            own_risk_zw=case.own_risk_zw or case.employer.own_risk_zw,
            own_risk_wga=case.own_risk_wga or case.employer.own_risk_wga,
        )
        if case.last_medical is not None:
            last = timezone.localtime(case.last_medical).date()
            found += medical_term(terms[tenant], last)
        if case.on_hold:
            found.append(Running(HOLD, None, case.hold_reason))
        out[case.employee_id].extend(found)
    return dict(out)
