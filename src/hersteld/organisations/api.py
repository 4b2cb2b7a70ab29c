"""REST API v1: employers and departments."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from hersteld.organisations import selectors, services
from hersteld.organisations.models import Arbodienst, Department, Employer
from hersteld.web.access import AuthedRequest, api_requires
from hersteld.web.schemas import Day, Id, InputSchema, Pagination, Text, Timestamp

router = Router(tags=["employers and departments"])


class EmployerOut(Schema):
    id: int
    arbodienst_id: int
    name: str
    kvk_number: str
    payroll_tax_number: str
    own_risk_wga: bool
    own_risk_zw: bool
    street: str
    house_number: str
    postcode: str
    city: str
    contact_name: str
    contact_email: str
    contact_phone: str
    fulltime_hours: float
    end_date: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime


class EmployerIn(InputSchema):
    name: str | None = None
    kvk_number: str | None = None
    payroll_tax_number: str | None = None
    own_risk_wga: bool | None = None
    own_risk_zw: bool | None = None
    street: str | None = None
    house_number: str | None = None
    postcode: str | None = None
    city: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    fulltime_hours: float | None = None


class EmployerCreate(EmployerIn):
    name: str
    kvk_number: str
    arbodienst_id: Id | None = None


class EndIn(InputSchema):
    end_date: Day


class DepartmentOut(Schema):
    id: int
    employer_id: int
    parent_id: int | None
    code: str
    name: str
    depth: int
    end_date: dt.date | None
    updated_at: dt.datetime


class DepartmentIn(InputSchema):
    code: str | None = None
    name: str | None = None
    parent_id: Id | None = None


class DepartmentCreate(DepartmentIn):
    employer_id: Id
    code: str
    name: str


def _user(request: AuthedRequest) -> Any:
    return request.user


@router.get("/employers", response=list[EmployerOut])
@paginate(Pagination)
@api_requires("organisations.view")
def list_employers(
    request: AuthedRequest, search: Text = "", changed_after: Timestamp | None = None
) -> QuerySet[Employer]:
    qs = selectors.employers(_user(request)).order_by("name", "id")
    if search:
        qs = qs.filter(name__icontains=search)
    if changed_after is not None:
        qs = qs.filter(updated_at__gt=changed_after)
    return qs


@router.get("/employers/{employer_id}", response=EmployerOut)
@api_requires("organisations.view")
def get_employer(request: AuthedRequest, employer_id: Id) -> Employer:
    return selectors.employer(_user(request), employer_id)


@router.post("/employers", response={201: EmployerOut})
@api_requires("organisations.change")
def create_employer(request: AuthedRequest, payload: EmployerCreate) -> Status:
    user = _user(request)
    tenants = Arbodienst.objects.restrict(user, "organisations.change")
    tenant_id = payload.arbodienst_id or user.arbodienst_id
    from django.shortcuts import get_object_or_404

    arbodienst = get_object_or_404(tenants, pk=tenant_id)
    data = payload.dict(exclude_none=True, exclude={"arbodienst_id"})
    return Status(201, services.create_employer(actor=user, arbodienst=arbodienst, data=data))


@router.patch("/employers/{employer_id}", response=EmployerOut)
@api_requires("organisations.change")
def update_employer(request: AuthedRequest, employer_id: Id, payload: EmployerIn) -> Employer:
    return services.update_employer(
        actor=_user(request), employer_id=employer_id, data=payload.dict(exclude_unset=True)
    )


@router.post("/employers/{employer_id}/end", response=EmployerOut)
@api_requires("organisations.change")
def end_employer(request: AuthedRequest, employer_id: Id, payload: EndIn) -> Employer:
    return services.end_employer(
        actor=_user(request), employer_id=employer_id, end_date=payload.end_date
    )


@router.get("/departments", response=list[DepartmentOut])
@paginate(Pagination)
@api_requires("organisations.view")
def list_departments(
    request: AuthedRequest, employer_id: Id | None = None, changed_after: Timestamp | None = None
) -> QuerySet[Department]:
    qs = selectors.departments(_user(request)).order_by("employer_id", "path")
    if employer_id is not None:
        qs = qs.filter(employer_id=employer_id)
    if changed_after is not None:
        qs = qs.filter(updated_at__gt=changed_after)
    return qs


@router.get("/departments/{department_id}", response=DepartmentOut)
@api_requires("organisations.view")
def get_department(request: AuthedRequest, department_id: Id) -> Department:
    return selectors.department(_user(request), department_id)


def _parent(request: AuthedRequest, parent_id: int | None) -> Department | None:
    if parent_id is None:
        return None
    return selectors.department(_user(request), parent_id, "organisations.change")


@router.post("/departments", response={201: DepartmentOut})
@api_requires("organisations.change")
def create_department(request: AuthedRequest, payload: DepartmentCreate) -> Status:
    data = {
        "code": payload.code,
        "name": payload.name,
        "parent": _parent(request, payload.parent_id),
    }
    return Status(
        201,
        services.create_department(
            actor=_user(request), employer_id=payload.employer_id, data=data
        ),
    )


@router.patch("/departments/{department_id}", response=DepartmentOut)
@api_requires("organisations.change")
def update_department(
    request: AuthedRequest, department_id: Id, payload: DepartmentIn
) -> Department:
    data: dict[str, Any] = payload.dict(exclude_unset=True, exclude={"parent_id"})
    if "parent_id" in payload.model_fields_set:
        data["parent"] = _parent(request, payload.parent_id)
    return services.update_department(actor=_user(request), department_id=department_id, data=data)


@router.post("/departments/{department_id}/end", response=DepartmentOut)
@api_requires("organisations.change")
def end_department(request: AuthedRequest, department_id: Id, payload: EndIn) -> Department:
    return services.end_department(
        actor=_user(request), department_id=department_id, end_date=payload.end_date
    )
