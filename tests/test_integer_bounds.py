"""Every integer input is bounded: huge pages, ids beyond 64 bits, house numbers below 1 (E2).

The database holds signed 64-bit keys. An id beyond that range used to reach SQLite and
answer 500. The API refuses such values with 422 in its error shape; the portal treats a
list filter naming an id that cannot exist as "no match" and shows the last page for a
page number past the end. A house number is a whole number from 1 (people.rules).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.test import Client

from hersteld.api.router import api as ninja_api
from hersteld.core.models import AuditEvent
from hersteld.exchange.models import ImportRun
from hersteld.people.forms import EmployeeEditForm
from hersteld.people.models import Employee
from tests.factories import employment_data

pytestmark = pytest.mark.django_db

MAX_ID = 2**63 - 1  # the largest signed 64-bit key (PostgreSQL bigint, SQLite INTEGER)
BEYOND_64_BITS = ("9223372036854775808", "99999999999999999999")
HUGE_PAGE = "3159964880883662336"  # fits 64 bits; page x page size does not


def _integer_parameters() -> list[tuple[str, str, str]]:
    """(path, parameter, where) of every integer parameter of every GET operation of the API."""
    schema = ninja_api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        for parameter in operation.get("parameters", []):
            kinds = {parameter["schema"].get("type")} | {
                option.get("type") for option in parameter["schema"].get("anyOf", [])
            }
            if "integer" in kinds:
                found.append((path, parameter["name"], parameter["in"]))
    return found


INTEGER_PARAMETERS = _integer_parameters()


def test_the_route_list_covers_the_known_filters() -> None:
    """The data-driven tests below must not silently run over an empty or partial list."""
    names = {(path, name) for path, name, _where in INTEGER_PARAMETERS}
    assert {
        ("/api/v1/employments", "employer_id"),
        ("/api/v1/employments", "department_id"),
        ("/api/v1/cases", "employer_id"),
        ("/api/v1/cases", "page"),
        ("/api/v1/cases", "page_size"),
        ("/api/v1/todos", "employer_id"),
        ("/api/v1/employees/{employee_id}", "employee_id"),
        ("/api/v1/exchange/changes", "limit"),
    } <= names


def viewer_of(path: str) -> str:
    """The world user who may call the operation, so that the input is read at all (else 403 comes first):
    the medical file and information requests are the company doctor's, an access log or
    consents of one's own the employee's."""
    if path.endswith(("/me/access-log", "/me/information-requests", "/me/sms-consents")):
        return "employee"
    if "medical-notes" in path or path.endswith("/information-requests"):
        return "medic"
    return "casemanager"


def _url(path: str, name: str, where: str, value: str) -> str:
    url = re.sub(r"\{(\w+)\}", lambda m: value if m.group(1) == name else "1", path)
    return url if where == "path" else f"{url}?{name}={value}"


def _assert_error_shape(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"detail", "errors"}
    return body


@pytest.mark.parametrize("value", BEYOND_64_BITS)
@pytest.mark.parametrize(("path", "name", "where"), INTEGER_PARAMETERS)
def test_an_integer_beyond_64_bits_is_refused_with_422(
    world, api_as, path: str, name: str, where: str, value: str
) -> None:
    client = api_as(getattr(world, viewer_of(path))).client
    if path.startswith("/api/v1/exchange/inbox"):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {world.active_coupling()}")
    response = client.get("/api" + _url(path.removeprefix("/api"), name, where, value))
    body = _assert_error_shape(response, 422)
    assert [error["field"] for error in body["errors"]] == [name]


@pytest.mark.parametrize("value", ["0", "-1"])
@pytest.mark.parametrize(
    ("path", "name", "where"),
    [p for p in INTEGER_PARAMETERS if p[1].endswith("_id")],
)
def test_an_id_below_1_is_refused_with_422(
    world, api_as, path: str, name: str, where: str, value: str
) -> None:
    client = api_as(getattr(world, viewer_of(path))).client
    if path.startswith("/api/v1/exchange/inbox"):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {world.active_coupling()}")
    response = client.get("/api" + _url(path.removeprefix("/api"), name, where, value))
    _assert_error_shape(response, 422)


@pytest.mark.parametrize(
    "path", sorted({path for path, name, _where in INTEGER_PARAMETERS if name == "page"})
)
def test_a_huge_page_number_answers_an_empty_page(world, api_as, path: str) -> None:
    client = api_as(getattr(world, viewer_of(path)))
    # A list below one object (a case's messages) is asked about an object in scope.
    in_scope = {
        "case_id": lambda: world.report_sick().pk,
        "employee_id": lambda: world.own_employee.pk,
        # An import run, whose errors are a list in the row (not a queryset).
        "run_id": lambda: (
            ImportRun.objects.create(
                employer=world.employer,
                filename="p.csv",
                checksum="0" * 64,
                file_format="csv",
                errors=[{"row": 2, "column": "bsn", "code": "bsn_format", "message": "-"}],
            ).pk
        ),
    }
    path = re.sub(r"\{(\w+)\}", lambda m: str(in_scope[m.group(1)]()), path)
    response = client.get("/api" + path.removeprefix("/api"), page=HUGE_PAGE)
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert body["items"] == []
    assert body["count"] >= 0


def test_the_largest_id_is_accepted_and_simply_not_found(world, api_as) -> None:
    client = api_as(world.casemanager)
    assert client.get(f"/api/v1/employees/{MAX_ID}").status_code == 404
    response = client.get("/api/v1/employments", employer_id=MAX_ID)
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_a_page_size_above_100_gives_100_items(world, api_as) -> None:
    for _ in range(25):  # with the world's two: 27 employments
        world.hire()
    response = api_as(world.casemanager).get("/api/v1/employments", page_size=10**6)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] > 25, "more rows than the default page size, or this proves nothing"
    assert len(body["items"]) == min(body["count"], 100)


# --- portal ------------------------------------------------------------------------------

CASEMANAGER = "casemanager"
# (list page, filter parameter): world.busy() gives rows for its employer and department
PORTAL_FILTERS = [
    ("/cases/?status=all", "employer"),
    ("/cases/?status=all", "department"),
    ("/employments/?status=all", "employer"),
    ("/employments/?status=all", "department"),
    ("/worklist/?days=366", "employer"),
]
PORTAL_LISTS = [
    "/cases/",
    "/cases/?status=all",
    "/employments/",
    "/employers/",
    "/worklist/",
    "/notifications/",
    "/proposals/",
]
PORTAL_ADMIN_LISTS = ["/users/", "/couplings/"]


@pytest.mark.parametrize("value", [*BEYOND_64_BITS, "0", "-1", "abc"])
@pytest.mark.parametrize(("path", "name"), PORTAL_FILTERS)
def test_a_portal_filter_naming_no_possible_id_matches_nothing(
    world, sign_in, path: str, name: str, value: str
) -> None:
    world.busy()
    client = sign_in(getattr(world, CASEMANAGER))
    unfiltered = client.get(path)
    assert unfiltered.status_code == 200
    assert unfiltered.context["page"].paginator.count > 0, "the world must show rows unfiltered"
    response = client.get(f"{path}&{name}={value}")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


@pytest.mark.parametrize(("path", "name"), PORTAL_FILTERS)
def test_a_portal_filter_with_a_real_id_still_filters(world, sign_in, path: str, name: str) -> None:
    world.busy()
    target = world.employer if name == "employer" else world.department
    response = sign_in(getattr(world, CASEMANAGER)).get(f"{path}&{name}={target.pk}")
    assert response.status_code == 200
    assert response.context["page"].paginator.count > 0


@pytest.mark.parametrize("page", [HUGE_PAGE, "99999999999999999999", "-1", "0", "x"])
@pytest.mark.parametrize(
    ("viewer", "path"),
    [(CASEMANAGER, path) for path in PORTAL_LISTS]
    + [("admin", path) for path in PORTAL_ADMIN_LISTS],
)
def test_a_portal_page_number_out_of_range_shows_a_page(
    world, sign_in, viewer: str, path: str, page: str
) -> None:
    separator = "&" if "?" in path else "?"
    response = sign_in(getattr(world, viewer)).get(f"{path}{separator}page={page}")
    assert response.status_code == 200
    shown = response.context["page"]
    expected = shown.paginator.num_pages if page in (HUGE_PAGE, "99999999999999999999") else None
    if expected is not None:
        assert shown.number == expected, "a page past the end shows the last page"


@pytest.mark.parametrize("pk", BEYOND_64_BITS)
@pytest.mark.parametrize(
    "path", ["/cases/{pk}/", "/employees/{pk}/", "/employers/{pk}/", "/proposals/{pk}/"]
)
def test_a_portal_object_id_beyond_64_bits_is_not_found(world, sign_in, path: str, pk: str) -> None:
    assert sign_in(getattr(world, CASEMANAGER)).get(path.format(pk=pk)).status_code == 404


# --- house number -------------------------------------------------------------------------

DUTCH_RANGE = "Een huisnummer is een geheel getal van 1 tot en met 99999."


def _employee(world) -> Employee:
    return world.own_employee


@pytest.mark.parametrize("number", [-1, 0])
def test_the_api_refuses_a_house_number_below_1_in_dutch(world, api_as, number: int) -> None:
    employee = _employee(world)
    client = api_as(world.hr)
    before = (employee.house_number, AuditEvent.objects.count())
    response = client.patch(f"/api/v1/employees/{employee.pk}", {"house_number": number})
    body = _assert_error_shape(response, 422)
    assert body["errors"] == [
        {
            "field": "house_number",
            "code": "greater_than_equal",
            "message": "house_number moet minstens 1 zijn.",
        }
    ]
    employee.refresh_from_db()
    assert (employee.house_number, AuditEvent.objects.count()) == before


def test_the_api_refuses_a_dutch_house_number_above_99999_with_the_rule(world, api_as) -> None:
    employee = _employee(world)
    response = api_as(world.hr).patch(
        f"/api/v1/employees/{employee.pk}", {"house_number": 100_000, "country": "NL"}
    )
    body = _assert_error_shape(response, 422)
    assert body["errors"] == [
        {"field": "house_number", "code": "house_number_range", "message": DUTCH_RANGE}
    ]


@pytest.mark.parametrize("number", [-1, 0])
def test_a_new_employee_with_a_house_number_below_1_is_refused(world, api_as, number: int) -> None:
    department = world.department
    body = {
        "department_id": department.pk,
        "personnel_number": "HN-1",
        "start_date": "2024-02-01",
        "hours_per_week": "24",
        "annual_salary": "30000",
        "contract_type": "permanent",
        "employee": {
            "initials": "H.",
            "surname": "Nummer",
            "birth_date": "1985-03-04",
            "gender": "O",
            "marital_status": "married",
            "postcode": "3511AB",
            "street": "Stationsplein",
            "house_number": number,
            "city": "Utrecht",
            "country": "NL",
            "phone": "030 1234567",
            "email": "h.nummer@example.org",
        },
    }
    response = api_as(world.hr).post("/api/v1/employments", body)
    errors = _assert_error_shape(response, 422)["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("employee.house_number", "greater_than_equal")
    ]
    assert not Employee.objects.filter(surname="Nummer").exists()


def _edit_form(world, **overrides: Any) -> dict[str, Any]:
    """A valid employee edit form (the factory's person), with some fields changed."""
    data = employment_data(world.department)
    return {**{name: data[name] for name in EmployeeEditForm.base_fields}, **overrides}


@pytest.mark.parametrize("number", ["-1", "0", "100000", "99999999999999999999"])
def test_the_portal_form_refuses_a_house_number_out_of_range_in_dutch(
    world, sign_in, number: str
) -> None:
    employee = _employee(world)
    before = employee.house_number
    response = sign_in(world.hr).post(
        f"/employees/{employee.pk}/edit/", _edit_form(world, house_number=number)
    )
    assert response.status_code == 422
    assert response.context["form"].errors["house_number"] == [DUTCH_RANGE]
    employee.refresh_from_db()
    assert employee.house_number == before


def test_the_portal_form_accepts_house_number_1(world, sign_in) -> None:
    employee = _employee(world)
    response = sign_in(world.hr).post(
        f"/employees/{employee.pk}/edit/", _edit_form(world, house_number="1")
    )
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.house_number == 1


# --- unexpected errors ------------------------------------------------------------------


def test_an_unexpected_api_error_answers_json_and_logs_the_traceback(
    world, api_as, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from hersteld.organisations import selectors

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("forced for the test")

    monkeypatch.setattr(selectors, "employers", broken)
    with caplog.at_level(logging.ERROR, logger="hersteld.api"):
        response = api_as(world.casemanager).get("/api/v1/employers")
    body = _assert_error_shape(response, 500)
    assert response["Content-Type"].startswith("application/json")
    assert body == {
        "detail": "Er ging bij ons iets mis; de fout is vastgelegd. Probeer het later opnieuw.",
        "errors": [],
    }
    assert "forced for the test" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "hersteld.api"]
    assert logged and logged[0].exc_info is not None
    assert "RuntimeError" in caplog.text and "/api/v1/employers" in caplog.text


# --- dates at the ends of the calendar ------------------------------------------------------

DUTCH_DATE_RANGE = "Een datum ligt in de jaren 1900 tot en met 2199."


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("expected_delivery", {"first_day": "2026-11-01", "expected_delivery": "9999-12-31"}),
        ("first_day", {"first_day": "0001-01-01", "expected_delivery": "2026-12-01"}),
    ],
)
def test_a_portal_date_beyond_the_calendar_range_is_a_dutch_form_error(
    world, sign_in, field: str, data: dict
) -> None:
    """The leave's flex window is computed from the delivery date; year 9999 overflowed (500)."""
    employment = world.hire()
    response = sign_in(world.hr).post(f"/cases/add/{employment.pk}/?kind=pregnancy_leave", data)
    assert response.status_code == 422
    assert response.context["form"].errors[field] == [DUTCH_DATE_RANGE]
    assert not employment.cases.exists()
