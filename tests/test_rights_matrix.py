"""The rights matrix (P1, architecture.md "Tenancy"): every view and endpoint per persona.

An object outside the persona's scope answers 404 (never 403 with a leak); a page the
persona's role has no permission for at all answers 403.
"""

from __future__ import annotations

from typing import Any

import pytest

from hersteld.organisations.models import Department, Employer
from hersteld.people.models import Employee, Employment

pytestmark = pytest.mark.django_db

PERSONAS = (
    "beheer",
    "admin.noord",
    "casemanager.noord",
    "bedrijfsarts.noord",
    "casemanager.zuid",
    "hr.devries",
    "manager.devries.bakkerij",
    "hr.jansen",
    "hr.zuidzorg",
    "werknemer.devries",
)


def objects(persona: Any) -> dict[str, Any]:
    own = persona("werknemer.devries").employee
    winkel = Employee.objects.filter(employments__department__code="WNK").first()
    return {
        "own_employee": own,
        "own_employment": Employment.objects.filter(employee=own).first(),
        "winkel_employee": winkel,
        "winkel_employment": Employment.objects.filter(employee=winkel).first(),
        "jansen_employee": Employee.objects.filter(employer__name="Transport Jansen").first(),
        "zuid_employee": Employee.objects.filter(employer__name="Zorggroep Zuid").first(),
        "devries": Employer.objects.get(name="Bakkerij De Vries"),
        "zuid": Employer.objects.get(name="Zorggroep Zuid"),
        "bakkerij": Department.objects.get(code="BAK"),
        "winkel": Department.objects.get(code="WNK"),
    }


# Who reaches which object (200); everyone else gets 404.
REACH = {
    "own_employee": {
        "admin.noord",
        "casemanager.noord",
        "bedrijfsarts.noord",
        "hr.devries",
        "manager.devries.bakkerij",
        "werknemer.devries",
    },
    "winkel_employee": {"admin.noord", "casemanager.noord", "bedrijfsarts.noord", "hr.devries"},
    "jansen_employee": {"admin.noord", "casemanager.noord", "bedrijfsarts.noord", "hr.jansen"},
    "zuid_employee": {"casemanager.zuid", "hr.zuidzorg"},
    "devries": {
        "beheer",
        "admin.noord",
        "casemanager.noord",
        "bedrijfsarts.noord",
        "hr.devries",
        "manager.devries.bakkerij",
    },
    "zuid": {"beheer", "casemanager.zuid", "hr.zuidzorg"},
    "winkel": {"beheer", "admin.noord", "casemanager.noord", "bedrijfsarts.noord", "hr.devries"},
    "bakkerij": {
        "beheer",
        "admin.noord",
        "casemanager.noord",
        "bedrijfsarts.noord",
        "hr.devries",
        "manager.devries.bakkerij",
    },
}
REACH["own_employment"] = REACH["own_employee"]
REACH["winkel_employment"] = REACH["winkel_employee"]


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize(
    "key", ["own_employee", "winkel_employee", "jansen_employee", "zuid_employee"]
)
def test_employee_page_per_persona(login, persona, username, key) -> None:
    employee = objects(persona)[key]
    response = login(username).get(f"/employees/{employee.pk}/")
    assert response.status_code == (200 if username in REACH[key] else 404)


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize(
    "key", ["own_employee", "winkel_employee", "jansen_employee", "zuid_employee"]
)
def test_employee_endpoint_per_persona(api, persona, username, key) -> None:
    employee = objects(persona)[key]
    response = api(username).get(f"/api/v1/employees/{employee.pk}")
    assert response.status_code == (200 if username in REACH[key] else 404)
    if response.status_code == 404:
        assert response.json() == {"detail": response.json()["detail"], "errors": []}


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("key", ["own_employment", "winkel_employment"])
def test_employment_endpoint_per_persona(api, persona, username, key) -> None:
    employment = objects(persona)[key]
    response = api(username).get(f"/api/v1/employments/{employment.pk}")
    assert response.status_code == (200 if username in REACH[key] else 404)


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("key", ["devries", "zuid"])
def test_employer_page_and_endpoint_per_persona(login, api, persona, username, key) -> None:
    employer = objects(persona)[key]
    expected = 200 if username in REACH[key] else 404
    assert login(username).get(f"/employers/{employer.pk}/").status_code == expected
    assert api(username).get(f"/api/v1/employers/{employer.pk}").status_code == expected


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("key", ["bakkerij", "winkel"])
def test_department_endpoint_per_persona(api, persona, username, key) -> None:
    department = objects(persona)[key]
    expected = 200 if username in REACH[key] else 404
    assert api(username).get(f"/api/v1/departments/{department.pk}").status_code == expected


# Writes: only people.change in scope; everyone else 404 (or 403 without the permission at all).
CHANGE_OWN = {"admin.noord", "casemanager.noord", "hr.devries", "manager.devries.bakkerij"}


@pytest.mark.parametrize("username", PERSONAS)
def test_edit_employee_page_per_persona(login, persona, username) -> None:
    employee = objects(persona)["own_employee"]
    response = login(username).get(f"/employees/{employee.pk}/edit/")
    assert response.status_code == (200 if username in CHANGE_OWN else 404)


@pytest.mark.parametrize("username", PERSONAS)
def test_patch_employee_per_persona(api, persona, username) -> None:
    employee = objects(persona)["own_employee"]
    response = api(username).patch(f"/api/v1/employees/{employee.pk}", {"city": "Zwolle"})
    assert response.status_code == (200 if username in CHANGE_OWN else 404)
    employee.refresh_from_db()
    assert (employee.city == "Zwolle") == (username in CHANGE_OWN)


@pytest.mark.parametrize("username", PERSONAS)
def test_end_employment_page_per_persona(login, persona, username) -> None:
    employment = objects(persona)["own_employment"]
    response = login(username).get(f"/employments/{employment.pk}/end/")
    assert response.status_code == (200 if username in CHANGE_OWN else 404)


EMPLOYER_SIDE = {"hr.devries", "manager.devries.bakkerij", "hr.jansen", "hr.zuidzorg"}
STAFF = {"admin.noord", "casemanager.noord", "bedrijfsarts.noord", "casemanager.zuid"}
# Who opens each page (by the role defaults in the user guide); everyone else gets 403.
PAGE_REACH = {
    "/employments/": STAFF | EMPLOYER_SIDE | {"werknemer.devries"},
    "/employments/add/": {"admin.noord", "casemanager.noord", "casemanager.zuid"} | EMPLOYER_SIDE,
    "/employers/": STAFF | EMPLOYER_SIDE | {"beheer"},
    "/users/": {"beheer", "admin.noord"},
    "/proposals/": {"beheer", "admin.noord", "casemanager.noord", "casemanager.zuid"},
}


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("path", list(PAGE_REACH))
def test_pages_without_the_permission_answer_403(login, username, path) -> None:
    response = login(username).get(path)
    assert response.status_code == (200 if username in PAGE_REACH[path] else 403)


def test_anonymous_visitors_are_sent_to_the_login_page(client) -> None:
    response = client.get("/employments/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_api_without_a_token_answers_401(client) -> None:
    response = client.get("/api/v1/employees")
    assert response.status_code == 401
    assert response.json()["errors"] == []


@pytest.mark.parametrize(
    "username",
    [
        "hr.devries",
        "manager.devries.bakkerij",
        "hr.jansen",
        "hr.zuidzorg",
        "werknemer.devries",
        "casemanager.noord",
    ],
)
def test_the_api_list_shows_exactly_the_own_scope(api, persona, username) -> None:
    user = persona(username)
    expected = set(Employment.objects.restrict(user, "people.view").values_list("pk", flat=True))
    client = api(username)
    seen: set[int] = set()
    page = 1
    while True:
        body = client.get("/api/v1/employments", page=page).json()
        seen |= {item["id"] for item in body["items"]}
        if len(seen) >= body["count"]:
            break
        page += 1
    assert seen == expected
    employers = set(Employment.objects.filter(pk__in=seen).values_list("employer__name", flat=True))
    if username == "hr.devries":
        assert employers == {"Bakkerij De Vries"}
    if username == "werknemer.devries":
        assert len(seen) == 1
    if username == "manager.devries.bakkerij":
        assert set(
            Employment.objects.filter(pk__in=seen).values_list("department__code", flat=True)
        ) == {"BAK"}


# Couplings (X1): the admin of the coupling's arbodienst and the operator; others 404 or 403.
COUPLING_REACH = {"beheer", "admin.noord"}


@pytest.mark.parametrize("username", PERSONAS)
def test_coupling_pages_per_persona(login, persona, username) -> None:
    from hersteld.exchange.models import Coupling

    coupling = Coupling.objects.get(employer__name="Bakkerij De Vries")
    client = login(username)
    expected = 200 if username in COUPLING_REACH else 404
    assert client.get(f"/couplings/{coupling.pk}/").status_code == expected
    assert client.get(f"/couplings/{coupling.pk}/errors/").status_code == expected
    listing = client.get("/couplings/").status_code
    assert listing == (200 if username in COUPLING_REACH else 403)


@pytest.mark.parametrize("username", PERSONAS)
def test_import_run_pages_per_persona(login, persona, username) -> None:
    from hersteld.exchange.models import ImportRun

    employer = Employer.objects.get(name="Bakkerij De Vries")
    run = ImportRun.objects.create(
        employer=employer, filename="x.csv", checksum="0" * 64, file_format="csv"
    )
    reach = {"admin.noord", "casemanager.noord", "hr.devries"}
    client = login(username)
    # Importing needs people.change on a whole employer (a department subtree is not enough).
    importers = reach | {"casemanager.zuid", "hr.jansen", "hr.zuidzorg"}
    assert client.get("/exchange/import/").status_code == (200 if username in importers else 403)
    for path in (f"/exchange/import/{run.pk}/", f"/exchange/import/{run.pk}/status/"):
        status = client.get(path).status_code
        assert status == (200 if username in reach else 404), (path, status)


# Issue 11 item 20 and 8: correcting or removing a recovery, and "same cause?" after a leave.
CHANGE_BAKKERIJ_CASE = {
    "casemanager.noord",
    "bedrijfsarts.noord",
    "hr.devries",
    "manager.devries.bakkerij",
}


@pytest.fixture
def bakkerij_recovery(persona: Any, free_employment: Any) -> Any:
    import datetime as dt

    from hersteld.absence import services
    from hersteld.absence.models import CaseKind

    staff = persona("casemanager.noord")
    case = services.add_case(
        actor=staff,
        employment_id=free_employment(department="BAK").pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": dt.date(2025, 1, 6)},
    )
    return services.add_recovery(
        actor=staff, case_id=case.pk, data={"date": dt.date(2025, 2, 1), "percentage": 50}
    )


@pytest.mark.parametrize("username", PERSONAS)
def test_recovery_correction_per_persona(
    api: Any, login: Any, bakkerij_recovery: Any, username: str
) -> None:
    """In scope with absence.change: the rule answers (422, nothing written); others 404."""
    reach = username in CHANGE_BAKKERIJ_CASE
    pk = bakkerij_recovery.pk
    client = api(username)
    response = client.post(
        f"/api/v1/recoveries/{pk}/correct", {"date": "2000-01-01", "reason": "x"}
    )
    assert response.status_code == (422 if reach else 404)
    response = client.post(f"/api/v1/recoveries/{pk}/remove", {"reason": " "})
    assert response.status_code == (422 if reach else 404)
    for page in (f"/recoveries/{pk}/correct/", f"/recoveries/{pk}/remove/"):
        assert login(username).get(page).status_code == (200 if reach else 404)


@pytest.mark.parametrize("username", PERSONAS)
def test_same_cause_per_persona(api: Any, bakkerij_recovery: Any, username: str) -> None:
    """Staff in scope: the rule answers (no leave before: 422); employer side 403; others 404."""
    case_id = bakkerij_recovery.case_id
    response = api(username).post(f"/api/v1/cases/{case_id}/same-cause", {"same_cause": "yes"})
    if username in ("casemanager.noord", "bedrijfsarts.noord"):
        assert response.status_code == 422
    elif username in CHANGE_BAKKERIJ_CASE:
        assert response.status_code == 403
    else:
        assert response.status_code == 404
