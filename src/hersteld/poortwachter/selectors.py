"""Reads of to-dos and signals, always through `restrict`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from hersteld.absence.chains import whole_chain
from hersteld.absence.models import AbsenceCase, CaseStatus
from hersteld.accounts.permissions import Role
from hersteld.poortwachter.models import HolidayDecree, Notification, Todo
from hersteld.poortwachter.workdays import builtin_decrees

SORTS = {
    "due": ("due", "id"),
    "-due": ("-due", "-id"),
    "name": ("case__employee__surname", "case__employee__initials", "due", "id"),
}


def visible(user: Any, action: str = "absence.view") -> QuerySet[Todo]:
    """To-dos in scope; an employee sees only the Poortwachter steps, not manual to-dos or notes."""
    qs = Todo.objects.restrict(user, action)
    if getattr(user, "role", None) == Role.EMPLOYEE:
        qs = qs.exclude(code="")
    return qs


def todos(user: Any, action: str = "absence.view") -> QuerySet[Todo]:
    return visible(user, action).select_related(
        "case__employee", "case__employer", "case__employment__department"
    )


def case_todos(user: Any, case: AbsenceCase) -> QuerySet[Todo]:
    """The to-dos of the chain `case` belongs to (they live on its latest case)."""
    chain = [item.pk for item in whole_chain(case)]
    return visible(user).filter(case_id__in=chain).order_by("due", "code", "number", "id")


def worklist(
    user: Any,
    *,
    days: int = 14,
    overdue_only: bool = False,
    party: str = "",
    employer_id: int | None = None,
    sort: str = "due",
    today: dt.date | None = None,
) -> QuerySet[Todo]:
    """Everything overdue, and everything due within `days`, of open cases in the user's scope."""
    today = today or timezone.localdate()
    days = min(max(days, 1), 366)
    qs = (
        todos(user)
        .filter(case__status=CaseStatus.OPEN, done_on__isnull=True, due__isnull=False)
        .exclude(code__in=("WIA_BRIEF_UWV", "EINDE_WACHTTIJD"))
    )
    qs = (
        qs.filter(due__lt=today)
        if overdue_only
        else qs.filter(due__lte=today + dt.timedelta(days=days))
    )
    if party:
        qs = qs.filter(party=party)
    if employer_id is not None:
        qs = qs.filter(case__employer_id=employer_id)
    return qs.order_by(*SORTS.get(sort, SORTS["due"]))


def unread_count(user: Any) -> int:
    return notifications(user).filter(read_at__isnull=True).count()


def notifications(user: Any) -> QuerySet[Notification]:
    """The user's own signals, for to-dos still in scope."""
    return (
        Notification.objects.filter(user=user, todo__in=visible(user).values("pk"))
        .select_related("todo__case__employee")
        .order_by("-created_at", "-id")
    )


def decree_days() -> frozenset[dt.date]:
    """Holiday decree days (Atw art. 3 lid 3): the built-in list plus the operator's (admin)."""
    return builtin_decrees() | frozenset(HolidayDecree.objects.values_list("day", flat=True))
