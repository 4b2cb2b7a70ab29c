"""Reads of absence cases, always through `restrict`; every view of a dossier logs an access event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from hersteld.absence import rules
from hersteld.absence.chains import chain_of, sick_spans, whole_chain_among
from hersteld.absence.models import (
    AbsenceCase,
    CaseKind,
    CaseNote,
    CaseStatus,
    MedicalNote,
    Recovery,
)
from hersteld.accounts.permissions import Role
from hersteld.core import signals, subject
from hersteld.core.actor import Actor
from hersteld.core.audit import record_access
from hersteld.core.models import AuditEvent
from hersteld.core.selectors import audit_events
from hersteld.organisations.models import Department
from hersteld.people import selectors as people_selectors

SORTS = {
    "first_day": ("first_day", "id"),
    "-first_day": ("-first_day", "-id"),
    "week": ("-week_anchor", "id"),
    "-week": ("week_anchor", "id"),
    "name": ("employee__surname", "employee__initials", "id"),
    "-name": ("-employee__surname", "-employee__initials", "-id"),
}
STATUSES = {"open", "closed", "withdrawn", "all"}
MAX_WEEK = 200  # 104 weeks plus at most 52 of a loonsanctie, with room


def cases(user: Actor, action: str = "absence.view") -> QuerySet[AbsenceCase]:
    return AbsenceCase.objects.restrict(user, action).select_related(
        "employee", "employer", "employment", "employment__department"
    )


def case_list(
    user: Actor,
    *,
    status: str = "open",
    kind: str = "",
    employer_id: int | None = None,
    department_id: int | None = None,
    week_min: int | None = None,
    week_max: int | None = None,
    search: str = "",
    changed_after: dt.datetime | None = None,
    sort: str = "-first_day",
    today: dt.date | None = None,
) -> QuerySet[AbsenceCase]:
    """Cases in scope with filters; withdrawn cases only when asked for by status."""
    qs = cases(user)
    if status == "all":
        qs = qs.exclude(status=CaseStatus.WITHDRAWN)
    elif status in STATUSES:
        qs = qs.filter(status=status)
    if kind in CaseKind.values:
        qs = qs.filter(kind=kind)
    if employer_id is not None:
        qs = qs.filter(employer_id=employer_id)
    if department_id is not None:
        path = Department.objects.filter(pk=department_id).values_list("path", flat=True).first()
        qs = qs.filter(employment__department__path__startswith=path) if path else qs.none()
    today = today or timezone.localdate()
    week_min = None if week_min is None else min(max(week_min, 1), MAX_WEEK)
    week_max = None if week_max is None else min(max(week_max, 1), MAX_WEEK)
    # Week n on `today` <=> anchor in (today - 7n, today - 7(n-1)]  (docs/rules/day-arithmetic.md).
    if week_min is not None:
        qs = qs.filter(week_anchor__lte=today - dt.timedelta(days=7 * (week_min - 1)))
    if week_max is not None:
        qs = qs.filter(week_anchor__gt=today - dt.timedelta(days=7 * week_max))
    for term in search.split():
        qs = qs.filter(
            Q(employee__surname__icontains=term)
            | Q(employee__initials__icontains=term)
            | Q(employment__personnel_number__icontains=term)
        )
    if changed_after is not None:
        qs = qs.filter(updated_at__gt=changed_after)
    return qs.order_by(*SORTS.get(sort, SORTS["-first_day"]))


def case(
    user: Actor, pk: int, action: str = "absence.view", *, log_access: bool = True
) -> AbsenceCase:
    """One case as far as the user may see it; every view is written to the access log."""
    found = get_object_or_404(cases(user, action).select_related("chained_to"), pk=pk)
    if log_access:
        record_access(actor=user, obj=found)
    return found


def employment_cases(user: Actor, employment_ids: list[int]) -> QuerySet[AbsenceCase]:
    return (
        cases(user)
        .filter(employment_id__in=employment_ids)
        .exclude(status=CaseStatus.WITHDRAWN)
        .order_by("-first_day", "-id")
    )


def notes(user: Actor, found: AbsenceCase) -> QuerySet[CaseNote]:
    """The journal; an employee does not see other people's notes marked internal."""
    qs = CaseNote.objects.restrict(user, "absence.view").filter(case=found)
    if getattr(user, "role", None) == Role.EMPLOYEE:
        qs = qs.filter(Q(internal=False) | Q(author=user))
    return qs.order_by("-created_at", "-id")


def recoveries(user: Actor, found: AbsenceCase) -> QuerySet[Recovery]:
    return Recovery.objects.restrict(user, "absence.view").filter(case=found).order_by("date", "id")


def medical_notes(user: Actor, found: AbsenceCase) -> QuerySet[MedicalNote]:
    """The medical file of a case: only with medical.view; each read is logged."""
    qs = MedicalNote.objects.restrict(user, "medical.view").filter(case=found)
    record_access(actor=user, obj=found, purpose="medical")
    return qs.order_by("-created_at", "-id")


def can_see_medical(user: Actor, found: AbsenceCase) -> bool:
    return AbsenceCase.objects.restrict(user, "medical.view").filter(pk=found.pk).exists()


def can_see_safety_net(user: Actor, found: AbsenceCase) -> bool:
    return (
        AbsenceCase.objects.restrict(user, "absence.view_safety_net").filter(pk=found.pk).exists()
    )


def can_change(user: Actor, found: AbsenceCase) -> bool:
    return AbsenceCase.objects.restrict(user, "absence.change").filter(pk=found.pk).exists()


def _ids(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.annotate(key=Cast("pk", CharField())).values("key")


def history(user: Actor, found: AbsenceCase) -> QuerySet[AuditEvent]:
    """Changes of the case, its recoveries and its notes (medical ones only with medical.view)."""
    removed = AuditEvent.objects.filter(
        object_type="absence.recovery", action="delete", changes__case__0=found.pk
    ).values("object_id")
    condition = (
        Q(object_type="absence.absencecase", object_id=str(found.pk))
        | Q(object_type="absence.recovery", object_id__in=_ids(found.recoveries.all()))
        | Q(object_type="absence.recovery", object_id__in=removed)
        | Q(object_type="absence.casenote", object_id__in=_ids(found.notes.all()))
        | Q(object_type="absence.medicalnote", object_id__in=_ids(found.medical_notes.all()))
    )
    return audit_events(user).filter(condition).order_by("-created_at", "-id")


@dataclass(frozen=True)
class CaseFacts:
    """What the overview tab shows that is derived, not stored."""

    chain: list[AbsenceCase]
    week: int | None
    sick_days: int
    out_of_service: bool
    reintegration_report: str | None


def facts(found: AbsenceCase, today: dt.date | None = None) -> CaseFacts:
    """Week number and chain (docs/rules/samentelling.md) and, for ziek uit dienst, the UWV
    report (docs/rules/privacy.md)."""
    today = today or timezone.localdate()
    chain = chain_of(found)
    spans = sick_spans(chain)
    until = today if found.end_date is None else found.end_date - dt.timedelta(days=1)
    week = rules.sick_week(spans, until) if found.kind == CaseKind.SICKNESS else None
    employment_end = found.employment.end_date
    out_of_service = (
        found.kind == CaseKind.SICKNESS
        and employment_end is not None
        and employment_end >= found.first_day
        and (found.end_date is None or found.end_date > employment_end)
    )
    report = None
    if out_of_service and employment_end is not None:
        report = rules.reintegration_report(
            rules.sick_days(spans, employment_end),
            full_recovery_expected_within_3_months=found.full_recovery_expected,
        )
    return CaseFacts(
        chain=chain,
        week=week,
        sick_days=rules.sick_days(spans, until),
        out_of_service=out_of_service,
        reintegration_report=report,
    )


def attach_cases(user: Actor, employments: list[Any], **_: Any) -> None:
    """Receiver of core.signals.employments_shown: each employment's cases (one query) and
    whether the user may add one."""
    can_view = user.has_perm_anywhere("absence.view")
    ids = [emp.pk for emp in employments]
    by_employment: dict[int, list[Any]] = {}
    if can_view and ids:
        for case in employment_cases(user, ids):
            by_employment.setdefault(case.employment_id, []).append(case)
    changeable = set(
        people_selectors.employments(user, "absence.change")
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    for emp in employments:
        emp.absence_cases = by_employment.get(emp.pk, [])
        emp.can_see_cases = can_view
        emp.can_add_case = emp.pk in changeable


@dataclass(frozen=True)
class OwnCase:
    """One of the employee's own cases as his start page shows it."""

    case: AbsenceCase
    week: int | None  # the sick week today (open sickness cases)
    chain_first_day: dt.date  # D1 of the chain it is counted in (docs/rules/samentelling.md)
    chained: bool  # counted together with an earlier case


def own_cases(
    user: Actor, *, today: dt.date | None = None, recent_days: int = 365
) -> list[OwnCase]:
    """The user's own open cases and those ended within `recent_days`, newest first.

    One query however many cases: his cases are read once and each chain is walked among
    them in memory. Empty for a user without an employee record of his own.
    """
    if user.employee_id is None:
        return []
    today = today or timezone.localdate()
    mine = list(cases(user).filter(employee_id=user.employee_id).order_by("-first_day", "-id"))
    chainable = {item.pk: item for item in mine if item.kind != CaseKind.PREVENTIVE}
    since = today - dt.timedelta(days=recent_days)
    out = []
    for item in mine:
        if item.status == CaseStatus.WITHDRAWN:
            continue
        if item.status != CaseStatus.OPEN and (item.end_date or item.first_day) < since:
            continue
        chain = whole_chain_among(item, chainable) if item.pk in chainable else [item]
        upto = chain[: chain.index(item) + 1]
        week = None
        if item.kind == CaseKind.SICKNESS and item.status == CaseStatus.OPEN:
            week = rules.sick_week(sick_spans(upto), today)
        out.append(
            OwnCase(item, week=week, chain_first_day=chain[0].first_day, chained=len(upto) > 1)
        )
    out.sort(key=lambda own: (own.case.status != CaseStatus.OPEN, -own.case.first_day.toordinal()))
    return out


CASE_FIELDS = (
    "employment",
    *AbsenceCase.AUDITED,
    "current_sick_percentage",
    "same_cause_by_name",
    "withdrawn_reason",
    "created_at",
    "updated_at",
)
RECOVERY_FIELDS = (
    "case",
    "date",
    "percentage",
    "hours",
    "contract_hours",
    "therapeutic",
    "created_at",
)
NOTE_FIELDS = ("case", "text", "internal", "author_name", "created_at")


def subject_records(
    employee: Any, requester: Actor, medical: bool, **kwargs: Any
) -> list[signals.SubjectRecords]:
    """Receiver of core.signals.subject_records: his cases (reports), recoveries, notes and,
    for a requester with medical.view, the medical notes."""
    own = cases(requester).filter(employee_id=employee.pk).order_by("first_day", "id")
    hidden = subject.hidden_fields(AbsenceCase, requester)
    found = [
        signals.SubjectRecords(
            name="absence_cases",
            title=_("Absence cases"),
            rows=subject.rows(own, [f for f in CASE_FIELDS if f not in hidden]),
            columns=subject.columns(
                AbsenceCase,
                ("kind_display", "status_display", "first_day", "end_date", "sick_percentage"),
            ),
        ),
        signals.SubjectRecords(
            name="recoveries",
            title=_("Recoveries"),
            rows=subject.rows(
                Recovery.objects.restrict(requester, "absence.view")
                .filter(case__employee_id=employee.pk)
                .order_by("date", "id"),
                RECOVERY_FIELDS,
            ),
            columns=subject.columns(
                Recovery, ("case", "date", "percentage", "therapeutic"), {"case": _("case (id)")}
            ),
        ),
        signals.SubjectRecords(
            name="case_notes",
            title=_("Case notes"),
            rows=subject.rows(
                CaseNote.objects.restrict(requester, "absence.view")
                .filter(case__employee_id=employee.pk)
                .order_by("created_at", "id"),
                NOTE_FIELDS,
            ),
            columns=subject.columns(
                CaseNote,
                ("created_at", "author_name", "text", "internal"),
                {"created_at": _("date"), "author_name": _("author")},
            ),
        ),
    ]
    notes = (
        MedicalNote.objects.restrict(requester, "medical.view")
        .filter(employee_id=employee.pk)
        .order_by("created_at", "id")
    )
    found.append(
        signals.SubjectRecords(
            name="medical_notes",
            title=_("Medical notes"),
            rows=subject.rows(notes, NOTE_FIELDS[:2] + NOTE_FIELDS[3:]) if medical else [],
            columns=subject.columns(
                MedicalNote,
                ("created_at", "author_name", "text"),
                {"created_at": _("date"), "author_name": _("author")},
            ),
            omitted=() if medical else ("*",),
        )
    )
    return found
