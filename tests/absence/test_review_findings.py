"""Regression tests for the review of the absence and Poortwachter work: leaks, 500s, rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from hersteld.absence import selectors, services
from hersteld.absence.models import CaseKind
from hersteld.poortwachter import services as plan_services
from hersteld.poortwachter.models import Todo
from tests.support.absence import days_ago, row_counts

pytestmark = pytest.mark.django_db


def sick(actor, employment, first_day, **data):
    return services.add_case(
        actor=actor,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": first_day, **data},
    )


@pytest.fixture
def compensation_case(world):
    employment = world.hire()
    employment.start_date = dt.date(2019, 6, 1)
    employment.save()
    employment.employee.birth_date = dt.date(1960, 1, 1)
    employment.employee.save()
    return sick(
        world.casemanager,
        employment,
        dt.date(2024, 5, 1),
        safety_net=True,
        safety_net_category="compensation",
        came_from_long_ww=True,
    )


def test_an_employer_correction_neither_fails_on_nor_reveals_the_category(
    world, api_as, compensation_case
) -> None:
    """docs/rules/vangnet.md: the employer never learns which safety-net rule applies."""
    hr = api_as(world.hr)
    response = hr.post(
        f"/api/v1/cases/{compensation_case.pk}/correct", {"reason": "typo", "context": "other"}
    )
    assert response.status_code == 200, response.json()
    staff = api_as(world.casemanager)
    response = staff.post(
        f"/api/v1/cases/{compensation_case.pk}/correct", {"reason": "x", "context": "illness"}
    )
    assert response.status_code == 200, response.json()


def test_an_employer_cannot_wipe_or_set_staff_fields(world, api_as, compensation_case) -> None:
    """Issue 11 S2: a staff-only field is refused when sent at all, empty values included."""
    hr = api_as(world.hr)
    url = f"/api/v1/cases/{compensation_case.pk}/correct"
    wiped = hr.post(
        url,
        {
            "reason": "x",
            "safety_net_category": "",
            "came_from_long_ww": False,
            "expected_recovery": None,
        },
    )
    assert wiped.status_code == 403
    compensation_case.refresh_from_db()
    assert (
        compensation_case.safety_net_category == "compensation"
        and compensation_case.came_from_long_ww
    )
    assert hr.post(url, {"reason": "x", "safety_net_category": "pregnancy"}).status_code == 403
    assert hr.post(url, {"reason": "x", "full_recovery_expected": True}).status_code == 403


def test_saying_no_safety_net_clears_the_category_without_naming_it(
    world, api_as, compensation_case
) -> None:
    response = api_as(world.hr).post(
        f"/api/v1/cases/{compensation_case.pk}/correct",
        {"reason": "geen vangnet", "safety_net": False},
    )
    assert response.status_code == 200
    compensation_case.refresh_from_db()
    assert compensation_case.safety_net_category == "" and not compensation_case.safety_net


def test_history_rows_of_staff_only_changes_are_hidden_from_the_employer(world, sign_in) -> None:
    case = sick(world.hr, world.hire(), days_ago(5), safety_net=True)
    employer_rows = selectors.history(world.hr, case).count()
    staff_rows = selectors.history(world.casemanager, case).count()
    services.correct_case(
        actor=world.casemanager,
        case_id=case.pk,
        data={
            "safety_net_category": "organ_donation",
            "reason": "categorie orgaandonatie vastgelegd",
        },
    )
    employer = sign_in(world.hr).get(f"/cases/{case.pk}/?tab=history").content.decode()
    staff = sign_in(world.casemanager).get(f"/cases/{case.pk}/?tab=history").content.decode()
    assert "orgaandonatie" in staff
    assert "orgaandonatie" not in employer
    # Not even counted for the employer: a page's "n results" would tell the row is there.
    assert selectors.history(world.hr, case).count() == employer_rows
    assert selectors.history(world.casemanager, case).count() == staff_rows + 1


def test_the_employee_sees_no_manual_to_dos_nor_notes(world, api_as) -> None:
    case = world.report_sick()
    api_as(world.hr).post(
        f"/api/v1/cases/{case.pk}/todos", {"title": "Gesprek over functioneren voorbereiden"}
    )
    titles = [
        t["label"] for t in api_as(world.employee).get(f"/api/v1/cases/{case.pk}/todos").json()
    ]
    assert "Gesprek over functioneren voorbereiden" not in titles
    assert "Gesprek over functioneren voorbereiden" in [
        t["label"] for t in api_as(world.hr).get(f"/api/v1/cases/{case.pk}/todos").json()
    ]
    assert all(
        t["note"] == "" for t in api_as(world.employee).get(f"/api/v1/cases/{case.pk}/todos").json()
    )


@pytest.mark.parametrize(
    "body",
    [
        {"safety_net": None, "requested_action": None, "own_risk_wga": None},
        {"insurance": "x" * 201},
        {"care_address": "x" * 301},
        {"note": "x" * 10001},
    ],
)
def test_odd_case_input_never_gives_a_500(world, api_as, body) -> None:
    employment = world.hire()
    hr = api_as(world.hr)
    before = row_counts()
    response = hr.post(
        "/api/v1/cases",
        {
            "employment_id": employment.pk,
            "kind": "sickness",
            "first_day": days_ago(1).isoformat(),
            **body,
        },
    )
    assert response.status_code in (201, 422), response.content
    if response.status_code == 422:
        assert row_counts() == before


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases?week_min=99999999999",
        "/api/v1/todos?days=1000000000000",
        "/api/v1/cases?week_max=0",
    ],
)
def test_huge_filters_are_refused_not_crashing(world, api_as, path) -> None:
    assert api_as(world.hr).client.get(path).status_code == 422


@pytest.mark.parametrize("path", ["/cases/?week_min=99999999999", "/worklist/?days=99999999999"])
def test_huge_filters_in_the_portal_are_clamped(world, sign_in, path) -> None:
    assert sign_in(world.hr).get(path).status_code == 200


@pytest.mark.parametrize(
    "body",
    [{"percentage": "1e400"}, {"percentage": "99.999"}, {"percentage": "101"}, {"hours": "61"}],
)
def test_bad_recovery_amounts_are_422(world, api_as, body) -> None:
    case = world.report_sick()
    response = api_as(world.hr).post(
        f"/api/v1/cases/{case.pk}/recoveries", {"date": days_ago(1).isoformat(), **body}
    )
    assert response.status_code == 422


def test_percentage_wins_when_the_form_sent_hours_of_another_week(world) -> None:
    hr = world.hr
    employment = world.hire()
    case = sick(hr, employment, days_ago(20))
    recovery = services.add_recovery(
        actor=hr, case_id=case.pk, data={"date": days_ago(2), "percentage": 50, "hours": "1"}
    )
    assert recovery.hours == employment.hours_per_week / 2


def test_hospital_days_are_bounded(world, api_as) -> None:
    start = days_ago(130)
    leave = services.add_case(
        actor=world.hr,
        employment_id=world.hire(gender="V").pk,
        kind=CaseKind.PREGNANCY_LEAVE,
        data={"first_day": start, "expected_delivery": start + dt.timedelta(days=35)},
    )
    url = f"/api/v1/cases/{leave.pk}/delivery"
    body = {"actual_delivery": (start + dt.timedelta(days=36)).isoformat()}
    assert api_as(world.hr).post(url, {**body, "hospital_days": 10**20}).status_code == 422
    assert api_as(world.hr).post(url, {**body, "hospital_days": 400}).status_code == 422


def test_a_withdrawn_cases_steps_cannot_be_marked(world) -> None:
    hr = world.hr
    case = sick(hr, world.hire(), days_ago(10))
    todo = Todo.objects.get(case=case, code="ZIEKMELDING_ARBODIENST")
    services.withdraw_case(actor=hr, case_id=case.pk, reason="dubbel")
    with pytest.raises(ValidationError) as info:
        plan_services.mark_done(actor=hr, todo_id=todo.pk, done_on=days_ago(1))
    assert info.value.error_dict["__all__"][0].code == "case_not_open"


def test_unchaining_by_correction_keeps_the_old_chains_done_steps(world) -> None:
    hr, cm = world.hr, world.casemanager
    employment = world.hire()
    first = sick(hr, employment, days_ago(200))
    analysis = Todo.objects.get(case=first, code="PROBLEEMANALYSE")
    plan_services.mark_done(actor=cm, todo_id=analysis.pk, done_on=days_ago(170))
    services.add_recovery(
        actor=hr, case_id=first.pk, data={"date": days_ago(150), "percentage": 100}
    )
    second = sick(hr, employment, days_ago(140))
    assert second.chained_to_id == first.pk
    # done in an earlier period of the chain: allowed (docs/rules/samentelling.md)
    plan = Todo.objects.get(case=second, code="PLAN_VAN_AANPAK")
    plan_services.mark_done(actor=cm, todo_id=plan.pk, done_on=days_ago(160))
    services.correct_case(
        actor=hr, case_id=second.pk, data={"first_day": days_ago(100), "reason": "datum"}
    )
    second.refresh_from_db()
    assert second.chained_to is None
    assert Todo.objects.get(case=first, code="PROBLEEMANALYSE").done_on == days_ago(170)
    assert Todo.objects.get(case=second, code="PROBLEEMANALYSE").done_on is None
