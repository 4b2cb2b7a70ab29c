"""Every page and API response renders records whose optional fields are all empty (E1).

A coupling, an import or the command line can write rows that the portal forms never
would: an employment without salary, a case without `created_by`, a proposal without a
case. The models allow each of these, so every page and API schema must show them. The
`empty` fixture below fills only what a model requires (NOT NULL without default);
everything nullable is NULL and every blank-able text is "". Its records belong to the
tenant of the factory `world`, whose staff users view them. To cover a new route, add a
line to PAGES or API_ROUTES.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hersteld.absence.models import AbsenceCase, CaseKind, CaseNote, MedicalNote, Recovery
from hersteld.accounts.models import ApiToken, User, UserGrant
from hersteld.accounts.permissions import Role
from hersteld.accounts.services import issue_token
from hersteld.core.models import AccessEvent, AuditEvent
from hersteld.exchange.models import (
    BillableItem,
    Change,
    Coupling,
    ExternalKey,
    ImportRun,
    InboxMessage,
    OutboxMessage,
    ReviewKind,
    ReviewTask,
)
from hersteld.exchange.services import hash_key
from hersteld.organisations.models import Department, Employer
from hersteld.organisations.services import _department_path
from hersteld.people.models import Employee, Employment, EmploymentTerms
from hersteld.poortwachter.models import Notification, Todo
from tests.support.world import World

pytestmark = pytest.mark.django_db

COUPLING_KEY = "empty-fields-coupling-key"
FIRST_DAY = dt.date(2026, 1, 5)


def _employment(employer: Employer, department: Department, n: int) -> Employment:
    """A person and an employment with only the required fields (no salary, no house number)."""
    employee = Employee.objects.create(
        employer=employer,
        initials="L.",
        surname=f"Leeg{n}",
        birth_date=dt.date(1980, 1, 1),
        gender="V",
        marital_status="unknown",
        postcode="1234 AB",
        street="Straat",
        city="Stad",
        phone="0612345678",
        email=f"leeg{n}@example.org",
    )
    employment = Employment.objects.create(
        employer=employer,
        employee=employee,
        department=department,
        personnel_number=f"LEEG-{n}",
        start_date=dt.date(2020, 1, 1),
        hours_per_week=Decimal("36"),
        contract_type="permanent",
    )
    EmploymentTerms.objects.create(
        employment=employment,
        valid_from=employment.start_date,
        department=department,
        hours_per_week=employment.hours_per_week,
    )
    return employment


def _case(employment: Employment, kind: str) -> AbsenceCase:
    """A case as a coupling leaves it: no reporter, no dates beyond the first day."""
    return AbsenceCase.objects.create(
        employer=employment.employer,
        employee=employment.employee,
        employment=employment,
        kind=kind,
        first_day=FIRST_DAY,
        week_anchor=FIRST_DAY,
    )


@pytest.fixture
def empty(world: World) -> dict[str, Any]:
    """One record of each model, every nullable field NULL, every blank-able text empty, in
    the tenant of the factory world (whose staff users view them)."""
    arbodienst = world.tenant
    employer = Employer.objects.create(arbodienst=arbodienst, name="Leeg BV", kvk_number="99999999")
    department = Department.objects.create(employer=employer, code="L", name="Leeg", path="")
    department.path, department.depth = _department_path(department)
    department.save(update_fields=["path", "depth"])
    sick_employment = _employment(employer, department, 1)
    sickness = _case(sick_employment, CaseKind.SICKNESS)
    leave = _case(_employment(employer, department, 2), CaseKind.PREGNANCY_LEAVE)
    preventive = _case(_employment(employer, department, 3), CaseKind.PREVENTIVE)
    recovery = Recovery.objects.create(
        case=sickness,
        date=FIRST_DAY + dt.timedelta(days=7),
        percentage=Decimal("50"),
        hours=Decimal("18"),
        contract_hours=Decimal("36"),
        therapeutic=False,
    )
    CaseNote.objects.create(case=sickness, text="Gebeld.", author_name="")
    MedicalNote.objects.create(
        case=sickness,
        employer=employer,
        employee=sickness.employee,
        employment=sick_employment,
        text="Notitie.",
        author_name="",
    )
    todo = Todo.objects.create(case=sickness, title="Bellen")
    Notification.objects.create(user=world.casemanager, todo=todo, kind="overdue")
    employer_user = User.objects.create(
        username="leeg.werkgever", role=Role.EMPLOYER_USER, arbodienst=arbodienst, employer=employer
    )
    staff_user = User.objects.create(username="leeg.staf", role=Role.CASEMANAGER)
    staff_user.arbodienst = arbodienst
    staff_user.save()
    UserGrant.objects.create(user=staff_user, permission="audit.view")
    token = ApiToken.objects.create(
        user=employer_user,
        prefix="leeg0000",
        key_hash="0" * 64,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    coupling = Coupling.objects.create(
        employer=employer,
        source_system="Leeg",
        employer_key="LEEG",
        key_hash=hash_key(COUPLING_KEY),
        status="active",  # only an active coupling reads its messages (issue 11, S6)
    )
    inbox = InboxMessage.objects.create(
        coupling=coupling, message_ref="leeg-1", content_type="", body=b"", checksum=""
    )
    BillableItem.objects.create(coupling=coupling, kind="setup", month=dt.date(2026, 1, 1))
    ExternalKey.objects.create(employer=employer, kind="employee", key="L1", object_id=1)
    reviews = {
        kind: ReviewTask.objects.create(coupling=coupling, message=inbox, kind=kind).pk
        for kind in ReviewKind.values
    }
    outbox = OutboxMessage.objects.create(
        coupling=coupling,
        stream=1,
        message_ref="leeg-out-1",
        body=b"",
        next_attempt_at=timezone.now(),
    )
    Change.objects.create(
        seq=10**12,
        arbodienst=arbodienst,
        employer=employer,
        object_type="employment",
        object_id=sick_employment.pk,
        action="update",
    )
    run = ImportRun.objects.create(
        employer=employer, filename="leeg.csv", checksum="", file_format="csv"
    )
    for model in (AuditEvent, AccessEvent):
        model.objects.create(
            arbodienst=arbodienst,
            employer=employer,
            employee=sickness.employee,
            object_type="people.employee",
            object_id=str(sickness.employee_id),
            **({"action": "update"} if model is AuditEvent else {}),
        )
    AuditEvent.objects.create(
        arbodienst=arbodienst,
        object_type="organisations.employer",
        object_id=str(employer.pk),
        action="update",
    )
    return {
        "employer": employer.pk,
        "department": department.pk,
        "employee": sickness.employee_id,
        "employment": sick_employment.pk,
        "sickness": sickness.pk,
        "leave": leave.pk,
        "preventive": preventive.pk,
        "recovery": recovery.pk,
        "todo": todo.pk,
        "coupling": coupling.pk,
        "inbox": inbox.pk,
        "outbox": outbox.pk,
        "run": run.pk,
        "token": token.pk,
        "employer_user": employer_user.pk,
        "staff_user": staff_user.pk,
        **{f"review_{kind}": pk for kind, pk in reviews.items()},
    }


# Viewers: a user of the factory world by its attribute, or the employer user of `empty`.
CASEMANAGER = "casemanager"
MEDIC = "medic"
ADMIN = "admin"
EMPLOYER_USER = "leeg.werkgever"  # the employer user of the empty world


def viewer_user(world: World, viewer: str) -> User:
    if viewer == EMPLOYER_USER:
        return User.objects.get(username=EMPLOYER_USER)
    return getattr(world, viewer)


CASES = ("sickness", "leave", "preventive")
CASE_TABS = ("overview", "timeline", "notes", "recoveries", "medical", "history")

# (viewer, path): every portal page that lists or shows a record of the world.
PAGES: list[tuple[str, str]] = [
    *[(viewer, "/") for viewer in (CASEMANAGER, MEDIC, ADMIN, EMPLOYER_USER)],
    *[(viewer, "/cases/?status=all") for viewer in (CASEMANAGER, MEDIC, EMPLOYER_USER)],
    *[
        (viewer, f"/cases/{{{case}}}/?tab={tab}")
        for viewer in (CASEMANAGER, EMPLOYER_USER)
        for case in CASES
        for tab in CASE_TABS
        if tab != "medical"
    ],
    *[(MEDIC, f"/cases/{{{case}}}/?tab=medical") for case in CASES],
    *[
        (CASEMANAGER, f"/cases/{{{case}}}/{action}/")
        for case in CASES
        for action in ("correct", "withdraw")
    ],
    (CASEMANAGER, "/cases/{preventive}/convert/"),
    (CASEMANAGER, "/cases/{preventive}/close/"),
    (CASEMANAGER, "/cases/{leave}/delivery/"),
    (CASEMANAGER, "/cases/{leave}/end-leave/"),
    (CASEMANAGER, "/cases/{sickness}/recoveries/add/"),
    (CASEMANAGER, "/cases/add/{employment}/?kind=sickness"),
    *[(viewer, "/employments/?status=all") for viewer in (CASEMANAGER, EMPLOYER_USER)],
    *[
        (viewer, f"/employees/{{employee}}/?tab={tab}")
        for viewer in (CASEMANAGER, EMPLOYER_USER)
        for tab in ("data", "employments", "history")
    ],
    (CASEMANAGER, "/employees/{employee}/edit/"),
    (CASEMANAGER, "/employees/{employee}/export/"),
    (CASEMANAGER, "/employments/{employment}/edit/"),
    (CASEMANAGER, "/employments/{employment}/end/"),
    *[(viewer, "/employers/") for viewer in (CASEMANAGER, ADMIN, EMPLOYER_USER)],
    *[(viewer, "/employers/{employer}/") for viewer in (CASEMANAGER, ADMIN, EMPLOYER_USER)],
    (ADMIN, "/employers/{employer}/edit/"),
    (ADMIN, "/departments/{department}/edit/"),
    *[(viewer, "/worklist/") for viewer in (CASEMANAGER, EMPLOYER_USER)],
    (CASEMANAGER, "/notifications/"),
    (ADMIN, "/couplings/"),
    (ADMIN, "/couplings/{coupling}/"),
    (ADMIN, "/couplings/{coupling}/edit/"),
    (ADMIN, "/couplings/{coupling}/errors/"),
    *[(CASEMANAGER, f"/proposals/?status={status}") for status in ("open", "applied", "rejected")],
    *[(CASEMANAGER, f"/proposals/{{review_{kind}}}/") for kind in ReviewKind.values],
    (ADMIN, "/users/"),
    (ADMIN, "/users/{staff_user}/"),
    (ADMIN, "/users/{employer_user}/"),
    (EMPLOYER_USER, "/profile/tokens/"),
    (EMPLOYER_USER, "/exchange/import/"),
    (EMPLOYER_USER, "/exchange/import/{run}/"),
    (EMPLOYER_USER, "/exchange/import/{run}/status/"),
]


@pytest.mark.parametrize(("viewer", "path"), PAGES)
def test_every_page_shows_a_record_with_empty_optional_fields(
    world: World,
    empty: dict[str, Any],
    sign_in: Callable[[User], Client],
    viewer: str,
    path: str,
) -> None:
    response = sign_in(viewer_user(world, viewer)).get(path.format(**empty))
    assert response.status_code == 200, (path, response.status_code)
    assert b">None<" not in response.content, f"{path} shows an empty field as 'None'"


@dataclass(frozen=True)
class ApiRoute:
    viewer: str
    path: str
    record: str  # the world key of the record the answer must contain
    nulls: tuple[str, ...] = ()  # fields that must come back as JSON null
    empties: tuple[str, ...] = ()  # fields that must come back as ""


EMPLOYMENT_NULLS = ("end_date", "annual_salary", "wia_percentage")
CASE_NULLS = (
    "end_date",
    "expected_recovery",
    "safety_net_category",
    "expected_delivery",
    "actual_delivery",
    "leave_end",
    "chained_to_id",
)
TODO_NULLS = ("due", "window_start", "done_on")

API_ROUTES: list[ApiRoute] = [
    ApiRoute(
        CASEMANAGER, "/api/v1/employers?page_size=100", "employer", ("end_date",), ("street",)
    ),
    ApiRoute(EMPLOYER_USER, "/api/v1/employers/{employer}", "employer", ("end_date",)),
    ApiRoute(
        CASEMANAGER,
        "/api/v1/departments?employer_id={employer}",
        "department",
        ("parent_id", "end_date"),
    ),
    ApiRoute(EMPLOYER_USER, "/api/v1/departments/{department}", "department", ("parent_id",)),
    ApiRoute(
        CASEMANAGER,
        "/api/v1/employees?employer_id={employer}",
        "employee",
        ("house_number",),
        ("bsn",),
    ),
    ApiRoute(EMPLOYER_USER, "/api/v1/employees/{employee}", "employee", ("house_number",)),
    ApiRoute(
        CASEMANAGER, "/api/v1/employments?employer_id={employer}", "employment", EMPLOYMENT_NULLS
    ),
    ApiRoute(EMPLOYER_USER, "/api/v1/employments", "employment", EMPLOYMENT_NULLS),
    ApiRoute(MEDIC, "/api/v1/employments/{employment}", "employment", EMPLOYMENT_NULLS),
    ApiRoute(CASEMANAGER, "/api/v1/employments/{employment}/terms", "", (), ("function_name",)),
    *[
        ApiRoute(viewer, "/api/v1/cases?status=all&employer_id={employer}", case, CASE_NULLS)
        for viewer in (CASEMANAGER, EMPLOYER_USER)
        for case in CASES
    ],
    *[ApiRoute(EMPLOYER_USER, f"/api/v1/cases/{{{case}}}", case, CASE_NULLS) for case in CASES],
    ApiRoute(CASEMANAGER, "/api/v1/cases/{sickness}/recoveries", "recovery"),
    ApiRoute(CASEMANAGER, "/api/v1/cases/{sickness}/notes", "", (), ("author_name",)),
    ApiRoute(MEDIC, "/api/v1/cases/{sickness}/medical-notes", "", (), ("author_name",)),
    ApiRoute(CASEMANAGER, "/api/v1/cases/{sickness}/poortwachter", ""),
    ApiRoute(CASEMANAGER, "/api/v1/cases/{sickness}/todos", "todo", TODO_NULLS, ("code", "party")),
    ApiRoute(CASEMANAGER, "/api/v1/todos?overdue_only=true", ""),
    ApiRoute(
        EMPLOYER_USER, "/api/v1/auth/tokens", "token", ("last_used_at", "revoked_at"), ("name",)
    ),
    ApiRoute(
        EMPLOYER_USER, "/api/v1/exchange/changes?cursor={change_cursor}", "", ("employee_id",)
    ),
    ApiRoute("coupling", "/api/v1/exchange/inbox/{inbox}", "inbox", ("processed_at",)),
    ApiRoute("coupling", "/api/v1/exchange/inbox/{inbox}/reply", ""),
]


def _api(world: World, viewer: str) -> Client:
    if viewer == "coupling":
        return Client(HTTP_AUTHORIZATION=f"Bearer {COUPLING_KEY}")
    raw, _ = issue_token(user=viewer_user(world, viewer), name="empty-fields")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _rows(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, list):
        return body
    for key in ("items", "changes"):
        if key in body:
            return list(body[key])
    return [body]


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: f"{r.viewer}:{r.path}")
def test_every_api_response_carries_empty_optional_fields(
    world: World, empty: dict[str, Any], route: ApiRoute
) -> None:
    ids = {**empty, "change_cursor": 10**12 - 1}
    response = _api(world, route.viewer).get(route.path.format(**ids))
    assert response.status_code == 200, (route.path, response.status_code, response.content[:300])
    if "xml" in response["Content-Type"]:
        return
    rows = _rows(response.json())
    if route.record:
        rows = [row for row in rows if row.get("id") == empty[route.record]]
    if route.record:
        assert len(rows) == 1, f"{route.path}: the record is not in the answer"
    for row in rows:
        for name in route.nulls:
            assert row[name] is None, f"{route.path}: {name} should be null"
        for name in route.empties:
            assert row[name] == "", f"{route.path}: {name} should be empty"
