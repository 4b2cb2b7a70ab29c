"""Every portal route declares who may reach it, and holds to it for every persona (issue 12, 3).

The walk over the URLconf fails on a route that declares no access (`hersteld.web.access`)
or that has no row below. The rows then request each route as each user of the factory
world's tenant ("Arbo Noord") and as an anonymous visitor, with objects of the world's other
arbodienst ("Arbo Zuid") where the route is about one:

- anonymous: sent to the log-in page (302);
- a route about an object of another arbodienst: 404 for everyone, whatever his rights;
- a page without an object: 200 with one of the declared permissions, 403 without.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from hersteld.absence.models import AbsenceCase, CaseKind, Recovery
from hersteld.accounts.models import ApiToken, PortalSession, User
from hersteld.consults.models import AvailabilityBlock, Consult, InformationRequest
from hersteld.documents.models import Document, DocumentScan
from hersteld.exchange.models import Coupling, ImportRun, InboxMessage, OutboxMessage, ReviewTask
from hersteld.messaging.models import Attachment, Message
from hersteld.organisations.models import Department, Employer
from hersteld.people.models import Employment
from hersteld.poortwachter.models import Notification, Todo
from hersteld.web.access import declared_access
from tests.support.world import World

pytestmark = pytest.mark.django_db

# Django admin checks staff status itself; the API is walked over its own routers.
OUTSIDE_THE_PORTAL = ("admin", "api", "set_language")

# The users of the factory world's tenant (tests/support/world.py), by attribute: the admin,
# casemanager and medic of the arbodienst, HR of the employer, the manager of its department
# subtree, HR of the other employer and the employee. "Arbo Zuid" below is the world's other
# arbodienst.
NOORD = ("admin", "casemanager", "medic", "hr", "manager", "other_hr", "employee")


@pytest.fixture(scope="module")
def zuid_world(module_world: World, django_db_blocker: Any) -> World:
    """The module's world with a sick employee (and so to-dos) at the other arbodienst's
    employer; the objects a row makes are rolled back after its test."""
    w = module_world
    with django_db_blocker.unblock():
        w.report_sick(w.hire(w.foreign_department, surname="Zuid"))
        assert Todo.objects.filter(case__employer=w.foreign_employer).exists()
    return w


@pytest.fixture
def w(zuid_world: World, db: Any) -> World:
    return zuid_world


@pytest.fixture
def portal(w: World, sign_in: Callable[[User], Any]) -> Callable[[str], Any]:
    """A portal client for a user of the world, by attribute."""
    return lambda username: sign_in(getattr(w, username))


@pytest.fixture
def api(w: World, api_as: Callable[[User], Any]) -> Callable[[str], Any]:
    """An API client for a user of the world, by attribute."""
    return lambda username: api_as(getattr(w, username))


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = entry.namespace or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            yield name, entry


def portal_routes() -> dict[str, URLPattern]:
    routes = {}
    for name, entry in walk(get_resolver().url_patterns):
        if not name.startswith(OUTSIDE_THE_PORTAL) and "admin:" not in name:
            routes[name] = entry
    return routes


# --- objects of Arbo Zuid, one per kind of URL argument -------------------------------------


def zuid(w: World) -> Employer:
    return w.foreign_employer


def zuid_case(w: World) -> AbsenceCase:
    return AbsenceCase.objects.filter(employer=zuid(w), kind=CaseKind.SICKNESS).first()


def zuid_coupling(w: World) -> Coupling:
    coupling, _ = Coupling.objects.get_or_create(
        employer=zuid(w),
        source_system="Route test",
        defaults={"employer_key": "ZUID", "connection_no": "Z-1"},
    )
    return coupling


def zuid_inbox(w: World) -> InboxMessage:
    return InboxMessage.objects.create(
        coupling=zuid_coupling(w),
        message_ref="route-test",
        content_type="application/json",
        body=b"{}",
        checksum="0" * 64,
        status="failed",
    )


def zuid_outbox(w: World) -> OutboxMessage:
    return OutboxMessage.objects.create(
        coupling=zuid_coupling(w),
        stream=1,
        message_ref="route-test-out",
        body=b"<x/>",
        status="failed",
        next_attempt_at=timezone.now(),
    )


def zuid_review(w: World) -> ReviewTask:
    return ReviewTask.objects.create(
        coupling=zuid_coupling(w), message=zuid_inbox(w), kind="correction", case=zuid_case(w)
    )


def zuid_user(w: World) -> User:
    return w.other_casemanager


def zuid_recovery(w: World) -> Recovery:
    case = zuid_case(w)
    return Recovery.objects.create(
        case=case,
        date=case.first_day + dt.timedelta(days=1),
        percentage=Decimal("50"),
        hours=Decimal("18"),
        contract_hours=Decimal("36"),
        therapeutic=False,
    )


def zuid_session(w: World) -> PortalSession:
    return PortalSession.objects.create(user=zuid_user(w), session_key="route-test-session")


def zuid_notification(w: World) -> Notification:
    todo = Todo.objects.filter(case__employer=zuid(w)).first()
    return Notification.objects.create(user=zuid_user(w), todo=todo, kind="overdue")


def zuid_document(w: World) -> Document:
    return Document.objects.create(case=zuid_case(w), doc_type="PLAN_VAN_AANPAK")


def zuid_scan(w: World) -> DocumentScan:
    return DocumentScan.objects.create(
        document=zuid_document(w), filename="z.png", content_type="image/png", size=1, content=b"z"
    )


def zuid_token(w: World) -> ApiToken:
    return ApiToken.objects.create(
        user=zuid_user(w),
        prefix="zzzzzzzz",
        key_hash="z" * 64,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )


def zuid_message(w: World) -> Message:
    case = zuid_case(w)
    return Message.objects.create(
        case=case,
        employer_id=case.employer_id,
        employee_id=case.employee_id,
        thread="case",
        text="route test",
        author_name="Casemanager Zuid",
        author_role="casemanager",
    )


def zuid_attachment(w: World) -> Attachment:
    return Attachment.objects.create(
        message=zuid_message(w),
        name="z.png",
        content_type="image/png",
        size=8,
        data=b"\x89PNG\r\n\x1a\n",
    )


def zuid_medic(w: World) -> User:
    medic, _ = User.objects.get_or_create(
        username="route-test-medic", defaults={"role": "medic", "arbodienst": zuid(w).arbodienst}
    )
    return medic


def zuid_consult(w: World) -> Consult:
    case = zuid_case(w)
    start = timezone.now() - dt.timedelta(hours=1)
    return Consult.objects.create(
        employer=case.employer,
        employee=case.employee,
        employment=case.employment,
        case=case,
        kind="first",
        method="phone",
        status="held",
        practitioner=zuid_medic(w),
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
    )


def zuid_block(w: World) -> AvailabilityBlock:
    return AvailabilityBlock.objects.create(
        arbodienst=zuid(w).arbodienst,
        practitioner=zuid_medic(w),
        weekday=0,
        start_time=dt.time(8),
        end_time=dt.time(12),
        remote=True,
    )


def zuid_information_request(w: World) -> InformationRequest:
    case = zuid_case(w)
    return InformationRequest.objects.create(
        employer=case.employer,
        employee=case.employee,
        employment=case.employment,
        scope="werkhervatting",
        physician="huisarts",
        question="belastbaarheid?",
        consent_at=timezone.now(),
    )


OBJECTS: dict[str, Callable[[World], dict[str, int]]] = {
    "absence:case_add": lambda w: {
        "employment_pk": Employment.objects.filter(employer=zuid(w)).first().pk
    },
    **{
        f"absence:{name}": lambda w: {"pk": zuid_case(w).pk}
        for name in (
            "case_detail",
            "case_correct",
            "case_withdraw",
            "case_convert",
            "case_close",
            "case_delivery",
            "case_end_leave",
            "case_same_cause",
            "recovery_add",
            "case_hold",
            "case_hold_lift",
        )
    },
    "absence:recovery_correct": lambda w: {"pk": zuid_recovery(w).pk},
    **{
        f"people:{name}": lambda w: {
            "pk": Employment.objects.filter(employer=zuid(w)).first().employee_id
        }
        for name in ("employee_erase", "employee_hold", "employee_hold_lift")
    },
    "absence:recovery_remove": lambda w: {"pk": zuid_recovery(w).pk},
    "poortwachter:notification_dismiss": lambda w: {"pk": zuid_notification(w).pk},
    "poortwachter:todo_done": lambda w: {
        "pk": Todo.objects.filter(case__employer=zuid(w)).first().pk
    },
    "poortwachter:todo_add": lambda w: {"case_pk": zuid_case(w).pk},
    "messaging:send": lambda w: {"case_pk": zuid_case(w).pk},
    "messaging:attachment": lambda w: {"pk": zuid_attachment(w).pk},
    "documents:document_new": lambda w: {"case_pk": zuid_case(w).pk},
    "documents:report_pdf": lambda w: {"case_pk": zuid_case(w).pk},
    "documents:todo_document": lambda w: {
        "pk": Todo.objects.filter(case__employer=zuid(w)).first().pk
    },
    **{
        f"documents:{name}": lambda w: {"pk": zuid_document(w).pk}
        for name in (
            "document_detail",
            "document_sign",
            "document_final",
            "document_revise",
            "document_pdf",
            "document_scan",
        )
    },
    "documents:scan_download": lambda w: {
        "pk": (scan := zuid_scan(w)).document_id,
        "scan_pk": scan.pk,
    },
    "organisations:employer_detail": lambda w: {"pk": zuid(w).pk},
    "organisations:employer_edit": lambda w: {"pk": zuid(w).pk},
    "organisations:department_create": lambda w: {"pk": zuid(w).pk},
    "organisations:department_edit": lambda w: {
        "pk": Department.objects.filter(employer=zuid(w)).first().pk
    },
    **{
        f"people:{name}": lambda w: {"pk": Employment.objects.filter(employer=zuid(w)).first().pk}
        for name in ("employment_edit", "employment_end")
    },
    **{
        f"people:{name}": lambda w: {
            "pk": Employment.objects.filter(employer=zuid(w)).first().employee_id
        }
        for name in ("employee_detail", "employee_edit", "employee_export")
    },
    **{
        f"exchange:{name}": lambda w: {"pk": zuid_coupling(w).pk}
        for name in (
            "coupling_detail",
            "coupling_edit",
            "coupling_activate",
            "coupling_suspend",
            "coupling_key",
            "errors",
        )
    },
    "exchange:retry": lambda w: {"pk": zuid_coupling(w).pk, "message_pk": zuid_inbox(w).pk},
    "exchange:dismiss": lambda w: {"pk": zuid_coupling(w).pk, "message_pk": zuid_inbox(w).pk},
    "exchange:outbox_retry": lambda w: {"pk": zuid_coupling(w).pk, "message_pk": zuid_outbox(w).pk},
    "exchange:review_detail": lambda w: {"pk": zuid_review(w).pk},
    **{
        f"exchange-import-{suffix}": lambda w: {
            "pk": ImportRun.objects.create(
                employer=zuid(w), filename="z.csv", checksum="0" * 64, file_format="csv"
            ).pk
        }
        for suffix in ("run", "status", "errors")
    },
    "accounts:token_revoke": lambda w: {"pk": zuid_token(w).pk},
    **{
        f"accounts:{name}": lambda w: {"pk": zuid_user(w).pk}
        for name in (
            "user_detail",
            "user_scope",
            "user_active",
            "grant_add",
            "password_set",
            "mfa_reset",
            "user_sessions_end_all",
            "user_tokens_revoke_all",
            "user_unlock",
        )
    },
    "accounts:grant_revoke": lambda w: {"pk": zuid_user(w).pk, "grant_pk": 1},
    "accounts:user_token_revoke": lambda w: {"pk": zuid_user(w).pk, "token_pk": zuid_token(w).pk},
    "accounts:user_session_end": lambda w: {
        "pk": zuid_user(w).pk,
        "session_pk": zuid_session(w).pk,
    },
    "accounts:session_end": lambda w: {"pk": zuid_session(w).pk},
    "statistics:export": lambda w: {"employer": str(zuid(w).pk), "table": "figures", "fmt": "csv"},
    **{
        f"consults:{name}": lambda w: {"pk": zuid_consult(w).pk}
        for name in (
            "detail",
            "letter",
            "schedule",
            "cancel",
            "reschedule",
            "held",
            "no_show",
            "note_add",
            "report",
            "report_final",
        )
    },
    "consults:block_remove": lambda w: {"pk": zuid_block(w).pk},
    "consults:plan": lambda w: {"case_pk": zuid_case(w).pk},
    "consults:information_add": lambda w: {"case_pk": zuid_case(w).pk},
    "consults:information_detail": lambda w: {"pk": zuid_information_request(w).pk},
    "consults:information_withdraw": lambda w: {"pk": zuid_information_request(w).pk},
}

# Pages without an object, as anyone may request them: public ones answer 200 to everyone.
PUBLIC = {
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
    "accounts:password_reset_confirm",
    "portal:health",
}
# Reached on the way in (second factor, log-out) or only by POST; checked in tests/accounts.
NOT_A_PAGE = {
    "accounts:logout",
    "accounts:otp",
    "accounts:otp_setup",
    "accounts:sessions_end_others",
    "poortwachter:notifications_dismiss_done",
    "consults:sms_consent",
}


def test_every_portal_route_declares_who_may_reach_it() -> None:
    undeclared = sorted(
        name for name, entry in portal_routes().items() if declared_access(entry.callback) is None
    )
    assert undeclared == []


def test_every_route_about_an_object_has_a_row_in_this_matrix() -> None:
    missing = sorted(
        name
        for name, entry in portal_routes().items()
        if entry.pattern.converters and name not in OBJECTS and name not in PUBLIC
    )
    assert missing == []


def object_routes() -> list[str]:
    return sorted(OBJECTS)


def page_routes() -> list[str]:
    return sorted(
        name
        for name, entry in portal_routes().items()
        if not entry.pattern.converters and name not in PUBLIC | NOT_A_PAGE
    )


@pytest.mark.parametrize("route", object_routes())
@pytest.mark.parametrize("username", NOORD)
def test_an_object_of_another_arbodienst_is_not_found(w, portal, route, username) -> None:
    from django.urls import reverse

    path = reverse(route, kwargs=OBJECTS[route](w))
    client = portal(username)
    # Each route answers 404 on the method it takes, and 405 (or 404) on the other.
    statuses = {client.get(path).status_code, client.post(path).status_code}
    assert 404 in statuses and statuses <= {404, 405}, (path, statuses)


@pytest.mark.parametrize("route", object_routes() + page_routes())
def test_anonymous_visitors_are_sent_to_the_login_page(w, client, route) -> None:
    from django.urls import reverse

    kwargs = OBJECTS[route](w) if route in OBJECTS else {}
    response = client.get(reverse(route, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


EVERYONE = {*NOORD, "operator"}
EMPLOYER_SIDE = {"hr", "manager", "other_hr"}
STAFF = {"admin", "casemanager", "medic"}
# Who gets 200 on each page without an object (by the role defaults of docs/rules/privacy.md
# and the user guide); everyone else in EVERYONE gets 403.
PAGE_REACH: dict[str, set[str]] = {
    "portal:home": EVERYONE,
    "poortwachter:notifications": EVERYONE,
    "messaging:preference": EVERYONE,
    "messaging:inbox": STAFF | EMPLOYER_SIDE | {"employee"},
    # Who viewed my file: about the user's own file, so only an employee has one.
    "people:my_access_log": {"employee"},
    "accounts:sessions": EVERYONE,
    # API tokens are for systems of an employer or arbodienst, not for employees.
    "accounts:tokens": EVERYONE - {"employee"},
    "absence:case_list": STAFF | EMPLOYER_SIDE | {"employee"},
    "poortwachter:worklist": STAFF | EMPLOYER_SIDE | {"employee"},
    "people:employment_list": STAFF | EMPLOYER_SIDE | {"employee"},
    "people:employment_add": {"admin", "casemanager"} | EMPLOYER_SIDE,
    "organisations:employer_list": STAFF | EMPLOYER_SIDE | {"operator"},
    "organisations:employer_create": {"admin", "operator"},
    "exchange:coupling_list": {"admin", "operator"},
    "exchange:coupling_add": {"admin", "operator"},
    "exchange:review_list": {"admin", "casemanager", "operator"},
    # Datakluis: casemanagers and medics name a person for a preventive consult; no admin.
    "exchange:vault_reveal": {"casemanager", "medic"},
    # Importing needs people.change on a whole employer: a department manager may not.
    "exchange-import": {"admin", "casemanager", "hr", "other_hr"},
    "accounts:user_list": {"admin", "operator"},
    "accounts:user_create": {"admin", "operator"},
    # Absence figures: employer users and staff; an employee sees only his own file.
    "statistics:overview": STAFF | EMPLOYER_SIDE,
    "consults:list": STAFF | EMPLOYER_SIDE | {"employee"},
    "consults:agenda": STAFF,
    "consults:billing": {"admin", "casemanager"},
    # The open spreekuur: the employee asks himself.
    "consults:request": {"employee"},
    # Retention (issue 15, B4): the staff read the reports, the administrator sets the terms.
    "organisations:retention_reports": STAFF,
    "organisations:retention_terms": {"admin"},
}


def test_every_page_has_a_row_in_this_matrix() -> None:
    assert sorted(PAGE_REACH) == page_routes()


@pytest.mark.parametrize("route", page_routes())
@pytest.mark.parametrize("username", sorted(EVERYONE))
def test_a_page_answers_200_to_its_users_and_403_to_others(portal, route, username) -> None:
    from django.urls import reverse

    status = portal(username).get(reverse(route)).status_code
    assert status == (200 if username in PAGE_REACH.get(route, set()) else 403), (route, status)


# --- the API ---------------------------------------------------------------------------------


def api_operations() -> list[tuple[str, str, Any]]:
    """(method, path, operation) of every Ninja operation, paths as requested (/api/v1/...)."""
    from hersteld.api.router import api

    found = []
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for method in operation.methods:
                    found.append((method, f"/api{prefix}{path}", operation))
    return found


def test_every_api_operation_declares_who_may_call_it() -> None:
    undeclared = sorted(
        f"{method} {path}"
        for method, path, operation in api_operations()
        if declared_access(operation.view_func) is None
    )
    assert undeclared == []


API_OBJECTS: dict[str, Callable[[World], int]] = {
    "case_id": lambda w: zuid_case(w).pk,
    "recovery_id": lambda w: zuid_recovery(w).pk,
    "employer_id": lambda w: zuid(w).pk,
    "department_id": lambda w: Department.objects.filter(employer=zuid(w)).first().pk,
    "employee_id": lambda w: Employment.objects.filter(employer=zuid(w)).first().employee_id,
    "employment_id": lambda w: Employment.objects.filter(employer=zuid(w)).first().pk,
    "todo_id": lambda w: Todo.objects.filter(case__employer=zuid(w)).first().pk,
    "document_id": lambda w: zuid_document(w).pk,
    "token_id": lambda w: zuid_token(w).pk,
    "message_id": lambda w: zuid_message(w).pk,
    "consult_id": lambda w: zuid_consult(w).pk,
    "practitioner_id": lambda w: zuid_medic(w).pk,
    "information_request_id": lambda w: zuid_information_request(w).pk,
    "review_id": lambda w: zuid_review(w).pk,
    "run_id": lambda w: (
        ImportRun.objects.create(
            employer=zuid(w), filename="z.csv", checksum="0" * 64, file_format="csv"
        ).pk
    ),
}


def user_operations(with_object: bool) -> list[str]:
    """'METHOD path' of every operation a user calls (not the token request, not couplings)."""
    return sorted(
        f"{method} {path}"
        for method, path, operation in api_operations()
        if (access := declared_access(operation.view_func)) is not None
        and access.sign_in
        and ("{" in path) == with_object
    )


def call(client: Any, operation: str, kwargs: dict[str, int] | None = None) -> Any:
    method, path = operation.split(" ", 1)
    for name, value in (kwargs or {}).items():
        path = path.replace("{" + name + "}", str(value))
    send = getattr(client.client if hasattr(client, "client") else client, method.lower())
    if method == "GET":
        return send(path)
    return send(path, {}, content_type="application/json")


@pytest.mark.parametrize("operation", user_operations(with_object=True))
@pytest.mark.parametrize("username", NOORD)
def test_an_api_object_of_another_arbodienst_is_not_found(w, api, operation, username) -> None:
    """Another tenant's object answers exactly as an id that does not exist: 404 (or, for a
    body the schema already refuses, the same 422), never a hint that it is there."""
    names = re.findall(r"\{(\w+)\}", operation)
    client = api(username)
    foreign = call(client, operation, {name: API_OBJECTS[name](w) for name in names})
    missing = call(client, operation, dict.fromkeys(names, 2**62))
    assert foreign.status_code == missing.status_code, (operation, foreign.status_code)
    if operation.startswith(("GET ", "DELETE ")):
        assert foreign.status_code == 404, (operation, foreign.status_code)
    else:
        assert foreign.status_code in (404, 422), (operation, foreign.status_code)


@pytest.mark.parametrize("operation", user_operations(True) + user_operations(False))
def test_the_api_without_a_token_answers_401(w, client, operation) -> None:
    names = re.findall(r"\{(\w+)\}", operation)
    response = call(client, operation, dict.fromkeys(names, 1))
    assert response.status_code == 401, (operation, response.status_code)


# Who may call each operation without an object (the same role defaults as the pages);
# everyone else in EVERYONE gets 403. Allowed callers get anything but 403 (a list 200, an
# empty body 422).
API_REACH: dict[str, set[str]] = {
    "GET /api/v1/auth/tokens": EVERYONE,
    "POST /api/v1/privacy/scan-text": EVERYONE,
    "GET /api/v1/employers": STAFF | EMPLOYER_SIDE | {"operator"},
    "GET /api/v1/departments": STAFF | EMPLOYER_SIDE | {"operator"},
    "POST /api/v1/employers": {"admin", "operator"},
    "POST /api/v1/departments": {"admin", "operator"},
    "GET /api/v1/employees": STAFF | EMPLOYER_SIDE | {"employee"},
    "GET /api/v1/employments": STAFF | EMPLOYER_SIDE | {"employee"},
    "GET /api/v1/exchange/changes": STAFF | EMPLOYER_SIDE | {"employee"},
    "POST /api/v1/employments": {"admin", "casemanager"} | EMPLOYER_SIDE,
    "GET /api/v1/cases": STAFF | EMPLOYER_SIDE | {"employee"},
    "GET /api/v1/todos": STAFF | EMPLOYER_SIDE | {"employee"},
    "GET /api/v1/me/messages": STAFF | EMPLOYER_SIDE | {"employee"},
    "GET /api/v1/me/access-log": {"employee"},
    "GET /api/v1/document-types": STAFF | EMPLOYER_SIDE | {"employee"},
    "POST /api/v1/cases": {"casemanager", "medic"} | EMPLOYER_SIDE,
    "POST /api/v1/exchange/vault/reveal": {"casemanager", "medic"},
    # The proposals from couplings: as the portal's list (exchange:review_list).
    "GET /api/v1/exchange/reviews": {"admin", "casemanager", "operator"},
    # The bulk import: people.change on a whole employer, as the portal page.
    "POST /api/v1/imports": {"admin", "casemanager", "hr", "other_hr"},
    "GET /api/v1/imports": {"admin", "casemanager", "hr", "other_hr"},
    "GET /api/v1/statistics": STAFF | EMPLOYER_SIDE,
    "GET /api/v1/practitioners": STAFF,
    "GET /api/v1/consults": STAFF | EMPLOYER_SIDE | {"employee"},
    "GET /api/v1/billing": {"admin", "casemanager"},
    "POST /api/v1/me/consult-requests": {"employee"},
    # The employee's own consents to medical information requests.
    "GET /api/v1/me/information-requests": {"employee"},
    # The employee's own SMS consents, per purpose.
    "GET /api/v1/me/sms-consents": {"employee"},
    "POST /api/v1/me/sms-consents": {"employee"},
    "POST /api/v1/me/sms-consents/withdraw": {"employee"},
}


def test_every_api_operation_without_an_object_has_a_row() -> None:
    assert sorted(API_REACH) == user_operations(with_object=False)


@pytest.mark.parametrize("operation", user_operations(with_object=False))
@pytest.mark.parametrize("username", sorted(EVERYONE))
def test_an_api_operation_answers_by_the_matrix(api, operation, username) -> None:
    status = call(api(username), operation).status_code
    if username in API_REACH[operation]:
        assert status != 403, (operation, status)
    else:
        assert status == 403, (operation, status)
