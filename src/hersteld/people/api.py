"""REST API v1: employees and employments (same services and rules as the portal)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from hersteld.people import selectors, services
from hersteld.people.models import Employee, Employment, EmploymentTerms
from hersteld.privacy import services as privacy_services
from hersteld.privacy.selectors import DescribedEvents
from hersteld.web.access import AuthedRequest, api_requires, is_arbodienst_staff, is_employee
from hersteld.web.schemas import (
    Day,
    HoldIn,
    HoldOut,
    HouseNumber,
    Id,
    InputSchema,
    Pagination,
    Text,
    Timestamp,
)

router = Router(tags=["employees and employments"])


class EmployeeOut(Schema):
    id: int
    employer_id: int
    initials: str
    first_name: str
    surname_prefix: str
    surname: str
    birth_date: dt.date
    gender: str
    marital_status: str
    bsn: str
    postcode: str
    street: str
    house_number: int | None
    house_number_addition: str
    city: str
    country: str
    phone: str
    email: str
    created_at: dt.datetime
    updated_at: dt.datetime


class EmployeeIn(InputSchema):
    initials: str | None = None
    first_name: str | None = None
    surname_prefix: str | None = None
    surname: str | None = None
    birth_date: Day | None = None
    gender: str | None = None
    marital_status: str | None = None
    bsn: str | None = None
    postcode: str | None = None
    street: str | None = None
    house_number: HouseNumber | None = None
    house_number_addition: str | None = None
    city: str | None = None
    country: str | None = None
    phone: str | None = None
    email: str | None = None


class EmploymentOut(Schema):
    id: int
    employer_id: int
    employee_id: int
    department_id: int
    personnel_number: str
    start_date: dt.date
    end_date: dt.date | None
    function_name: str
    hours_per_week: Decimal
    annual_salary: Decimal | None = Field(description="null when the coupling sends no salary")
    contract_type: str
    no_risk_policy: bool
    insurance: str
    wia_percentage: Decimal | None
    created_at: dt.datetime
    updated_at: dt.datetime


class EmploymentIn(InputSchema):
    department_id: Id | None = None
    personnel_number: str | None = None
    function_name: str | None = None
    hours_per_week: Decimal | None = Field(None, max_digits=5, decimal_places=2)
    annual_salary: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    contract_type: str | None = None
    no_risk_policy: bool | None = None
    insurance: str | None = None
    wia_percentage: Decimal | None = Field(None, max_digits=5, decimal_places=2)


class EmploymentCreate(EmploymentIn):
    """A new employment, for a new employee (`employee`) or an existing one (`employee_id`)."""

    employer_id: Id | None = None
    employee_id: Id | None = None
    employee: EmployeeIn | None = None
    start_date: Day
    end_date: Day | None = None


class EmploymentUpdate(EmploymentIn):
    valid_from: Day | None = None


class EndIn(InputSchema):
    end_date: Day


class TermsOut(Schema):
    valid_from: dt.date
    department_id: int
    function_name: str
    hours_per_week: Decimal


def _user(request: AuthedRequest) -> Any:
    return request.user


@router.get("/employees", response=list[EmployeeOut])
@paginate(Pagination)
@api_requires("people.view")
def list_employees(
    request: AuthedRequest,
    search: Text = "",
    employer_id: Id | None = None,
    changed_after: Timestamp | None = None,
) -> QuerySet[Employee]:
    return selectors.employee_list(
        _user(request), search=search, employer_id=employer_id, changed_after=changed_after
    )


@router.get("/employees/{employee_id}", response=EmployeeOut)
@api_requires("people.view")
def get_employee(request: AuthedRequest, employee_id: Id) -> Employee:
    return selectors.employee(_user(request), employee_id)


@router.patch("/employees/{employee_id}", response=EmployeeOut)
@api_requires("people.change")
def update_employee(request: AuthedRequest, employee_id: Id, payload: EmployeeIn) -> Employee:
    return services.update_employee(
        actor=_user(request), employee_id=employee_id, data=payload.dict(exclude_unset=True)
    )


@router.get("/employments", response=list[EmploymentOut])
@paginate(Pagination)
@api_requires("people.view")
def list_employments(
    request: AuthedRequest,
    search: Text = "",
    employer_id: Id | None = None,
    department_id: Id | None = None,
    in_service: bool | None = None,
    changed_after: Timestamp | None = None,
) -> QuerySet[Employment]:
    return selectors.employment_list(
        _user(request),
        search=search,
        employer_id=employer_id,
        department_id=department_id,
        in_service=in_service,
        changed_after=changed_after,
    )


@router.get("/employments/{employment_id}", response=EmploymentOut)
@api_requires("people.view")
def get_employment(request: AuthedRequest, employment_id: Id) -> Employment:
    return selectors.employment(_user(request), employment_id)


@router.get("/employments/{employment_id}/terms", response=list[TermsOut])
@api_requires("people.view")
def employment_terms(
    request: AuthedRequest, employment_id: Id, on: Day | None = None
) -> list[EmploymentTerms]:
    """The effective-dated history of department, function and hours; `on` gives the row in force that day."""
    employment = selectors.employment(_user(request), employment_id)
    if on is not None:
        row = selectors.terms_on(employment, on)
        return [row] if row is not None else []
    return list(employment.terms.order_by("valid_from"))


def _service_data(payload: Schema, *, exclude: set[str]) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True, exclude=exclude)
    if "department_id" in data:
        data["department"] = data.pop("department_id")
    return data


@router.post("/employments", response={201: EmploymentOut})
@api_requires("people.change")
def create_employment(request: AuthedRequest, payload: EmploymentCreate) -> Status:
    data = _service_data(payload, exclude={"employee", "employee_id", "employer_id"})
    if payload.employee is not None:
        data.update(payload.employee.dict(exclude_none=True))
    if payload.employer_id is not None:
        data["employer"] = payload.employer_id
    employment = services.add_employment(
        actor=_user(request), data=data, employee_id=payload.employee_id
    )
    return Status(201, employment)


@router.patch("/employments/{employment_id}", response=EmploymentOut)
@api_requires("people.change")
def update_employment(
    request: AuthedRequest, employment_id: Id, payload: EmploymentUpdate
) -> Employment:
    data = _service_data(payload, exclude={"valid_from"})
    return services.update_employment(
        actor=_user(request), employment_id=employment_id, data=data, valid_from=payload.valid_from
    )


@router.post("/employments/{employment_id}/end", response=EmploymentOut)
@api_requires("people.change")
def end_employment(request: AuthedRequest, employment_id: Id, payload: EndIn) -> Employment:
    return services.end_employment(
        actor=_user(request), employment_id=employment_id, end_date=payload.end_date
    )


class AccessLineOut(Schema):
    """One access event as the employee reads it (hersteld.privacy.selectors.AccessLine)."""

    at: dt.datetime
    who: str = Field(description="Name of the reader (never a user id).")
    role: str
    what: str
    channel: str
    purpose: str
    medical: bool = Field(description="A read of the medical file or the medical messages.")


# `from` is a Python keyword: the period's bounds are read under their query names.
PERIOD_FROM = Query(None, alias="from", description="first day of the period (YYYY-MM-DD)")
PERIOD_TO = Query(None, alias="to", description="last day of the period (YYYY-MM-DD)")


@router.get("/me/access-log", response=list[AccessLineOut])
@paginate(Pagination)
@api_requires("people.view", rule=is_employee)
def my_access_log(
    request: AuthedRequest,
    start: Day | None = PERIOD_FROM,
    end: Day | None = PERIOD_TO,
) -> DescribedEvents:
    """Who viewed your own file (B3), newest first; `from`/`to` bound the period (dates)."""
    user = _user(request)
    employee = selectors.employee(user, user.employee_id, log_access=False)
    return DescribedEvents(selectors.access_log(user, employee, start, end))


@router.get("/employees/{employee_id}/access-log", response=list[AccessLineOut])
@paginate(Pagination)
@api_requires("audit.view")
def employee_access_log(
    request: AuthedRequest,
    employee_id: Id,
    start: Day | None = PERIOD_FROM,
    end: Day | None = PERIOD_TO,
) -> DescribedEvents:
    """Who viewed an employee's file, for arbodienst staff on his behalf (B3)."""
    user = _user(request)
    employee = selectors.employee(user, employee_id, "audit.view", log_access=False)
    return DescribedEvents(selectors.access_log(user, employee, start, end))


class EraseIn(InputSchema):
    reason: Text = Field(description="Why the person is erased, e.g. his request of a date.")


@router.post("/employees/{employee_id}/erase", response=EmployeeOut)
@api_requires("people.change", rule=is_arbodienst_staff)
def erase_employee(request: AuthedRequest, employee_id: Id, payload: EraseIn) -> Employee:
    """Erasure on request (right to be forgotten), by arbodienst staff: every record of the
    person is erased and he is anonymised. Refused (422, naming the term and its end date)
    while a legal retention term runs or he or a case of his is under a legal hold."""
    return services.erase_employee(
        actor=_user(request), employee_id=employee_id, reason=payload.reason
    )


# --- legal hold on a person (B4, docs/rules/privacy.md) --------------------------------------


@router.get("/employees/{employee_id}/hold", response=HoldOut)
@api_requires("people.view", rule=is_arbodienst_staff)
def employee_hold(request: AuthedRequest, employee_id: Id) -> Employee:
    """The legal hold on a person, for the arbodienst's staff (anyone else: 404)."""
    return selectors.employee(_user(request), employee_id)


@router.post("/employees/{employee_id}/hold", response=HoldOut)
@api_requires("people.view", rule=is_arbodienst_staff)
def set_employee_hold(request: AuthedRequest, employee_id: Id, payload: HoldIn) -> Employee:
    """Put a legal hold on a person: nothing of him is erased while it is on, by the retention
    job or on request. 422 `person_hold_already_on` when it is on, `already_erased` when he
    is anonymised, `required` without a reason."""
    return services.set_person_hold(
        actor=_user(request), employee_id=employee_id, reason=payload.reason
    )


@router.post("/employees/{employee_id}/hold/lift", response=HoldOut)
@api_requires("people.view", rule=is_arbodienst_staff)
def lift_employee_hold(request: AuthedRequest, employee_id: Id, payload: HoldIn) -> Employee:
    """Lift the legal hold on a person: the retention terms apply again. 422
    `person_hold_not_on` when there is none."""
    return services.lift_person_hold(
        actor=_user(request), employee_id=employee_id, reason=payload.reason
    )


EXPORT_RESPONSE = {
    "responses": {
        200: {
            "description": (
                "The export as a ZIP: one JSON file per kind of record, `manifest.json` and "
                "`samenvatting.pdf`."
            ),
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


# Required by the service (422 when empty), not by the schema: an employee out of scope
# answers 404 before the input is judged, as every GET about one object does.
EXPORT_PURPOSE = Query(None, description="why the export is made (required); kept in the audit")
EXPORT_REQUEST_DATE = Query(None, description="the day the employee asked (YYYY-MM-DD)")


@router.get("/employees/{employee_id}/export", response={200: None}, openapi_extra=EXPORT_RESPONSE)
@api_requires("people.view", rule=is_arbodienst_staff)
def employee_export(
    request: AuthedRequest,
    employee_id: Id,
    purpose: Text | None = EXPORT_PURPOSE,
    request_date: Day | None = EXPORT_REQUEST_DATE,
) -> HttpResponse:
    """The GDPR export of one employee (data subject access request), for arbodienst staff of
    his tenant: a ZIP with a JSON file per kind of record, a manifest and a PDF summary. The
    medical content only for a requester with medical.view. Audited; shows in his access log."""
    user = _user(request)
    employee = selectors.employee(user, employee_id, log_access=False)
    made = privacy_services.export_subject(
        actor=user, employee=employee, purpose=purpose or "", request_date=request_date
    )
    response = HttpResponse(made.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    response["Cache-Control"] = "no-store"
    return response
