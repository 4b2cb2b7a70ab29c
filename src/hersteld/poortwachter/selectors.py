"""Reads of to-dos and signals, always through `restrict`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hersteld.absence.chains import whole_chain
from hersteld.absence.models import AbsenceCase, CaseNote, CaseStatus
from hersteld.accounts.permissions import Role
from hersteld.core import subject
from hersteld.core.actor import Actor
from hersteld.core.signals import SubjectRecords
from hersteld.poortwachter.models import HolidayDecree, Notification, Todo
from hersteld.poortwachter.workdays import builtin_decrees

SORTS = {
    "due": ("due", "id"),
    "-due": ("-due", "-id"),
    "name": ("case__employee__surname", "case__employee__initials", "due", "id"),
}


def visible(user: Actor, action: str = "absence.view") -> QuerySet[Todo]:
    """To-dos in scope; an employee sees only the Poortwachter steps, not manual to-dos or notes."""
    qs = Todo.objects.restrict(user, action)
    if getattr(user, "role", None) == Role.EMPLOYEE:
        qs = qs.exclude(code="")
    return qs


def todos(user: Actor, action: str = "absence.view") -> QuerySet[Todo]:
    return visible(user, action).select_related(
        "case__employee", "case__employer", "case__employment__department"
    )


def case_todos(user: Actor, case: AbsenceCase) -> QuerySet[Todo]:
    """The to-dos of the chain `case` belongs to (they live on its latest case)."""
    chain = [item.pk for item in whole_chain(case)]
    return visible(user).filter(case_id__in=chain).order_by("due", "code", "number", "id")


def without_waiting_evaluations(qs: QuerySet[Todo]) -> QuerySet[Todo]:
    """Leave out evaluations of a plan van aanpak that is not made yet.

    Their dates count from the plan's due date; while the plan itself is missing, the
    overdue step is the plan van aanpak (issue 11), not its evaluations.
    """
    missing_plan = Todo.objects.filter(
        case=OuterRef("case"), code="PLAN_VAN_AANPAK", done_on__isnull=True
    )
    return qs.exclude(Q(code="EVALUATIE") & Exists(missing_plan))


# The parties whose steps each role acts on or follows ("my steps"); None = every party.
OWN_PARTIES: dict[str, tuple[str, ...] | None] = {
    Role.CASEMANAGER: None,
    Role.MEDIC: ("bedrijfsarts",),
    Role.ARBODIENST_ADMIN: None,
    Role.EMPLOYER_USER: ("employer", "employer+employee", "employee"),
    Role.EMPLOYEE: ("employee", "employer+employee"),
}


def mine(user: Actor, qs: QuerySet[Todo]) -> QuerySet[Todo]:
    """ "My steps": steps of the user's own party on the cases he handles.

    A case is his when he reported it, wrote a note in it, or recorded one of its steps as
    done (the chain's to-dos live on its latest case); manual to-dos count when they belong
    to such a case. Hersteld has no assignment of cases to a casemanager, so this is what
    the records say about who handles a case.
    """
    handled = (
        Q(case__created_by_id=user.pk)
        | Exists(CaseNote.objects.filter(case=OuterRef("case"), author_id=user.pk))
        | Exists(Todo.objects.filter(case=OuterRef("case"), done_by_id=user.pk))
    )
    parties = OWN_PARTIES.get(getattr(user, "role", ""), ())
    qs = qs.filter(handled)
    if parties is None:
        return qs
    return qs.filter(Q(party__in=parties) | Q(code=""))


def worklist(
    user: Actor,
    *,
    days: int = 14,
    overdue_only: bool = False,
    party: str = "",
    employer_id: int | None = None,
    sort: str = "due",
    only_mine: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Todo]:
    """Everything overdue, and everything due within `days`, of open cases in the user's scope."""
    today = today or timezone.localdate()
    days = min(max(days, 1), 366)
    qs = without_waiting_evaluations(
        todos(user)
        .filter(case__status=CaseStatus.OPEN, done_on__isnull=True, due__isnull=False)
        .exclude(code__in=("WIA_BRIEF_UWV", "EINDE_WACHTTIJD"))
    )
    if only_mine:
        qs = mine(user, qs)
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


def unread_count(user: Actor) -> int:
    return notifications(user).filter(read_at__isnull=True).count()


def notifications(user: Actor) -> QuerySet[Notification]:
    """The user's own signals, for to-dos still in scope, without those he dismissed."""
    return (
        Notification.objects.filter(
            user_id=user.pk, dismissed_at__isnull=True, todo__in=visible(user).values("pk")
        )
        .select_related("todo__case__employee")
        .order_by("-created_at", "-id")
    )


def decree_days() -> frozenset[dt.date]:
    """Holiday decree days (Atw art. 3 lid 3): the built-in list plus the operator's (admin)."""
    return builtin_decrees() | frozenset(HolidayDecree.objects.values_list("day", flat=True))


TODO_FIELDS = (
    "case",
    "code",
    "number",
    "title",
    "party",
    "due",
    "window_start",
    "provisional",
    "done_on",
    "note",
    "created_at",
    "updated_at",
)


def subject_records(employee: Any, requester: Actor, **kwargs: Any) -> list[SubjectRecords]:
    """Receiver of core.signals.subject_records: the Poortwachter steps of his cases."""
    found = list(todos(requester).filter(case__employee_id=employee.pk).order_by("due", "id"))
    rows = subject.rows(found, TODO_FIELDS)
    for row, todo in zip(rows, found, strict=True):
        row["label"] = todo.label
    return [
        SubjectRecords(
            name="poortwachter_todos",
            title=_("Poortwachter steps"),
            rows=rows,
            columns=(
                ("label", str(_("step"))),
                *subject.columns(
                    Todo, ("party_display", "due", "done_on", "note"), {"party_display": _("who")}
                ),
            ),
        )
    ]
