"""Lists use a fixed number of queries, whatever the page size or the data (no N+1).

Baselines live in query_counts.json; change them only on purpose.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hersteld.organisations.models import Department
from hersteld.people import services
from tests.factories import employment_data

pytestmark = pytest.mark.django_db

BASELINE_FILE = Path(__file__).parent / "query_counts.json"
BASELINES = json.loads(BASELINE_FILE.read_text())
UPDATE = os.environ.get("HERSTELD_UPDATE_QUERY_COUNTS") == "1"


def check_baseline(name: str, count: int, sql: list[str]) -> None:
    """Compare with the baseline; HERSTELD_UPDATE_QUERY_COUNTS=1 rewrites it (serial runs only)."""
    if UPDATE:
        BASELINES[name] = count
        BASELINE_FILE.write_text(json.dumps(BASELINES, indent=2, sort_keys=True) + "\n")
        return
    assert count == BASELINES[name], "\n".join(sql)


def count_queries(call) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
        assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


def grow(persona, n: int) -> None:
    department = Department.objects.get(code="BAK")
    for i in range(n):
        services.add_employment(
            actor=persona("hr.devries"),
            data=employment_data(department, personnel_number=f"QC-{i:03d}", surname=f"Extra{i}"),
        )


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("portal:employment_list", "/employments/"),
        ("portal:employer_list", "/employers/"),
        ("portal:home", "/"),
        ("portal:employee_history", "HISTORY"),
    ],
)
def test_portal_lists_use_a_fixed_number_of_queries(login, persona, name, path) -> None:
    client = login("hr.devries")
    if path == "HISTORY":
        employee_id = persona("werknemer.devries").employee_id
        path = f"/employees/{employee_id}/?tab=history"
    before, _ = count_queries(lambda: client.get(path))
    grow(persona, 5)
    after, sql = count_queries(lambda: client.get(path))
    assert after == before, "\n".join(sql)
    check_baseline(name, after, sql)


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("api:employments", "/api/v1/employments"),
        ("api:employees", "/api/v1/employees"),
        ("api:employers", "/api/v1/employers"),
        ("api:departments", "/api/v1/departments"),
    ],
)
def test_api_lists_use_a_fixed_number_of_queries(api, persona, name, path) -> None:
    client = api("hr.devries")
    client.get(path)  # the first use of a token records last_used_at
    before, _ = count_queries(lambda: client.get(path))
    grow(persona, 5)
    after, sql = count_queries(lambda: client.get(path))
    assert after == before, "\n".join(sql)
    check_baseline(name, after, sql)


def grow_cases(persona, n: int) -> None:
    """n new employments, each with an open sick report and a note."""
    from hersteld.absence import services as absence_services
    from hersteld.people.models import Employment

    grow(persona, n)
    hr = persona("hr.devries")
    for employment in Employment.objects.filter(personnel_number__startswith="QC-"):
        case = absence_services.add_case(
            actor=hr,
            employment_id=employment.pk,
            kind="sickness",
            data={"first_day": employment.start_date, "note": "Belde af."},
        )
        absence_services.add_note(actor=hr, case_id=case.pk, text="Contact gehad.")


@pytest.mark.parametrize(
    ("name", "path", "user"),
    [
        ("portal:case_list", "/cases/", "hr.devries"),
        ("portal:case_list_staff", "/cases/?status=all&sort=week", "casemanager.noord"),
        ("api:cases", "/api/v1/cases", "hr.devries"),
    ],
)
def test_case_lists_use_a_fixed_number_of_queries(login, api, persona, name, path, user) -> None:
    if path.startswith("/api/"):
        client = api(user)
        client.get(path)
        get = lambda: client.get(path)  # noqa: E731
    else:
        portal = login(user)
        get = lambda: portal.get(path)  # noqa: E731
    before, _ = count_queries(get)
    grow_cases(persona, 5)
    after, sql = count_queries(get)
    assert after == before, "\n".join(sql)
    check_baseline(name, after, sql)


def test_the_notes_tab_uses_a_fixed_number_of_queries(login, persona) -> None:
    from hersteld.absence import services as absence_services
    from hersteld.absence.models import AbsenceCase

    case = AbsenceCase.objects.filter(employee=persona("werknemer.devries").employee).first()
    client = login("hr.devries")
    path = f"/cases/{case.pk}/?tab=notes"
    before, _ = count_queries(lambda: client.get(path))
    for i in range(5):
        absence_services.add_note(
            actor=persona("hr.devries"), case_id=case.pk, text=f"Notitie {i}."
        )
    after, sql = count_queries(lambda: client.get(path))
    assert after == before, "\n".join(sql)
    check_baseline("portal:case_notes", after, sql)


def grow_exchange(n: int) -> None:
    """n failed messages and n open proposals (possible duplicates) on the demo coupling."""
    from hersteld.exchange.models import Coupling
    from hersteld.exchange.services import process, receive
    from hersteld.people.models import Employee
    from tests.support.exchange import job, message, person

    coupling = Coupling.objects.get(employer__name="Bakkerij De Vries")
    people = Employee.objects.filter(employer__name="Bakkerij De Vries")[:n]
    for i, known in enumerate(people):
        bad = message(
            f"QC-F-{i}",
            [{"employee": person(f"QF-{i}"), "employment": job(f"QF-{i}", department_code="GEEN")}],
        )
        twin = person(
            f"QM-{i}",
            surname=known.surname,
            surname_prefix=known.surname_prefix or None,
            initials=known.initials,
            birth_date=known.birth_date.isoformat(),
        )
        same = message(f"QC-M-{i}", [{"employee": twin, "employment": job(f"QM-{i}")}])
        for body in (bad, same):
            stored, _ = receive(coupling, body.encode(), "application/json")
            process(stored.pk)


@pytest.mark.parametrize(
    ("name", "path", "user"),
    [
        ("portal:couplings", "/couplings/", "admin.noord"),
        ("portal:coupling_detail", "COUPLING/", "admin.noord"),
        ("portal:coupling_errors", "COUPLING/errors/", "admin.noord"),
        ("portal:proposals", "/proposals/", "casemanager.noord"),
        ("api:changes", "/api/v1/exchange/changes?limit=50", "casemanager.noord"),
    ],
)
def test_exchange_lists_use_a_fixed_number_of_queries(login, api, name, path, user) -> None:
    from hersteld.exchange.models import Coupling

    coupling = Coupling.objects.get(employer__name="Bakkerij De Vries")
    path = path.replace("COUPLING", f"/couplings/{coupling.pk}")
    if path.startswith("/api/"):
        client = api(user)
        client.get(path)
        get = lambda: client.client.get(path)  # noqa: E731
    else:
        portal = login(user)
        get = lambda: portal.get(path)  # noqa: E731
    grow_exchange(1)
    before, _ = count_queries(get)
    grow_exchange(6)
    after, sql = count_queries(get)
    assert after == before, "\n".join(sql)
    check_baseline(name, after, sql)
