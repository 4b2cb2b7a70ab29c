"""REST API v1: absence cases, recoveries, notes and the medical file (same services as the portal)."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.db.models import QuerySet
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from hersteld.absence import selectors, services
from hersteld.absence.models import AbsenceCase, CaseNote, MedicalNote, Recovery
from hersteld.web.access import AuthedRequest, api_requires, is_arbodienst_staff
from hersteld.web.schemas import (
    Day,
    HoldIn,
    HoldOut,
    Id,
    InputSchema,
    Pagination,
    Text,
    Timestamp,
)

router = Router(tags=["absence cases"])


class CaseOut(Schema):
    id: int
    employment_id: int
    employee_id: int
    employer_id: int
    kind: str
    status: str
    first_day: dt.date
    end_date: dt.date | None = Field(
        description="First day fully at work (sickness) or closing day."
    )
    context: str
    sick_percentage: Decimal
    current_sick_percentage: Decimal
    expected_recovery: dt.date | None
    safety_net: bool
    safety_net_category: str | None = Field(
        None, description="Only for users with absence.view_safety_net; null for everyone else."
    )
    relatedness: str
    own_risk_wga: bool
    own_risk_zw: bool
    insurance: str
    deviating_phone: str
    care_address: str
    requested_action: str
    requested_action_note: str
    expected_delivery: dt.date | None
    actual_delivery: dt.date | None
    multiple: bool
    premature: bool
    hospital_days: int
    leave_end: dt.date | None = Field(description="Last day of a pregnancy leave (WAZO).")
    planned_start: dt.date | None = Field(
        None,
        description="The chosen start of a leave that a birth before it moved (docs/rules/wazo.md).",
    )
    same_cause: str | None = Field(
        None,
        description='"Same cause?" after a leave: "yes", "no", "" (not answered yet); '
        "only for users with absence.view_safety_net, null for everyone else.",
    )
    chained_to_id: int | None = Field(description="The case this one is counted together with.")
    withdrawn_reason: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_safety_net_category(obj: AbsenceCase, context: dict[str, Any]) -> str | None:
        """docs/rules/vangnet.md: the category reaches only users with absence.view_safety_net."""
        user = context["request"].user
        if not user.has_perm_anywhere("absence.view_safety_net"):
            return None
        return obj.safety_net_category or None

    @staticmethod
    def resolve_same_cause(obj: AbsenceCase, context: dict[str, Any]) -> str | None:
        """A judgement of the bedrijfsarts: the employer sees only the resulting chain."""
        user = context["request"].user
        if not user.has_perm_anywhere("absence.view_safety_net"):
            return None
        return obj.same_cause


class CaseFields(InputSchema):
    context: str | None = None
    sick_percentage: Decimal | None = Field(None, max_digits=5, decimal_places=2)
    expected_recovery: Day | None = None
    safety_net: bool | None = None
    safety_net_category: str | None = None
    came_from_long_ww: bool | None = None
    relatedness: str | None = None
    own_risk_wga: bool | None = None
    own_risk_zw: bool | None = None
    insurance: str | None = Field(None, max_length=200)
    deviating_phone: str | None = Field(None, max_length=20)
    care_address: str | None = Field(None, max_length=300)
    requested_action: str | None = None
    requested_action_note: str | None = Field(None, max_length=5000)
    full_recovery_expected: bool | None = None
    expected_delivery: Day | None = None
    multiple: bool | None = None
    premature: bool | None = None


class CaseCreate(CaseFields):
    employment_id: Id
    kind: Literal["sickness", "pregnancy_leave", "preventive"]
    first_day: Day
    note: str | None = Field(None, max_length=10000)
    confirm_sex_mismatch: bool | None = Field(
        None,
        description="Pregnancy leave for an employee registered as male: true to confirm "
        "(otherwise 422, code leave_sex_mismatch).",
    )


class CaseCorrect(CaseFields):
    first_day: Day | None = None
    wage_sanction_until: Day | None = None
    reason: str = Field(max_length=500)


class ReasonIn(InputSchema):
    reason: str = Field(max_length=500)


class ConvertIn(InputSchema):
    first_day: Day | None = None


class CloseIn(InputSchema):
    end_date: Day


class DeliveryIn(InputSchema):
    actual_delivery: Day
    premature: bool | None = None
    hospital_days: int | None = Field(None, ge=0, le=365)


class EndLeaveIn(InputSchema):
    continue_sick: bool = False


class EndLeaveOut(Schema):
    leave: CaseOut
    sickness_case: CaseOut | None


class RecoveryIn(InputSchema):
    date: Day
    percentage: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    hours: Decimal | None = Field(None, ge=0, le=60, max_digits=5, decimal_places=2)
    therapeutic: bool = False


class RecoveryCorrectIn(InputSchema):
    date: dt.date | None = None
    percentage: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    hours: Decimal | None = Field(None, ge=0, le=60, max_digits=5, decimal_places=2)
    reason: str = Field(max_length=500)


class SameCauseIn(InputSchema):
    same_cause: Literal["yes", "no"]


class RecoveryOut(Schema):
    id: int
    case_id: int
    date: dt.date
    percentage: Decimal
    hours: Decimal
    contract_hours: Decimal
    therapeutic: bool
    created_at: dt.datetime


class NoteIn(InputSchema):
    text: str = Field(max_length=10000)
    internal: bool = False


class NoteOut(Schema):
    id: int
    case_id: int
    text: str
    internal: bool
    author_name: str
    created_at: dt.datetime


class MedicalNoteIn(InputSchema):
    text: str = Field(max_length=20000)


class MedicalNoteOut(Schema):
    id: int
    case_id: int
    text: str
    author_name: str
    created_at: dt.datetime


def _user(request: AuthedRequest) -> Any:
    return request.user


def _data(payload: Schema, *, exclude: set[str] | None = None) -> dict[str, Any]:
    return payload.dict(exclude_unset=True, exclude=exclude or set())


@router.get("/cases", response=list[CaseOut])
@paginate(Pagination)
@api_requires("absence.view")
def list_cases(
    request: AuthedRequest,
    status: str = "open",
    kind: str = "",
    employer_id: Id | None = None,
    department_id: Id | None = None,
    week_min: int | None = Query(None, ge=1, le=200),
    week_max: int | None = Query(None, ge=1, le=200),
    search: Text = "",
    changed_after: Timestamp | None = None,
) -> QuerySet[AbsenceCase]:
    """Cases in your scope.

    `status`: open (default), closed, all (open and closed) or withdrawn. `kind`: sickness,
    pregnancy_leave or preventive. `week_min`/`week_max`: week of absence today (docs/rules/day-arithmetic.md).
    """
    return selectors.case_list(
        _user(request),
        status=status,
        kind=kind,
        employer_id=employer_id,
        department_id=department_id,
        week_min=week_min,
        week_max=week_max,
        search=search,
        changed_after=changed_after,
        sort="first_day",
    )


@router.post("/cases", response={201: CaseOut})
@api_requires("absence.change")
def create_case(request: AuthedRequest, payload: CaseCreate) -> Status:
    """A sick report, a pregnancy leave or a preventive case for an employment."""
    case = services.add_case(
        actor=_user(request),
        employment_id=payload.employment_id,
        kind=payload.kind,
        data=_data(payload, exclude={"employment_id", "kind"}),
    )
    return Status(201, case)


@router.get("/cases/{case_id}", response=CaseOut)
@api_requires("absence.view")
def get_case(request: AuthedRequest, case_id: Id) -> AbsenceCase:
    return selectors.case(_user(request), case_id)


@router.post("/cases/{case_id}/correct", response=CaseOut)
@api_requires("absence.change")
def correct_case(request: AuthedRequest, case_id: Id, payload: CaseCorrect) -> AbsenceCase:
    """Change a case with a reason; before, after and the reason are kept in the history."""
    case = services.correct_case(actor=_user(request), case_id=case_id, data=_data(payload))
    return case


@router.post("/cases/{case_id}/withdraw", response=CaseOut)
@api_requires("absence.change")
def withdraw_case(request: AuthedRequest, case_id: Id, payload: ReasonIn) -> AbsenceCase:
    """Intrekking: the case never happened and counts nowhere."""
    case = services.withdraw_case(actor=_user(request), case_id=case_id, reason=payload.reason)
    return case


@router.post("/cases/{case_id}/convert", response=CaseOut)
@api_requires("absence.change")
def convert_case(request: AuthedRequest, case_id: Id, payload: ConvertIn) -> AbsenceCase:
    """A preventive case becomes a sickness case, keeping its history."""
    case = services.convert_to_sickness(
        actor=_user(request), case_id=case_id, first_day=payload.first_day
    )
    return case


@router.post("/cases/{case_id}/close", response=CaseOut)
@api_requires("absence.change")
def close_case(request: AuthedRequest, case_id: Id, payload: CloseIn) -> AbsenceCase:
    """Close a preventive case. A sickness case closes by a full recovery."""
    case = services.close_case(actor=_user(request), case_id=case_id, end_date=payload.end_date)
    return case


@router.post("/cases/{case_id}/delivery", response=CaseOut)
@api_requires("absence.change")
def record_delivery(request: AuthedRequest, case_id: Id, payload: DeliveryIn) -> AbsenceCase:
    """Record the actual delivery date of a pregnancy leave; the end of the leave is recomputed."""
    case = services.record_delivery(
        actor=_user(request),
        case_id=case_id,
        actual_delivery=payload.actual_delivery,
        premature=payload.premature,
        hospital_days=payload.hospital_days,
    )
    return case


@router.post("/cases/{case_id}/end-leave", response=EndLeaveOut)
@api_requires("absence.change")
def end_leave(request: AuthedRequest, case_id: Id, payload: EndLeaveIn) -> dict[str, Any]:
    """Close a pregnancy leave, or continue directly with a chained sickness case."""
    leave, follower = services.end_leave(
        actor=_user(request), case_id=case_id, continue_sick=payload.continue_sick
    )
    return {
        "leave": leave,
        "sickness_case": follower if follower else None,
    }


# --- legal hold on a case (B4, docs/rules/privacy.md) ----------------------------------------


@router.get("/cases/{case_id}/hold", response=HoldOut)
@api_requires("absence.view", rule=is_arbodienst_staff)
def case_hold(request: AuthedRequest, case_id: Id) -> AbsenceCase:
    """The legal hold on a case, for the arbodienst's staff (anyone else: 404)."""
    return selectors.case(_user(request), case_id)


@router.post("/cases/{case_id}/hold", response=HoldOut)
@api_requires("absence.view", rule=is_arbodienst_staff)
def set_case_hold(request: AuthedRequest, case_id: Id, payload: HoldIn) -> AbsenceCase:
    """Put a legal hold on a case: nothing of it or of its employee's other records is erased
    while it is on. 422 `hold_already_on` when it is on, `required` without a reason."""
    return services.set_hold(actor=_user(request), case_id=case_id, reason=payload.reason)


@router.post("/cases/{case_id}/hold/lift", response=HoldOut)
@api_requires("absence.view", rule=is_arbodienst_staff)
def lift_case_hold(request: AuthedRequest, case_id: Id, payload: HoldIn) -> AbsenceCase:
    """Lift the legal hold on a case: the retention terms apply again. 422 `hold_not_on` when
    there is none."""
    return services.lift_hold(actor=_user(request), case_id=case_id, reason=payload.reason)


@router.get("/cases/{case_id}/recoveries", response=list[RecoveryOut])
@api_requires("absence.view")
def list_recoveries(request: AuthedRequest, case_id: Id) -> QuerySet[Recovery]:
    case = selectors.case(_user(request), case_id)
    return selectors.recoveries(_user(request), case)


@router.post("/cases/{case_id}/recoveries", response={201: RecoveryOut})
@api_requires("absence.change")
def add_recovery(request: AuthedRequest, case_id: Id, payload: RecoveryIn) -> Status:
    """Percentage or hours (the other is computed); 100% closes the case. `therapeutic`: medic only (403)."""
    recovery = services.add_recovery(actor=_user(request), case_id=case_id, data=_data(payload))
    return Status(201, recovery)


@router.post("/recoveries/{recovery_id}/correct", response=RecoveryOut)
@api_requires("absence.change")
def correct_recovery(
    request: AuthedRequest, recovery_id: int, payload: RecoveryCorrectIn
) -> Recovery:
    """Correct the latest recovery of a case (date, percentage or hours) with a reason."""
    return services.correct_recovery(
        actor=_user(request), recovery_id=recovery_id, data=_data(payload)
    )


@router.post("/recoveries/{recovery_id}/remove", response=CaseOut)
@api_requires("absence.change")
def remove_recovery(request: AuthedRequest, recovery_id: int, payload: ReasonIn) -> AbsenceCase:
    """Remove the latest recovery of a case with a reason; answers the case as restored."""
    return services.remove_recovery(
        actor=_user(request), recovery_id=recovery_id, reason=payload.reason
    )


@router.post("/cases/{case_id}/same-cause", response=CaseOut)
@api_requires("absence.change")
def answer_same_cause(request: AuthedRequest, case_id: int, payload: SameCauseIn) -> AbsenceCase:
    """Sickness resuming directly after a leave: same cause (counted together) or not (new D1)."""
    return services.answer_same_cause(
        actor=_user(request), case_id=case_id, answer=payload.same_cause
    )


@router.get("/cases/{case_id}/notes", response=list[NoteOut])
@api_requires("absence.view")
def list_notes(request: AuthedRequest, case_id: Id) -> QuerySet[CaseNote]:
    case = selectors.case(_user(request), case_id)
    return selectors.notes(_user(request), case)


@router.post("/cases/{case_id}/notes", response={201: NoteOut})
@api_requires("absence.change")
def add_note(request: AuthedRequest, case_id: Id, payload: NoteIn) -> Status:
    """A journal entry. Medical terms are refused with 422 and code `medical_term`."""
    note = services.add_note(
        actor=_user(request), case_id=case_id, text=payload.text, internal=payload.internal
    )
    return Status(201, note)


@router.get("/cases/{case_id}/medical-notes", response=list[MedicalNoteOut])
@api_requires("medical.view")
def list_medical_notes(request: AuthedRequest, case_id: Id) -> QuerySet[MedicalNote]:
    """The medical file: only with medical.view (company doctor); others get 404."""
    case = selectors.case(_user(request), case_id, "medical.view")
    return selectors.medical_notes(_user(request), case)


@router.post("/cases/{case_id}/medical-notes", response={201: MedicalNoteOut})
@api_requires("medical.view")
def add_medical_note(request: AuthedRequest, case_id: Id, payload: MedicalNoteIn) -> Status:
    note = services.add_medical_note(actor=_user(request), case_id=case_id, text=payload.text)
    return Status(201, note)
