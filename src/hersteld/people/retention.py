"""Retention of the person: anonymised when every term that keeps his records has passed.

The absence administration is kept until the term after his last employment ended; a
legal hold on the person keeps everything of him until it is lifted; the terms of his cases
(the re-integration file, an own-risk bearer's, the medical file) and their legal holds come
from the apps that keep them (core.signals.retention_running). The row stays, with neutral
values, for the cases and log rows that point at it. Anonymising is audited (action
"anonymise", the fields with their new neutral values only), so the change feed tells the
coupled systems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hersteld.core import signals
from hersteld.core.audit import record_change
from hersteld.core.models import AuditAction
from hersteld.core.retention import Category, Item
from hersteld.core.retention_rules import (
    HOLD,
    Running,
    administration_term,
    last_expired_start,
    still_running,
)
from hersteld.organisations.selectors import retention_terms, tenant_ids
from hersteld.people.models import Employee, Employment, SealedIdentity

# The neutral values of an anonymised person: nothing that points at who he was. The birth
# date keeps its year (the age bands of the absence figures); the rest is emptied.
NEUTRAL: dict[str, Any] = {
    "initials": "X",
    "first_name": "",
    "surname_prefix": "",
    "surname": "Geanonimiseerd",
    "gender": "O",
    "marital_status": "unknown",
    "name_use": "01",
    "bsn": "",
    "postcode": "",
    "street": "",
    "house_number": None,
    "house_number_addition": "",
    "city": "",
    "country": "NL",
    "phone": "",
    "email": "",
    "sealed": False,
}


def held_employee_ids() -> QuerySet[Employee, Any]:
    """The people under a legal hold of their own, as a subquery of ids: every retention
    category leaves their records alone (the absence app adds the holds on cases)."""
    return Employee.objects.filter(hold_since__isnull=False).values("pk")


def running_terms(employees: Sequence[Employee], today: dt.date) -> dict[int, list[Running]]:
    """Per employee, every term that keeps his records (running or not) and his holds."""
    ids = [employee.pk for employee in employees]
    ends: dict[int, list[dt.date | None]] = {pk: [] for pk in ids}
    for pk, end in Employment.objects.filter(employee_id__in=ids).values_list(
        "employee_id", "end_date"
    ):
        ends[pk].append(end)
    out: dict[int, list[Running]] = {}
    for employee in employees:
        terms = retention_terms(employee.employer.arbodienst_id)
        out[employee.pk] = [administration_term(terms, ends[employee.pk])]
        if employee.on_hold:
            out[employee.pk].append(Running(HOLD, None, employee.hold_reason))
    for _receiver, answer in signals.retention_running.send(
        sender=Employee, employee_ids=ids, today=today
    ):
        for pk, found in cast(dict[int, list[Running]], answer or {}).items():
            out.setdefault(pk, []).extend(found)
    return out


def _candidates(today: dt.date, arbodienst_id: int | None) -> QuerySet[Employee]:
    """Not yet anonymised, out of service longer ago than the administration term."""
    found = Q(pk__in=[])
    for tenant in tenant_ids(arbodienst_id):
        cutoff = last_expired_start(today, retention_terms(tenant).administration)
        found |= Q(employer__arbodienst_id=tenant, last_end__lte=cutoff)
    in_service = Employment.objects.filter(end_date__isnull=True).values("employee_id")
    return (
        Employee.objects.filter(anonymised_on__isnull=True)
        .exclude(pk__in=in_service)
        .annotate(last_end=Max("employments__end_date"))
        .filter(found)
        .select_related("employer")
    )


def _due(today: dt.date, arbodienst_id: int | None) -> Iterable[Item]:
    employees = list(_candidates(today, arbodienst_id))
    items = []
    for start in range(0, len(employees), 500):
        batch = employees[start : start + 500]
        terms = running_terms(batch, today)
        for employee in batch:
            if not still_running(terms.get(employee.pk, []), today):
                items.append(
                    Item(employee.pk, employee.employer.arbodienst_id, employee.employer_id)
                )
    return items


def _overwrite(obj: Employee | Employment, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set `values` on `obj`; the audit changes of the fields that changed, each as
    [None, new]: the old value is never written anywhere (that would undo the anonymising)."""
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        if getattr(obj, name) != value:
            changes[name] = [None, _audit_value(value)]
        setattr(obj, name, value)
    return changes


def _audit_value(value: Any) -> Any:
    """A neutral value as the audit trail stores it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def anonymise(employee: Employee, today: dt.date) -> None:
    """Overwrite the person with neutral values; his employments lose what identifies them.

    One audit row per person and per employment (action "anonymise", no actor: the system),
    so the change feed tells the coupled systems; see `_overwrite` for what it holds."""
    SealedIdentity.objects.filter(employee=employee).delete()
    changes = _overwrite(
        employee,
        {
            **NEUTRAL,
            "birth_date": dt.date(employee.birth_date.year, 1, 1),
            "anonymised_on": today,
        },
    )
    employee.save()
    record_change(actor=None, action=AuditAction.ANONYMISE, obj=employee, changes=changes)
    for employment in Employment.objects.filter(employee=employee):
        values = {
            "personnel_number": f"X-{employment.pk}",
            "annual_salary": None,
            "insurance": "",
        }
        found = _overwrite(employment, values)
        # Only these columns: the rest of the employment and its terms stay as they were.
        Employment.objects.filter(pk=employment.pk).update(**values)
        record_change(actor=None, action=AuditAction.ANONYMISE, obj=employment, changes=found)


def _anonymise(items: Sequence[Item]) -> int:
    today = timezone.localdate()
    for employee in Employee.objects.filter(pk__in=[item.key for item in items]):
        anonymise(employee, today)
    return len(items)


def categories(**_kwargs: Any) -> list[Category]:
    """Receiver of core.signals.retention_categories."""
    return [
        Category(
            key="people",
            label=str(_("employees anonymised (absence administration)")),
            order=50,
            due=_due,
            erase=_anonymise,
        )
    ]
