"""Who reaches one person's records, rung by rung (issue 12, item 3), in a world of personas.

The employee works in a sub-department of the employer; a colleague works in a sibling
department. For each route about the employee, the colleague or the employee's case, every
persona gets 200 or 404 by the table below: the employer's HR user and the arbodienst's
staff reach both; the department manager only his subtree; the employee only himself; HR of
another employer and the admin of another arbodienst nothing; an anonymous visitor is sent
to the log-in page (portal) or gets 401 (API).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hersteld.absence.services import add_case

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "casemanager", "medic", "hr", "manager", "employee", "other_hr", "other_admin")
STAFF = {"admin", "casemanager", "medic"}

# (route, who gets 200; everyone else in PERSONAS gets 404)
LADDER = [
    ("/employees/{own_employee}/", STAFF | {"hr", "manager", "employee"}),
    ("/employees/{colleague_employee}/", STAFF | {"hr"}),
    # Changing needs people.change: not the company doctor (people.view) nor the employee.
    ("/employments/{own_employment}/edit/", {"admin", "casemanager", "hr", "manager"}),
    ("/employments/{colleague_employment}/edit/", {"admin", "casemanager", "hr"}),
    ("/cases/{own_case}/", STAFF | {"hr", "manager", "employee"}),
    ("/api/v1/employees/{own_employee}", STAFF | {"hr", "manager", "employee"}),
    ("/api/v1/employees/{colleague_employee}", STAFF | {"hr"}),
    ("/api/v1/employments/{colleague_employment}", STAFF | {"hr"}),
    ("/api/v1/employments/{own_employment}/terms", STAFF | {"hr", "manager", "employee"}),
    ("/api/v1/cases/{own_case}", STAFF | {"hr", "manager", "employee"}),
    ("/api/v1/cases/{own_case}/poortwachter", STAFF | {"hr", "manager", "employee"}),
]


def ids(world: Any) -> dict[str, int]:
    case = add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="sickness",
        data={"first_day": timezone.localdate()},
    )
    return {
        "own_employee": world.own_employee.pk,
        "colleague_employee": world.colleague_employment.employee_id,
        "own_employment": world.own_employment.pk,
        "colleague_employment": world.colleague_employment.pk,
        "own_case": case.pk,
    }


def client_of(world: Any, name: str, api: Any, sign_in: Any, path: str) -> Client:
    user = getattr(world, name)
    return api(user.username).client if path.startswith("/api/") else sign_in(user)


@pytest.mark.parametrize(("route", "reach"), LADDER)
def test_each_persona_reaches_what_its_scope_holds(world, api, sign_in, route, reach) -> None:
    path = route.format(**ids(world))
    seen = {
        name: client_of(world, name, api, sign_in, path).get(path).status_code for name in PERSONAS
    }
    expected = {name: 200 if name in reach else 404 for name in PERSONAS}
    assert seen == expected, path


@pytest.mark.parametrize(("route", "reach"), LADDER)
def test_an_anonymous_visitor_reaches_nothing(world, client, route, reach) -> None:
    path = route.format(**ids(world))
    response = client.get(path)
    if path.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
