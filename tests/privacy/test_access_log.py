"""Who viewed my file (B3): the employee sees every read of his records, by name and role.

The world: an employee of Wereldbakkers with one sick case; HR opens his employee page,
the medic reads his medical file, the casemanager opens the dossier.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from hersteld.absence import selectors as absence_selectors
from hersteld.absence.services import add_case
from hersteld.core.models import AccessEvent
from hersteld.people import selectors as people_selectors

pytestmark = pytest.mark.django_db


def name(user: Any) -> str:
    return user.get_full_name() or user.username


@pytest.fixture
def reads(world: Any) -> Any:
    case = add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="sickness",
        data={"first_day": timezone.localdate()},
    )
    people_selectors.employee(world.hr, world.own_employee.pk)  # HR opens the employee page
    absence_selectors.medical_notes(world.medic, case)  # the medic reads the medical file
    absence_selectors.case(world.casemanager, case.pk)  # the casemanager opens the dossier
    return case


def test_the_employee_sees_who_read_what_with_medical_reads_marked(
    world: Any, reads: Any, sign_in: Any
) -> None:
    response = sign_in(world.employee).get("/api/v1/me/access-log")

    assert response.status_code == 200
    lines = response.json()["items"]
    by_who = {line["who"]: line for line in lines}
    assert set(by_who) == {name(world.hr), name(world.medic), name(world.casemanager)}
    assert by_who[name(world.medic)]["medical"] is True
    assert by_who[name(world.medic)]["purpose"] == "medisch dossier gelezen"
    assert by_who[name(world.hr)]["medical"] is False
    assert by_who[name(world.hr)]["role"] == "Werkgeversgebruiker"
    assert by_who[name(world.casemanager)]["what"] == "verzuimgeval"
    # No user ids: only the fields of the line.
    assert set(lines[0]) == {"at", "who", "role", "what", "channel", "purpose", "medical"}


def test_the_page_shows_the_same_lines(world: Any, reads: Any, sign_in: Any) -> None:
    body = sign_in(world.employee).get("/me/access-log/").content.decode()

    assert name(world.medic) in body
    assert 'class="medical-read"' in body
    assert body.count('class="medical-read"') == 1


def test_the_period_filter_bounds_the_lines(world: Any, reads: Any, sign_in: Any) -> None:
    client = sign_in(world.employee)
    today = timezone.localdate()
    yesterday = (today - dt.timedelta(days=1)).isoformat()

    before = client.get("/api/v1/me/access-log", {"to": yesterday}).json()
    current = client.get("/api/v1/me/access-log", {"from": today.isoformat()}).json()

    assert before["count"] == 0
    assert current["count"] == 3


def test_a_period_ending_before_it_starts_is_refused_on_the_page(
    world: Any, reads: Any, sign_in: Any
) -> None:
    body = (
        sign_in(world.employee)
        .get("/me/access-log/", {"start": "2026-05-02", "end": "2026-05-01"})
        .content.decode()
    )

    assert "Het einde van de periode ligt vóór het begin." in body


def test_arbodienst_staff_see_it_on_his_behalf_the_employer_does_not(
    world: Any, reads: Any, api: Any, sign_in: Any
) -> None:
    path = f"/api/v1/employees/{world.own_employee.pk}/access-log"

    assert api(world.casemanager.username).get(path).json()["count"] == 3
    assert api(world.hr.username).get(path).status_code == 404
    assert api(world.other_admin.username).get(path).status_code == 404
    staff_page = sign_in(world.casemanager).get(f"/employees/{world.own_employee.pk}/?tab=access")
    hr_page = sign_in(world.hr).get(f"/employees/{world.own_employee.pk}/?tab=access")
    assert 'id="access-log"' in staff_page.content.decode()
    assert 'id="access-log"' not in hr_page.content.decode()


def test_only_an_employee_has_a_file_of_his_own(world: Any, sign_in: Any, api: Any) -> None:
    assert sign_in(world.hr).get("/me/access-log/").status_code == 403
    assert api(world.hr.username).get("/api/v1/me/access-log").status_code == 403


def test_reading_the_access_log_is_not_itself_a_line_in_it(
    world: Any, reads: Any, sign_in: Any
) -> None:
    before = AccessEvent.objects.filter(employee=world.own_employee).count()
    sign_in(world.employee).get("/me/access-log/")
    assert AccessEvent.objects.filter(employee=world.own_employee).count() == before
