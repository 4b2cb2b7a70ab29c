"""Issue 11 S2: staff-only fields sent by the employer side are refused whatever their value.

docs/rules/vangnet.md: the vangnet category (and the WW declaration behind the compensatieregeling) is
recorded and seen only by arbodienst staff; P6: no expected recovery for employers. The answer
to an employer user must not depend on the value sent, or the stored (hidden) value could be
learnt by trying each value. So every value, the stored one included, gets the same 403, and
nothing changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hersteld.absence import services
from hersteld.absence.models import AbsenceCase, CaseKind
from hersteld.core.models import AuditEvent
from tests.support.absence import days_ago

pytestmark = pytest.mark.django_db

EMPLOYER_SIDE = ("hr", "manager")  # whole employer; one department
STORED: dict[str, Any] = {
    "safety_net_category": "compensation",
    "came_from_long_ww": True,
    "expected_recovery": dt.date(2025, 6, 2),
    "full_recovery_expected": True,
    "wage_sanction_until": dt.date(2026, 9, 1),
}
# Every value an attacker could try, the stored one (first) included.
VALUES: dict[str, list[Any]] = {
    "safety_net_category": [
        "compensation",
        "pregnancy",
        "organ_donation",
        "no_risk_policy",
        "",
        None,
    ],
    "came_from_long_ww": [True, False, None],
    "expected_recovery": ["2025-06-02", "2025-07-01", None],
    "full_recovery_expected": [True, False, None],
    "wage_sanction_until": ["2026-09-01", "2026-10-01", None],
}


@pytest.fixture
def staff_case(world) -> AbsenceCase:
    """A vangnet case in department BAK with every staff-only field recorded by staff."""
    employment = world.hire(world.department)
    employment.start_date = dt.date(2019, 6, 1)
    employment.save()
    employment.employee.birth_date = dt.date(1960, 1, 1)
    employment.employee.save()
    case = services.add_case(
        actor=world.casemanager,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={
            "first_day": dt.date(2024, 5, 1),
            "safety_net": True,
            "safety_net_category": "compensation",
            "came_from_long_ww": True,
        },
    )
    # Staff set the dates at some time; the rules for setting them are not under test here.
    AbsenceCase.objects.filter(pk=case.pk).update(**STORED)
    case.refresh_from_db()
    return case


def stored(case: AbsenceCase) -> dict[str, Any]:
    case.refresh_from_db()
    return {name: getattr(case, name) for name in STORED}


@pytest.mark.parametrize("username", EMPLOYER_SIDE)
@pytest.mark.parametrize("field", list(VALUES))
def test_correct_answers_the_same_refusal_for_every_value(
    world, api_as, staff_case, username, field
) -> None:
    client = api_as(getattr(world, username))
    url = f"/api/v1/cases/{staff_case.pk}/correct"
    events = AuditEvent.objects.count()
    answers = set()
    for value in VALUES[field]:
        response = client.post(url, {"reason": "probeer", "context": "other", field: value})
        answers.add((response.status_code, response.content))
    assert len(answers) == 1, f"{field}: the answer depends on the value sent"
    ((status, _body),) = answers
    assert status == 403
    assert stored(staff_case) == STORED
    assert staff_case.context != "other"
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("username", EMPLOYER_SIDE)
@pytest.mark.parametrize("field", list(VALUES))
def test_create_answers_the_same_refusal_for_every_value(api_as, world, username, field) -> None:
    client = api_as(getattr(world, username))
    employment = world.hire(world.department)
    cases = AbsenceCase.objects.count()
    answers = set()
    for value in VALUES[field]:
        response = client.post(
            "/api/v1/cases",
            {
                "employment_id": employment.pk,
                "kind": "sickness",
                "first_day": days_ago(2).isoformat(),
                "safety_net": True,
                field: value,
            },
        )
        answers.add((response.status_code, response.content))
    assert len(answers) == 1, f"{field}: the answer depends on the value sent"
    # wage_sanction_until is not a field of a new case at all (422 for everyone)
    assert next(iter(answers))[0] in (403, 422)
    assert AbsenceCase.objects.count() == cases


@pytest.mark.parametrize("username", EMPLOYER_SIDE)
def test_the_service_refuses_every_staff_field_on_a_leave_too(world, staff_case, username) -> None:
    """Before the fields of the kind are picked: the same refusal whatever the kind."""
    from django.core.exceptions import PermissionDenied

    for field, values in VALUES.items():
        for value in values:
            with pytest.raises(PermissionDenied):
                services.correct_case(
                    actor=getattr(world, username),
                    case_id=staff_case.pk,
                    data={"reason": "probeer", field: value},
                )
    assert stored(staff_case) == STORED


@pytest.mark.parametrize("username", EMPLOYER_SIDE)
def test_the_portal_form_ignores_staff_fields_whatever_their_value(
    world, sign_in, staff_case, username
) -> None:
    """The fields are not on the employer's form; a posted value changes nothing."""
    client = sign_in(getattr(world, username))
    url = f"/cases/{staff_case.pk}/correct/"
    answers = set()
    for field, values in VALUES.items():
        for value in values:
            response = client.post(
                url,
                {
                    "first_day": staff_case.first_day.isoformat(),
                    "safety_net": "on",
                    "sick_percentage": "100",
                    "requested_action": "normal",
                    "reason": "correctie",
                    field: "" if value is None else str(value),
                },
            )
            answers.add(response.status_code)
    assert answers == {302}
    form = client.get(url).content.decode()
    for field in VALUES:
        assert f'name="{field}"' not in form
    assert stored(staff_case) == STORED


def test_the_coupling_actor_cannot_set_a_staff_field(world) -> None:
    """The coupling acts as an employer user: the services refuse what the inbox might pass."""
    from hersteld.exchange.apply import coupling_actor

    actor = coupling_actor(world.coupling())
    employment = world.hire()
    for field, values in VALUES.items():
        for value in values:
            with pytest.raises(Exception) as info:
                services.add_case(
                    actor=actor,
                    employment_id=employment.pk,
                    kind=CaseKind.SICKNESS,
                    data={"first_day": days_ago(2), field: value},
                )
            assert type(info.value).__name__ == "PermissionDenied"
    assert not AbsenceCase.objects.filter(employment=employment).exists()
