"""Reads of to-dos and signals, always through `restrict`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from hersteld.absence.chains import whole_chain
from hersteld.absence.models import AbsenceCase, CaseStatus
from hersteld.poortwachter.models import Notification, Todo

SORTS = {
    "due": ("due", "id"),
    "-due": ("-due", "-id"),
    "name": ("case__employee__surname", "case__employee__initials", "due", "id"),
}


def todos(user: Any, action: str = "absence.view") -> QuerySet[Todo]:
    return Todo.objects.restrict(user, action).select_related(
        "case__employee", "case__employer", "case__employment__department"
    )


def case_todos(user: Any, case: AbsenceCase) -> QuerySet[Todo]:
    """The to-dos of the chain `case` belongs to (they live on its latest case)."""
    chain = [item.pk for item in whole_chain(case)]
    return (
        Todo.objects.restrict(user, "absence.view")
        .filter(case_id__in=chain)
        .order_by("due", "code", "number", "id")
    )


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
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications(user: Any) -> QuerySet[Notification]:
    """The user's own signals, for to-dos still in scope."""
    visible = Todo.objects.restrict(user, "absence.view").values("pk")
    return (
        Notification.objects.filter(user=user, todo__in=visible)
        .select_related("todo__case__employee")
        .order_by("-created_at", "-id")
    )
