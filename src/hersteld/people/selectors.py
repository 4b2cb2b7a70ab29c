"""Reads of employees and employments, always through `restrict`; person reads log an access event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from hersteld.core import signals, subject
from hersteld.core.actor import Actor
from hersteld.core.audit import record_access
from hersteld.core.models import AccessEvent
from hersteld.organisations.models import Department
from hersteld.people.models import SORT_KEY, Employee, Employment, EmploymentTerms
from hersteld.privacy.selectors import events_about


def employments(user: Actor, action: str = "people.view") -> QuerySet[Employment]:
    return Employment.objects.restrict(user, action).select_related(
        "employee", "employer", "department"
    )


def employment_list(
    user: Actor,
    *,
    search: str = "",
    employer_id: int | None = None,
    department_id: int | None = None,
    in_service: bool | None = None,
    changed_after: dt.datetime | None = None,
) -> QuerySet[Employment]:
    """The employment list: search on name or personnel number; filters; stable order."""
    qs = employments(user)
    if search:
        terms = search.split()
        for term in terms:
            qs = qs.filter(
                Q(employee__surname__icontains=term)
                | Q(employee__first_name__icontains=term)
                | Q(employee__initials__icontains=term)
                | Q(personnel_number__icontains=term)
            )
    if employer_id is not None:
        qs = qs.filter(employer_id=employer_id)
    if department_id is not None:
        # A department filter covers its subdepartments; the rows stay restricted either way.
        path = Department.objects.filter(pk=department_id).values_list("path", flat=True).first()
        qs = qs.filter(department__path__startswith=path) if path else qs.none()
    today = timezone.localdate()
    if in_service is True:
        qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    elif in_service is False:
        qs = qs.filter(end_date__lt=today)
    if changed_after is not None:
        qs = qs.filter(Q(updated_at__gt=changed_after) | Q(employee__updated_at__gt=changed_after))
    # The person's surname and initials as copied onto the employment: the same order as
    # employee__surname, employee__initials, but read from an index of this table.
    return qs.order_by(*SORT_KEY)


def employment(
    user: Actor, pk: int, action: str = "people.view", *, log_access: bool = True
) -> Employment:
    found = get_object_or_404(employments(user, action), pk=pk)
    if log_access:
        record_access(actor=user, obj=found)
    return found


def employees(user: Actor, action: str = "people.view") -> QuerySet[Employee]:
    return Employee.objects.restrict(user, action).select_related("employer")


def employee_list(
    user: Actor,
    *,
    search: str = "",
    employer_id: int | None = None,
    changed_after: dt.datetime | None = None,
) -> QuerySet[Employee]:
    qs = employees(user)
    if search:
        for term in search.split():
            qs = qs.filter(Q(surname__icontains=term) | Q(first_name__icontains=term))
    if employer_id is not None:
        qs = qs.filter(employer_id=employer_id)
    if changed_after is not None:
        qs = qs.filter(updated_at__gt=changed_after)
    return qs.order_by("surname", "initials", "id")


def employee(
    user: Actor, pk: int, action: str = "people.view", *, log_access: bool = True
) -> Employee:
    """One employee, as far as the user may see; every view is written to the access log."""
    found = get_object_or_404(employees(user, action), pk=pk)
    if log_access:
        record_access(actor=user, obj=found)
    return found


def employee_employments(user: Actor, employee: Employee) -> QuerySet[Employment]:
    return employments(user).filter(employee=employee).order_by("-start_date")


def terms_on(employment: Employment, day: dt.date) -> EmploymentTerms | None:
    """Department, function and hours of an employment in force on `day` (None before the start)."""
    return (
        employment.terms.select_related("department")
        .filter(valid_from__lte=day)
        .order_by("-valid_from")
        .first()
    )


def department_in_use(department: Department, end_date: dt.date, **_: Any) -> str | None:
    """Receiver of core.signals.department_ending: employments in service block the end."""
    active = Employment.objects.filter(department__path__startswith=department.path).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=end_date)
    )
    return "department_in_use" if active.exists() else None


def may_see_access_log(user: Actor, employee: Employee) -> bool:
    """The employee himself, or arbodienst staff with audit.view on his behalf (B3).

    The employer's users are left out: the log shows the bedrijfsarts's medical reads, and
    who at the arbodienst looked at the file is the employee's business, not the employer's.
    """
    if user.employee_id is not None and user.employee_id == employee.pk:
        return True
    return (
        user.role in {"arbodienst_admin", "casemanager", "medic"}
        and employees(user, "audit.view").filter(pk=employee.pk).exists()
    )


def access_log(
    user: Actor, employee: Employee, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[AccessEvent]:
    """Who viewed the employee's file; 404 for a reader who may not see it."""
    if not may_see_access_log(user, employee):
        raise Http404
    return events_about(employee.pk, start, end)


EMPLOYEE_FIELDS = ("employer", *Employee.AUDITED, "created_at", "updated_at")
EMPLOYMENT_FIELDS = (
    "employer",
    "department",
    "personnel_number",
    "start_date",
    "end_date",
    "function_name",
    "hours_per_week",
    "annual_salary",
    "contract_type",
    "no_risk_policy",
    "insurance",
    "wia_percentage",
    "created_at",
    "updated_at",
)
TERMS_FIELDS = ("employment", "valid_from", "department", "function_name", "hours_per_week")


def subject_records(
    employee: Employee, requester: Actor, **kwargs: Any
) -> list[signals.SubjectRecords]:
    """Receiver of core.signals.subject_records: the person, his employments and their terms."""
    person = employees(requester).filter(pk=employee.pk)
    held = employments(requester).filter(employee=employee).order_by("start_date", "id")
    terms = EmploymentTerms.objects.filter(employment__in=held).order_by(
        "employment_id", "valid_from"
    )
    return [
        signals.SubjectRecords(
            name="employee",
            title=_("Personal data"),
            rows=subject.rows(person, EMPLOYEE_FIELDS),
            columns=subject.columns(
                Employee,
                ("initials", "first_name", "surname", "birth_date", "bsn", "city", "email"),
            ),
        ),
        signals.SubjectRecords(
            name="employments",
            title=_("Employments"),
            rows=subject.rows(held, EMPLOYMENT_FIELDS),
            columns=subject.columns(
                Employment,
                (
                    "personnel_number",
                    "start_date",
                    "end_date",
                    "function_name",
                    "hours_per_week",
                    "contract_type_display",
                ),
            ),
        ),
        signals.SubjectRecords(
            name="employment_terms",
            title=_("Terms of employment"),
            rows=subject.rows(terms, TERMS_FIELDS),
            columns=subject.columns(
                EmploymentTerms,
                ("employment", "valid_from", "function_name", "hours_per_week"),
                {"employment": _("employment (id)")},
            ),
        ),
    ]
