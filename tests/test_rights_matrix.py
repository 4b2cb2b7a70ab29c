"""The rights matrix (P1, architecture.md "Tenancy"): every view and endpoint per persona.

An object outside the persona's scope answers 404 (never 403 with a leak); a page the
persona's role has no permission for at all answers 403.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.world import World

pytestmark = pytest.mark.django_db

# Users of the factory world (tests/support/world.py), by attribute; with the demo persona
# each replaces: the operator (beheer), the admin, casemanager and medic of the tenant
# (admin.noord, casemanager.noord, bedrijfsarts.noord), the casemanager of the other
# arbodienst (casemanager.zuid), HR of the employer (hr.devries), the manager of its
# department subtree (manager.devries.bakkerij), HR of the other employer (hr.jansen), HR of
# the other arbodienst's employer (hr.zuidzorg) and the employee (werknemer.devries).
PERSONAS = (
    "operator",
    "admin",
    "casemanager",
    "medic",
    "other_casemanager",
    "hr",
    "manager",
    "other_hr",
    "foreign_hr",
    "employee",
)


@pytest.fixture
def objects(world: World) -> dict[str, Any]:
    """The objects each row is about: the employee's own record and a colleague's in the
    sibling department (outside the manager's subtree), a person at the other employer and
    one at the other arbodienst's employer, and the employers and departments."""
    other = world.hire(world.other_department, surname="Anders")
    foreign = world.hire(world.foreign_department, surname="Vreemd")
    return {
        "own_employee": world.own_employee,
        "own_employment": world.own_employment,
        "sibling_employee": world.colleague_employment.employee,
        "sibling_employment": world.colleague_employment,
        "other_employee": other.employee,
        "foreign_employee": foreign.employee,
        "employer": world.employer,
        "foreign_employer": world.foreign_employer,
        "department": world.department,
        "sibling_department": world.sibling_department,
    }


@pytest.fixture
def portal(world: World, sign_in: Any) -> Any:
    """A portal client for a persona, by its world attribute."""
    return lambda username: sign_in(getattr(world, username))


@pytest.fixture
def api(world: World, api_as: Any) -> Any:
    """An API client for a persona, by its world attribute."""
    return lambda username: api_as(getattr(world, username))


# Who reaches which object (200); everyone else gets 404.
REACH = {
    "own_employee": {"admin", "casemanager", "medic", "hr", "manager", "employee"},
    "sibling_employee": {"admin", "casemanager", "medic", "hr"},
    "other_employee": {"admin", "casemanager", "medic", "other_hr"},
    "foreign_employee": {"other_casemanager", "foreign_hr"},
    "employer": {"operator", "admin", "casemanager", "medic", "hr", "manager"},
    "foreign_employer": {"operator", "other_casemanager", "foreign_hr"},
    "sibling_department": {"operator", "admin", "casemanager", "medic", "hr"},
    "department": {"operator", "admin", "casemanager", "medic", "hr", "manager"},
}
REACH["own_employment"] = REACH["own_employee"]
REACH["sibling_employment"] = REACH["sibling_employee"]

EMPLOYEES = ["own_employee", "sibling_employee", "other_employee", "foreign_employee"]


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("key", EMPLOYEES)
def test_employee_page_per_persona(portal, objects, username, key) -> None:
    employee = objects[key]
    response = portal(username).get(f"/employees/{employee.pk}/")
    assert response.status_code == (200 if username in REACH[key] else 404)


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("key", EMPLOYEES)
def test_employee_endpoint_per_persona(api, objects, username, key) -> None:
    employee = objects[key]
    response = api(username).get(f"/api/v1/employees/{employee.pk}")
    assert response.status_code == (200 if username in REACH[key] else 404)
    if response.status_code == 404:
        assert response.json() == {"detail": response.json()["detail"], "errors": []}


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("key", ["own_employment", "sibling_employment"])
def test_employment_endpoint_per_persona(api, objects, username, key) -> None:
    employment = objects[key]
    response = api(username).get(f"/api/v1/employments/{employment.pk}")
    assert response.status_code == (200 if username in REACH[key] else 404)


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("key", ["employer", "foreign_employer"])
def test_employer_page_and_endpoint_per_persona(portal, api, objects, username, key) -> None:
    employer = objects[key]
    expected = 200 if username in REACH[key] else 404
    assert portal(username).get(f"/employers/{employer.pk}/").status_code == expected
    assert api(username).get(f"/api/v1/employers/{employer.pk}").status_code == expected


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("key", ["department", "sibling_department"])
def test_department_endpoint_per_persona(api, objects, username, key) -> None:
    department = objects[key]
    expected = 200 if username in REACH[key] else 404
    assert api(username).get(f"/api/v1/departments/{department.pk}").status_code == expected


# Writes: only people.change in scope; everyone else 404 (or 403 without the permission at all).
CHANGE_OWN = {"admin", "casemanager", "hr", "manager"}


@pytest.mark.parametrize("username", PERSONAS)
def test_edit_employee_page_per_persona(portal, objects, username) -> None:
    employee = objects["own_employee"]
    response = portal(username).get(f"/employees/{employee.pk}/edit/")
    assert response.status_code == (200 if username in CHANGE_OWN else 404)


@pytest.mark.parametrize("username", PERSONAS)
def test_patch_employee_per_persona(api, objects, username) -> None:
    employee = objects["own_employee"]
    response = api(username).patch(f"/api/v1/employees/{employee.pk}", {"city": "Zwolle"})
    assert response.status_code == (200 if username in CHANGE_OWN else 404)
    employee.refresh_from_db()
    assert (employee.city == "Zwolle") == (username in CHANGE_OWN)


@pytest.mark.parametrize("username", PERSONAS)
def test_end_employment_page_per_persona(portal, objects, username) -> None:
    employment = objects["own_employment"]
    response = portal(username).get(f"/employments/{employment.pk}/end/")
    assert response.status_code == (200 if username in CHANGE_OWN else 404)


EMPLOYER_SIDE = {"hr", "manager", "other_hr", "foreign_hr"}
STAFF = {"admin", "casemanager", "medic", "other_casemanager"}
# Who opens each page (by the role defaults in the user guide); everyone else gets 403.
PAGE_REACH = {
    "/employments/": STAFF | EMPLOYER_SIDE | {"employee"},
    "/employments/add/": {"admin", "casemanager", "other_casemanager"} | EMPLOYER_SIDE,
    "/employers/": STAFF | EMPLOYER_SIDE | {"operator"},
    "/users/": {"operator", "admin"},
    "/proposals/": {"operator", "admin", "casemanager", "other_casemanager"},
}


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("path", list(PAGE_REACH))
def test_pages_without_the_permission_answer_403(portal, username, path) -> None:
    response = portal(username).get(path)
    assert response.status_code == (200 if username in PAGE_REACH[path] else 403)


def test_anonymous_visitors_are_sent_to_the_login_page(client) -> None:
    response = client.get("/employments/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_api_without_a_token_answers_401(client) -> None:
    response = client.get("/api/v1/employees")
    assert response.status_code == 401
    assert response.json()["errors"] == []


# The employments each persona's API list holds, written down (not read from the scope
# filter under test): HR the whole employer, the manager his subtree (the employee's
# sub-department, not the sibling department), the employee himself, the tenant's
# casemanager every employer of the tenant, and never anything of the other arbodienst.
OWN_SCOPE = {
    "hr": {"own_employment", "sibling_employment", "extra_employment"},
    "manager": {"own_employment", "extra_employment"},
    "other_hr": {"other_employment"},
    "foreign_hr": {"foreign_employment"},
    "employee": {"own_employment"},
    "casemanager": {
        "own_employment",
        "sibling_employment",
        "extra_employment",
        "other_employment",
    },
}


@pytest.mark.parametrize("username", list(OWN_SCOPE))
def test_the_api_list_shows_exactly_the_own_scope(world, objects, api, username) -> None:
    employments = {
        "own_employment": objects["own_employment"],
        "sibling_employment": objects["sibling_employment"],
        "extra_employment": world.hire(world.department, surname="Extra"),
        "other_employment": objects["other_employee"].employments.get(),
        "foreign_employment": objects["foreign_employee"].employments.get(),
    }
    client = api(username)
    seen: set[int] = set()
    page = 1
    while True:
        body = client.get("/api/v1/employments", page=page, page_size=2).json()
        seen |= {item["id"] for item in body["items"]}
        if len(seen) >= body["count"] or not body["items"]:
            break
        page += 1
    assert seen == {employments[name].pk for name in OWN_SCOPE[username]}


# Couplings (X1): the admin of the coupling's arbodienst and the operator; others 404 or 403.
COUPLING_REACH = {"operator", "admin"}


@pytest.mark.parametrize("username", PERSONAS)
def test_coupling_pages_per_persona(world, portal, username) -> None:
    coupling = world.coupling()
    client = portal(username)
    expected = 200 if username in COUPLING_REACH else 404
    assert client.get(f"/couplings/{coupling.pk}/").status_code == expected
    assert client.get(f"/couplings/{coupling.pk}/errors/").status_code == expected
    listing = client.get("/couplings/").status_code
    assert listing == (200 if username in COUPLING_REACH else 403)


@pytest.mark.parametrize("username", PERSONAS)
def test_import_run_pages_per_persona(world, portal, username) -> None:
    from hersteld.exchange.models import ImportRun

    run = ImportRun.objects.create(
        employer=world.employer, filename="x.csv", checksum="0" * 64, file_format="csv"
    )
    reach = {"admin", "casemanager", "hr"}
    client = portal(username)
    # Importing needs people.change on a whole employer (a department subtree is not enough).
    importers = reach | {"other_casemanager", "other_hr", "foreign_hr"}
    assert client.get("/exchange/import/").status_code == (200 if username in importers else 403)
    for path in (f"/exchange/import/{run.pk}/", f"/exchange/import/{run.pk}/status/"):
        status = client.get(path).status_code
        assert status == (200 if username in reach else 404), (path, status)


# Issue 11 item 20 and 8: correcting or removing a recovery, and "same cause?" after a leave.
CHANGE_DEPARTMENT_CASE = {"casemanager", "medic", "hr", "manager"}


@pytest.fixture
def department_recovery(world: World) -> Any:
    """A 50% recovery in a case of someone in the manager's department, by the casemanager."""
    import datetime as dt

    from hersteld.absence import services

    staff = world.casemanager
    case = world.report_sick(
        world.hire(world.department, surname="Hersteld"), dt.date(2025, 1, 6), actor=staff
    )
    return services.add_recovery(
        actor=staff, case_id=case.pk, data={"date": dt.date(2025, 2, 1), "percentage": 50}
    )


@pytest.mark.parametrize("username", PERSONAS)
def test_recovery_correction_per_persona(
    api: Any, portal: Any, department_recovery: Any, username: str
) -> None:
    """In scope with absence.change: the rule answers (422, nothing written); others 404."""
    reach = username in CHANGE_DEPARTMENT_CASE
    pk = department_recovery.pk
    client = api(username)
    response = client.post(
        f"/api/v1/recoveries/{pk}/correct", {"date": "2000-01-01", "reason": "x"}
    )
    assert response.status_code == (422 if reach else 404)
    response = client.post(f"/api/v1/recoveries/{pk}/remove", {"reason": " "})
    assert response.status_code == (422 if reach else 404)
    for page in (f"/recoveries/{pk}/correct/", f"/recoveries/{pk}/remove/"):
        assert portal(username).get(page).status_code == (200 if reach else 404)


@pytest.mark.parametrize("username", PERSONAS)
def test_same_cause_per_persona(api: Any, department_recovery: Any, username: str) -> None:
    """Staff in scope: the rule answers (no leave before: 422); employer side 403; others 404."""
    case_id = department_recovery.case_id
    response = api(username).post(f"/api/v1/cases/{case_id}/same-cause", {"same_cause": "yes"})
    if username in ("casemanager", "medic"):
        assert response.status_code == 422
    elif username in CHANGE_DEPARTMENT_CASE:
        assert response.status_code == 403
    else:
        assert response.status_code == 404
