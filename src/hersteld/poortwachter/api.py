"""REST API v1: the Poortwachter plan of a case, the worklist of to-dos, marking them done."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from hersteld.absence import selectors as absence_selectors
from hersteld.accounts.permissions import Role
from hersteld.poortwachter import selectors, services
from hersteld.poortwachter.explain import explain
from hersteld.poortwachter.models import Todo
from hersteld.web.access import AuthedRequest, api_requires
from hersteld.web.schemas import Day, Id, InputSchema, Pagination

router = Router(tags=["poortwachter"])


class MilestoneOut(Schema):
    todo_id: int | None
    code: str
    number: int
    label: str
    due: dt.date | None
    window_start: dt.date | None
    party: str
    status: str = Field(description="done, open, overdue (as of today) or lapsed (chain ended)")
    why: str = Field(description="how the due date was derived, in the request's language")
    why_code: str = Field(
        description="stable code of the explanation: sick_days, after_analysis, evaluation, "
        "sanction or not_reached"
    )
    why_params: dict[str, Any] = Field(description="the explanation's parameters (ISO dates)")
    done_on: dt.date | None
    provisional: bool = Field(
        description="the due date rests on a holiday no royal decree covers yet (docs/rules/day-arithmetic.md)"
    )


class PlanOut(Schema):
    case_id: int
    first_day: dt.date = Field(description="D1 of the chain")
    gap_days: int
    chained: bool
    waiting_period_end: dt.date | None
    notes: list[str]
    milestones: list[MilestoneOut]


class TodoOut(Schema):
    id: int
    case_id: int
    employee_id: int
    code: str
    number: int
    label: str
    party: str
    due: dt.date | None
    window_start: dt.date | None
    why: str = Field(description="how the due date was derived, in the request's language")
    why_code: str = Field(
        description="stable code of the explanation: sick_days, after_analysis, evaluation, "
        "sanction or not_reached"
    )
    why_params: dict[str, Any] = Field(description="the explanation's parameters (ISO dates)")
    done_on: dt.date | None
    provisional: bool
    note: str
    status: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_why(obj: Todo) -> str:
        return explain(obj.why_code, obj.why_params)

    @staticmethod
    def resolve_employee_id(obj: Todo) -> int:
        return obj.case.employee_id

    @staticmethod
    def resolve_note(obj: Todo, context: dict[str, Any]) -> str:
        """Notes are for employer and arbodienst; the employee sees the steps only."""
        if getattr(context["request"].user, "role", None) == Role.EMPLOYEE:
            return ""
        return obj.note

    @staticmethod
    def resolve_status(obj: Todo) -> str:
        return obj.status_on(timezone.localdate())


class DoneIn(InputSchema):
    done_on: Day | None = Field(description="null undoes it")
    note: str = Field("", max_length=500)


class TodoIn(InputSchema):
    title: str = Field(max_length=200)
    due: Day | None = None
    party: str = ""


@router.get("/cases/{case_id}/poortwachter", response=PlanOut)
@api_requires("absence.view")
def case_plan(request: AuthedRequest, case_id: Id) -> dict[str, Any]:
    """Every milestone of the chain of this case, with its due date and how it was derived."""
    case = absence_selectors.case(request.user, case_id)
    result = services.compute_plan(case)
    if result is None:
        raise Http404(_("This case has no Poortwachter plan: only sickness cases have one."))
    ids = {(t.code, t.number): t.pk for t in selectors.case_todos(request.user, case) if t.code}
    numbers: dict[str, int] = {}
    milestones = []
    for m in result.milestones:
        numbers[m.code] = numbers.get(m.code, 0) + 1
        milestones.append(
            {
                "todo_id": ids.get((m.code, numbers[m.code])),
                "code": m.code,
                "number": numbers[m.code],
                "label": str(Todo(code=m.code).label),
                "due": m.due,
                "window_start": m.window_start,
                "party": m.party,
                "status": m.status,
                "why": explain(m.reason.code, m.reason.as_dict()),
                "why_code": m.reason.code,
                "why_params": m.reason.as_dict(),
                "done_on": m.done,
                "provisional": m.provisional,
            }
        )
    return {
        "case_id": case.pk,
        "first_day": result.first_day,
        "gap_days": result.gap_days,
        "chained": result.chained,
        "waiting_period_end": result.waiting_period_end,
        "notes": list(result.notes),
        "milestones": milestones,
    }


@router.get("/todos", response=list[TodoOut])
@paginate(Pagination)
@api_requires("absence.view")
def list_todos(
    request: AuthedRequest,
    days: int = Query(14, ge=1, le=366),
    overdue_only: bool = False,
    party: str = "",
    employer_id: Id | None = None,
    sort: str = "due",
    mine: bool = Query(
        False,
        description="only my steps: my own party's steps in cases I reported, wrote a note in "
        "or recorded a step of",
    ),
) -> QuerySet[Todo]:
    """The worklist: overdue steps and steps due within `days`, of open cases in your scope.

    Evaluations of a plan van aanpak that is not made yet are left out: the plan van aanpak
    is the step to take."""
    return selectors.worklist(
        request.user,
        days=days,
        overdue_only=overdue_only,
        party=party,
        employer_id=employer_id,
        sort=sort,
        only_mine=mine,
    )


@router.get("/cases/{case_id}/todos", response=list[TodoOut])
@api_requires("absence.view")
def case_todos(request: AuthedRequest, case_id: Id) -> QuerySet[Todo]:
    case = absence_selectors.case(request.user, case_id)
    return selectors.case_todos(request.user, case).select_related("case")


@router.post("/cases/{case_id}/todos", response={201: TodoOut})
@api_requires("absence.change")
def add_todo(request: AuthedRequest, case_id: Id, payload: TodoIn) -> Status:
    """A manual to-do on a case; the medical-term guard checks its title."""
    todo = services.add_todo(
        actor=request.user,
        case_id=case_id,
        title=payload.title,
        due=payload.due,
        party=payload.party,
    )
    return Status(201, todo)


@router.post("/todos/{todo_id}/done", response=TodoOut)
@api_requires("absence.change")
def mark_done(request: AuthedRequest, todo_id: Id, payload: DoneIn) -> Todo:
    """Record the date a step was done (the plan follows, e.g. the plan van aanpak after the
    probleemanalyse); `done_on: null` undoes it. The company doctor's steps: arbodienst only (403)."""
    return services.mark_done(
        actor=request.user, todo_id=todo_id, done_on=payload.done_on, note=payload.note
    )
