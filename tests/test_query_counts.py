"""Lists use a fixed number of queries, whatever the page size or the data (no N+1).

Each list is counted in a small factory world (a few rows of each kind, so no list is
empty), then again after more rows were added: the two counts must be equal, and equal
to the baseline in query_counts.json (change it only on purpose).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hersteld.absence import services as absence_services
from hersteld.absence.models import AbsenceCase
from hersteld.accounts.models import User
from hersteld.accounts.permissions import Role
from tests.support.world import World

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


def portal(sign_in, user: User) -> Client:
    """A portal client; an employer user without an authenticator (as employer users log in
    without a second factor), so its pages do not read a device."""
    if user.role == Role.EMPLOYER_USER:
        client = Client()
        client.force_login(user)
        return client
    return sign_in(user)


def grow(world: World, n: int) -> None:
    """n more employments at the world's employer, in its department."""
    for i in range(n):
        world.hire(surname=f"Extra{i}", personnel_number=f"QC-{i:03d}")


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("portal:employment_list", "/employments/"),
        ("portal:employer_list", "/employers/"),
        ("portal:home", "/"),
        ("portal:employee_history", "HISTORY"),
    ],
)
def test_portal_lists_use_a_fixed_number_of_queries(world, sign_in, name, path) -> None:
    world.busy()
    client = portal(sign_in, world.hr)
    if path == "HISTORY":
        path = f"/employees/{world.own_employee.pk}/?tab=history"
    before, _ = count_queries(lambda: client.get(path))
    grow(world, 5)
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
def test_api_lists_use_a_fixed_number_of_queries(world, api_as, name, path) -> None:
    client = api_as(world.hr)
    client.get(path)  # the first use of a token records last_used_at
    before, _ = count_queries(lambda: client.get(path))
    grow(world, 5)
    after, sql = count_queries(lambda: client.get(path))
    assert after == before, "\n".join(sql)
    check_baseline(name, after, sql)


def grow_cases(world: World, n: int) -> None:
    """n new employments, each with an open sick report and a note."""
    for i in range(n):
        employment = world.hire(surname=f"Ziek{i}", personnel_number=f"QC-Z{i:03d}")
        case = world.report_sick(employment, note="Belde af.")
        absence_services.add_note(actor=world.hr, case_id=case.pk, text="Contact gehad.")


@pytest.mark.parametrize(
    ("name", "path", "user"),
    [
        ("portal:case_list", "/cases/", "hr"),
        ("portal:case_list_staff", "/cases/?status=all&sort=week", "casemanager"),
        ("api:cases", "/api/v1/cases", "hr"),
    ],
)
def test_case_lists_use_a_fixed_number_of_queries(world, sign_in, api_as, name, path, user) -> None:
    world.busy()
    if path.startswith("/api/"):
        client = api_as(getattr(world, user))
        client.get(path)
        get = lambda: client.get(path)  # noqa: E731
    else:
        portal_client = portal(sign_in, getattr(world, user))
        get = lambda: portal_client.get(path)  # noqa: E731
    before, _ = count_queries(get)
    grow_cases(world, 5)
    after, sql = count_queries(get)
    assert after == before, "\n".join(sql)
    check_baseline(name, after, sql)


def test_the_notes_tab_uses_a_fixed_number_of_queries(world, sign_in) -> None:
    case: AbsenceCase = world.report_sick()
    absence_services.add_note(actor=world.hr, case_id=case.pk, text="Eerste notitie.")
    client = portal(sign_in, world.hr)
    path = f"/cases/{case.pk}/?tab=notes"
    before, _ = count_queries(lambda: client.get(path))
    for i in range(5):
        absence_services.add_note(actor=world.hr, case_id=case.pk, text=f"Notitie {i}.")
    after, sql = count_queries(lambda: client.get(path))
    assert after == before, "\n".join(sql)
    check_baseline("portal:case_notes", after, sql)


def test_the_import_runs_list_uses_a_fixed_number_of_queries(world, api_as) -> None:
    """Each run's error count comes from the database, not from loading its errors."""
    from hersteld.exchange import imports
    from tests.support.exchange import csv_file, row

    def grow_runs(start: int, n: int) -> None:
        for i in range(start, start + n):
            content = csv_file(row(i, afdeling="X"), row(i + 100, afdeling="Y"))
            run = imports.start_run(
                employer=world.employer, user=world.hr, filename=f"p{i}.csv", content=content
            )
            imports.run_import(run, content, user=world.hr)

    client = api_as(world.hr)
    path = "/api/v1/imports"
    grow_runs(0, 1)
    client.get(path)
    before, _ = count_queries(lambda: client.get(path))
    grow_runs(1, 5)
    after, sql = count_queries(lambda: client.get(path))
    assert after == before, "\n".join(sql)
    assert client.get(path).json()["items"][0]["error_count"] == 2
    check_baseline("api:imports", after, sql)


def grow_exchange(world: World, coupling, start: int, n: int) -> None:
    """n failed messages and n open proposals (possible duplicates) on the coupling."""
    from hersteld.exchange.services import process, receive
    from hersteld.people.models import Employee
    from tests.support.exchange import job, message, person

    known_people = list(Employee.objects.filter(employer=world.employer).order_by("pk"))
    for i in range(start, start + n):
        known = known_people[i % len(known_people)]
        bad = message(
            f"QC-F-{i}",
            [{"employee": person(f"QF-{i}"), "employment": job(f"QF-{i}", department_code="GEEN")}],
            employer_key=coupling.employer_key,
        )
        twin = person(
            f"QM-{i}",
            surname=known.surname,
            surname_prefix=known.surname_prefix or None,
            initials=known.initials,
            birth_date=known.birth_date.isoformat(),
        )
        same = message(
            f"QC-M-{i}",
            [{"employee": twin, "employment": job(f"QM-{i}", department_code="PROD")}],
            employer_key=coupling.employer_key,
        )
        for body, outcome in ((bad, "failed"), (same, "review")):
            stored, _ = receive(coupling, body.encode(), "application/json")
            assert process(stored.pk) == outcome, stored.pk


@pytest.mark.parametrize(
    ("name", "path", "user"),
    [
        ("portal:couplings", "/couplings/", "admin"),
        ("portal:coupling_detail", "COUPLING/", "admin"),
        ("portal:coupling_errors", "COUPLING/errors/", "admin"),
        ("portal:proposals", "/proposals/", "casemanager"),
        ("api:changes", "/api/v1/exchange/changes?limit=50", "casemanager"),
        ("api:reviews", "/api/v1/exchange/reviews?page_size=100", "casemanager"),
    ],
)
def test_exchange_lists_use_a_fixed_number_of_queries(
    world, sign_in, api_as, name, path, user
) -> None:
    from hersteld.exchange.models import Coupling

    world.active_coupling()
    world.coupling(world.other_employer)
    coupling = Coupling.objects.get(employer=world.employer)
    path = path.replace("COUPLING", f"/couplings/{coupling.pk}")
    if path.startswith("/api/"):
        client = api_as(getattr(world, user))
        client.get(path)
        get = lambda: client.client.get(path)  # noqa: E731
    else:
        portal_client = portal(sign_in, getattr(world, user))
        get = lambda: portal_client.get(path)  # noqa: E731
    grow_exchange(world, coupling, 0, 1)
    before, _ = count_queries(get)
    grow_exchange(world, coupling, 1, 6)
    after, sql = count_queries(get)
    assert after == before, "\n".join(sql)
    check_baseline(name, after, sql)
