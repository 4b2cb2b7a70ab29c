"""REST API v1 of consults (P13): the same services as the portal (docs/api.md, Consults)."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from hersteld.accounts.models import User
from hersteld.consults import selectors, services
from hersteld.consults.models import (
    Consult,
    InformationRequest,
    Kind,
    Method,
    Report,
    SmsConsent,
)
from hersteld.core.validation import fail
from hersteld.web.access import AuthedRequest, api_requires, is_employee
from hersteld.web.schemas import Day, Id, InputSchema, Pagination, Text, Timestamp

router = Router(tags=["consults"])

PLANNED_KINDS = "first, follow_up, preventive, home_visit"


class PractitionerOut(Schema):
    id: int
    name: str
    role: str = Field(description="medic or pob")

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class SlotOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    remote: bool


class ConsultOut(Schema):
    id: int
    case_id: int | None
    employer_id: int
    employee_id: int
    kind: str = Field(description=f"{PLANNED_KINDS} or employee_requested")
    method: str = Field(description="location, phone or online")
    status: str = Field(description="requested, planned, held, cancelled or no_show")
    practitioner_id: int | None
    practitioner_name: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    location: str
    outside_availability: bool
    cancel_timing: str = Field(description="on_time or late (cancelled consults)")
    cancelled_by: str = Field(description="employee, employer or arbodienst")
    cancel_reason: str
    report_status: str = Field(description="none, draft, final (as far as you may see it)")
    updated_at: dt.datetime

    @staticmethod
    def resolve_practitioner_name(obj: Consult) -> str:
        p = obj.practitioner
        return (p.get_full_name() or p.get_username()) if p is not None else ""

    @staticmethod
    def resolve_report_status(obj: Consult, context: dict[str, Any]) -> str:
        return selectors.report_status(context["request"].user, obj)


class PlanIn(InputSchema):
    kind: str = Field(description=PLANNED_KINDS)
    method: str = Field(description="location, phone or online")
    practitioner_id: Id
    starts_at: dt.datetime = Field(description="ISO 8601; without offset: Europe/Amsterdam")
    location: str = Field("", max_length=200)
    override_availability: bool = False


class CancelIn(InputSchema):
    reason: str = Field("", max_length=500)
    by: str = Field(
        "",
        description="staff: who cancelled (employee, employer, arbodienst); the employer "
        "user leaves it empty",
    )


class RescheduleIn(InputSchema):
    starts_at: dt.datetime = Field(description="ISO 8601; without offset: Europe/Amsterdam")
    override_availability: bool = Field(
        False, description="arbodienst staff only: plan outside the practitioner's availability"
    )


class ReportIn(InputSchema):
    text: str = Field("", max_length=5000, description="summary")
    capabilities: str = Field("", max_length=5000)
    hours: str = Field("", max_length=300)
    adjustments: str = Field("", max_length=5000)
    expected_duration: str = Field("", max_length=300)
    medical_cause: str = Field("", description="yes, no or empty")
    treatment_adequate: str = Field("", description="yes, no or empty")
    advice: str = Field("", max_length=5000)
    next_appointment: str = Field("", max_length=300)


class ReportOut(Schema):
    consult_id: int
    version: int
    status: str
    text: str
    capabilities: str
    hours: str
    adjustments: str
    expected_duration: str
    medical_cause: str
    treatment_adequate: str
    advice: str
    next_appointment: str
    released_at: dt.datetime | None


class RequestIn(InputSchema):
    question: str = Field(max_length=2000)
    method: str = Field(description="location, phone or online")


class RequestOut(Schema):
    id: int
    status: str
    method: str
    created_at: dt.datetime


class BillingRow(Schema):
    employer_id: int
    employer_name: str
    month: str = Field(description="YYYY-MM")
    kind: str = Field(
        description="no_show, late_cancellation, employee_requested, information_request, "
        "coupling_setup, coupling_message"
    )
    label: str = Field(description="the kind in words, in the language of the request")
    count: int


@router.get("/practitioners", response=list[PractitionerOut])
@api_requires("consults.plan", "consults.agenda", "consults.hold")
def list_practitioners(request: AuthedRequest) -> QuerySet[User]:
    """Company doctors and POBs of your arbodienst."""
    return selectors.practitioners(request.user)


@router.get("/practitioners/{practitioner_id}/slots", response=list[SlotOut])
@api_requires("consults.plan", "consults.agenda", "consults.hold")
def practitioner_slots(
    request: AuthedRequest,
    practitioner_id: Id,
    kind: str = "first",
    date_from: Day | None = Query(None, alias="from"),  # noqa: B008 - Ninja names it so
    date_to: Day | None = Query(None, alias="to"),  # noqa: B008
    method: str = "",
) -> list[dict[str, Any]]:
    """Free slots of the kind's length from `from` (default today) to `to` (default two weeks
    later; at most 92 days), from now on; `method` narrows to location or remote blocks."""
    found = selectors.practitioner(request.user, practitioner_id)
    first = date_from or timezone.localdate()
    last = date_to or first + dt.timedelta(days=13)
    if kind not in Kind.values:
        raise fail("kind", "invalid_choice")
    if method and method not in Method.values:
        raise fail("method", "invalid_choice")
    if last < first or (last - first).days > 92:
        raise ValidationError({"to": [_("'to' lies on or after 'from', at most 92 days later.")]})
    slots = services.free_slots(request.user, found.pk, first, last, kind, method)
    length = dt.timedelta(
        minutes=selectors.settings_for(int(found.arbodienst_id or 0)).minutes(kind)
    )
    return [
        {"starts_at": start, "ends_at": start + length, "location": w.location, "remote": w.remote}
        for start, w in slots
    ]


@router.get("/cases/{case_id}/consults", response=list[ConsultOut])
@api_requires("consults.view")
def case_consults(request: AuthedRequest, case_id: Id) -> QuerySet[Consult]:
    from hersteld.absence import selectors as absence_selectors

    case = absence_selectors.case(request.user, case_id)
    return selectors.consult_list(request.user, case_id=case.pk)


@router.post("/cases/{case_id}/consults", response={201: ConsultOut})
@api_requires("consults.plan")
def plan_consult(request: AuthedRequest, case_id: Id, payload: PlanIn) -> Status:
    """Plan a consult. Refused with field errors: a start in the past, outside availability
    without `override_availability`, or a time the practitioner is already booked."""
    consult = services.plan_consult(actor=request.user, case_id=case_id, data=payload.dict())
    return Status(201, consult)


@router.get("/consults", response=list[ConsultOut])
@paginate(Pagination)
@api_requires("consults.view")
def list_consults(
    request: AuthedRequest,
    case_id: Id | None = None,
    practitioner_id: Id | None = None,
    status: Text = "",
    kind: Text = "",
    changed_after: Timestamp | None = None,
) -> QuerySet[Consult]:
    """Consults in your scope, by start; `changed_after` for synchronisation."""
    return selectors.consult_list(
        request.user,
        case_id=case_id,
        practitioner_id=practitioner_id,
        status=status,
        kind=kind,
        changed_after=changed_after,
    )


@router.get("/consults/{consult_id}", response=ConsultOut)
@api_requires("consults.view")
def get_consult(request: AuthedRequest, consult_id: Id) -> Consult:
    return selectors.consult(request.user, consult_id)


@router.post("/consults/{consult_id}/cancel", response=ConsultOut)
@api_requires("consults.cancel")
def cancel_consult(request: AuthedRequest, consult_id: Id, payload: CancelIn) -> Consult:
    """The employer: only more than `cancel_hours` (48) before the start, else 422 with a
    Dutch message. Staff: always, with a reason and `by`."""
    return services.cancel_consult(
        actor=request.user, consult_id=consult_id, reason=payload.reason, by=payload.by
    )


@router.post("/consults/{consult_id}/reschedule", response=ConsultOut)
@api_requires("consults.cancel")
def reschedule_consult(request: AuthedRequest, consult_id: Id, payload: RescheduleIn) -> Consult:
    """Move a planned consult to another time with the same practitioner. The employer user:
    only more than `cancel_hours` (48) before the current start and within availability,
    else 422 with a Dutch message. Staff: always, `override_availability` allowed. The new
    time is checked as when planning (not in the past, availability, no double booking);
    employee and employer users are told."""
    return services.reschedule_consult(
        actor=request.user, consult_id=consult_id, data=payload.dict()
    )


@router.post("/consults/{consult_id}/held", response=ConsultOut)
@api_requires("consults.hold")
def consult_held(request: AuthedRequest, consult_id: Id) -> Consult:
    """The practitioner (or a company doctor), from the day of the consult."""
    return services.record_held(actor=request.user, consult_id=consult_id)


@router.post("/consults/{consult_id}/no-show", response=ConsultOut)
@api_requires("consults.hold")
def consult_no_show(request: AuthedRequest, consult_id: Id) -> Consult:
    """No-show: both parties told, a to-do 'plan a new consult' on the case, billed."""
    return services.record_no_show(actor=request.user, consult_id=consult_id)


@router.get("/consults/{consult_id}/report", response=ReportOut)
@api_requires("consults.view")
def get_report(request: AuthedRequest, consult_id: Id) -> Report:
    """The latest version you may read: the employer and employee only final ones."""
    consult = selectors.consult(request.user, consult_id)
    report = selectors.current_report(request.user, consult)
    if report is None:
        raise Http404(_("There is no report of this consult (yet)."))
    return report


@router.put("/consults/{consult_id}/report", response=ReportOut)
@api_requires("consults.hold")
def put_report(request: AuthedRequest, consult_id: Id, payload: ReportIn) -> Report:
    """Write the draft; after a final version this starts a correction (the next version).
    The medical-term guard refuses medical content with field errors."""
    return services.save_report(actor=request.user, consult_id=consult_id, data=payload.dict())


@router.post("/consults/{consult_id}/report/final", response=ReportOut)
@api_requires("consults.hold")
def final_report(request: AuthedRequest, consult_id: Id) -> Report:
    """A company doctor releases the draft to employer and employee at once."""
    return services.finalise_report(actor=request.user, consult_id=consult_id)


@router.post("/me/consult-requests", response={201: RequestOut})
@api_requires("consults.view", rule=is_employee)
def request_consult(request: AuthedRequest, payload: RequestIn) -> Status:
    """Open spreekuur: the employee asks for a consult; the employer never sees it."""
    consult = services.request_consult(
        actor=request.user, question=payload.question, method=payload.method
    )
    return Status(201, consult)


@router.get("/billing", response=list[BillingRow])
@api_requires("consults.billing")
def billing(
    request: AuthedRequest, employer: Id | None = None, month: Text = ""
) -> list[dict[str, Any]]:
    """Billable items counted per employer, month and kind, the coupling items included
    (their sum per employer and month is the total): no names, no dates."""
    first = services.parse_month(month) if month else None
    return [
        {
            "employer_id": row.employer_id,
            "employer_name": row.employer_name,
            "month": f"{row.month:%Y-%m}",
            "kind": row.kind,
            "label": row.label,
            "count": row.number,
        }
        for row in selectors.billing(request.user, employer_id=employer, month=first)
    ]


# --- medical information requests (docs/rules/consults.md) -------------------------------


class InformationRequestIn(InputSchema):
    scope: str = Field("", max_length=300, description="what the employee consented to")
    physician: str = Field("", max_length=200, description="the treating physician")
    question: str = Field("", max_length=5000)
    consent_at: dt.datetime | None = Field(
        None,
        description="when the employee gave the consent (ISO 8601; without offset: "
        "Europe/Amsterdam); not in the future",
    )


class InformationAnswerIn(InputSchema):
    answer: str = Field("", max_length=20000, description="the physician's factual answer")


class InformationRequestOut(Schema):
    id: int
    employee_id: int
    scope: str
    physician: str
    question: str
    consent_at: dt.datetime
    withdrawn_at: dt.datetime | None
    answer: str = Field(
        description="The physician's answer: medical file, empty without medical.view."
    )
    answered_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_answer(obj: InformationRequest, context: dict[str, Any]) -> str:
        """The answer is medical file (docs/rules/consults.md): the employee reads his consent
        and its status, not the answer, as on his Consults page; he asks the doctor for it."""
        if not context["request"].user.has_perm_anywhere("medical.view"):
            return ""
        return obj.answer


def _medical_case_employee(request: AuthedRequest, case_id: int) -> int:
    """The case's employee, when the user may read its medical file (404 otherwise)."""
    from hersteld.absence import selectors as absence_selectors

    return absence_selectors.case(request.user, case_id, "medical.view").employee_id


@router.get("/cases/{case_id}/information-requests", response=list[InformationRequestOut])
@paginate(Pagination)
@api_requires("medical.view")
def case_information_requests(request: AuthedRequest, case_id: Id) -> QuerySet[InformationRequest]:
    """Medical information requests about the case's employee, newest first (medical file:
    company doctors and POBs; anyone else 404)."""
    employee_id = _medical_case_employee(request, case_id)
    return selectors.information_requests(request.user).filter(employee_id=employee_id)


@router.post("/cases/{case_id}/information-requests", response={201: InformationRequestOut})
@api_requires("medical.view")
def create_information_request(
    request: AuthedRequest, case_id: Id, payload: InformationRequestIn
) -> Status:
    """Record a question to a treating physician with the employee's consent (scope,
    physician, question, when). Missing parts or a consent in the future: 422, nothing
    written. Creates a billable item for the employer."""
    employee_id = _medical_case_employee(request, case_id)
    data = payload.dict()
    if data["consent_at"] is not None and timezone.is_naive(data["consent_at"]):
        data["consent_at"] = timezone.make_aware(data["consent_at"])
    found = services.request_information(actor=request.user, employee_id=employee_id, data=data)
    return Status(201, found)


@router.post(
    "/information-requests/{information_request_id}/answer", response=InformationRequestOut
)
@api_requires("medical.view")
def answer_information_request(
    request: AuthedRequest, information_request_id: Id, payload: InformationAnswerIn
) -> InformationRequest:
    """The physician's factual answer, into the medical file; 422 after a withdrawal."""
    return services.record_information_answer(
        actor=request.user, request_id=information_request_id, answer=payload.answer
    )


@router.post(
    "/information-requests/{information_request_id}/withdraw", response=InformationRequestOut
)
@api_requires("consults.view", "medical.view")
def withdraw_information_consent(
    request: AuthedRequest, information_request_id: Id
) -> InformationRequest:
    """The employee withdraws his consent (or the practitioner records it on his word);
    the request can no longer be answered. Employer users: 404."""
    return services.withdraw_information_consent(
        actor=request.user, request_id=information_request_id
    )


@router.get("/me/information-requests", response=list[InformationRequestOut])
@paginate(Pagination)
@api_requires("consults.view", rule=is_employee)
def my_information_requests(request: AuthedRequest) -> QuerySet[InformationRequest]:
    """The employee's own consents to medical information requests, newest first."""
    return selectors.information_requests(request.user)


# --- the employee's SMS consents (docs/rules/consults.md) --------------------------------

PURPOSES = "reminders (consult reminders) or messages (a notice of a new message)"


class SmsConsentIn(InputSchema):
    purpose: str = Field("reminders", max_length=20, description=PURPOSES)
    phone: str = Field("", max_length=40, description="a mobile number, e.g. 06 12345678")


class SmsWithdrawIn(InputSchema):
    purpose: str = Field("reminders", max_length=20, description=PURPOSES)


class SmsConsentOut(Schema):
    id: int
    purpose: str = Field(description=PURPOSES)
    phone: str = Field(description="in international form, e.g. +31612345678")
    given_at: dt.datetime
    withdrawn_at: dt.datetime | None


@router.get("/me/sms-consents", response=list[SmsConsentOut])
@paginate(Pagination)
@api_requires("consults.view", rule=is_employee)
def my_sms_consents(request: AuthedRequest) -> QuerySet[SmsConsent]:
    """The employee's own SMS consents, in force and withdrawn, newest first."""
    return selectors.own_sms_consent_history(request.user)


@router.post("/me/sms-consents", response={201: SmsConsentOut})
@api_requires("consults.view", rule=is_employee)
def give_sms_consent(request: AuthedRequest, payload: SmsConsentIn) -> Status:
    """The employee consents to SMS for one purpose at a mobile number; a consent in force
    for that purpose is withdrawn first (a new number). Not a mobile number: 422."""
    consent = services.give_sms_consent(
        actor=request.user, phone=payload.phone, purpose=payload.purpose
    )
    return Status(201, consent)


@router.post("/me/sms-consents/withdraw", response=SmsConsentOut)
@api_requires("consults.view", rule=is_employee)
def withdraw_sms_consent(request: AuthedRequest, payload: SmsWithdrawIn) -> SmsConsent:
    """The employee withdraws his SMS consent for one purpose; the other stays. None in
    force for that purpose: 422."""
    return services.withdraw_sms_consent(actor=request.user, purpose=payload.purpose)
