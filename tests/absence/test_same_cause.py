"""Issue 11 item 8: "same cause?" when sickness resumes directly after a pregnancy leave.

docs/rules/samentelling.md: sickness that runs directly up to the start of the leave and resumes directly
after it is chained across the leave when it has the same cause (the bedrijfsarts judges;
the product asks and records the answer); "no" starts a new D1. Until answered the product
chains provisionally (docs/adr/0008). Dates below are computed by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hersteld.absence import services
from hersteld.absence.chains import whole_chain
from hersteld.absence.models import CaseKind, SameCause
from hersteld.core.models import AuditEvent
from hersteld.poortwachter.models import Todo
from hersteld.poortwachter.services import chain_input

pytestmark = pytest.mark.django_db

SICK_FROM = dt.date(2025, 1, 6)  # D1 of the first period (a Monday)
LEAVE_START = dt.date(2025, 3, 3)  # R of the first period: 56 sick days, 06-01..02-03
EXPECTED = dt.date(2025, 4, 13)  # leave starts 6 weeks before the day after E
RESUMED = dt.date(2025, 6, 23)  # 42 days of zwangerschapsverlof + 70 days, then the next day


@pytest.fixture
def around_leave(world):
    """Sick directly up to the leave, and directly after it (continued from the leave)."""
    hr = world.hr
    employment = world.hire(gender="V", department=world.department)
    before = services.add_case(
        actor=hr,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": SICK_FROM},
    )
    services.add_recovery(
        actor=hr, case_id=before.pk, data={"date": LEAVE_START, "percentage": 100}
    )
    leave = services.add_case(
        actor=hr,
        employment_id=employment.pk,
        kind=CaseKind.PREGNANCY_LEAVE,
        data={"first_day": LEAVE_START, "expected_delivery": EXPECTED},
    )
    leave, after = services.end_leave(actor=hr, case_id=leave.pk, continue_sick=True)
    return before, leave, after


def test_the_hand_computed_dates_of_the_setting(around_leave) -> None:
    _before, leave, after = around_leave
    assert leave.leave_end == dt.date(2025, 6, 22)
    assert after.first_day == RESUMED


def test_unanswered_chains_provisionally_and_is_asked(around_leave) -> None:
    """The default until the bedrijfsarts answers: counted together (docs/rules/samentelling.md)."""
    _before, leave, after = around_leave
    assert after.same_cause == SameCause.UNANSWERED
    assert services.same_cause_asked(after)
    assert after.chained_to_id == leave.pk
    # 56 sick days before the leave: week 1 of the chain began 56 days before the resumption
    assert after.week_anchor == dt.date(2025, 4, 28)
    periods, leaves = chain_input(whole_chain(after))
    assert [(p.start, p.recovered) for p in periods] == [(SICK_FROM, LEAVE_START), (RESUMED, None)]
    assert [(x.start, x.end) for x in leaves] == [(LEAVE_START, RESUMED)]


def test_no_starts_a_new_d1_and_recomputes_the_plan(world, around_leave) -> None:
    before, _leave, after = around_leave
    medic = world.medic
    services.answer_same_cause(actor=medic, case_id=after.pk, answer="no")
    after.refresh_from_db()
    assert after.same_cause == SameCause.NO
    assert after.same_cause_by == medic
    assert after.chained_to_id is None
    assert after.week_anchor == RESUMED
    # the new chain's probleemanalyse: end of week 6 = D1 + 41 days = 2025-08-03
    assert set(
        Todo.objects.filter(case=after, code="PROBLEEMANALYSE").values_list("due", flat=True)
    ) == {dt.date(2025, 8, 3)}
    # the old chain keeps its own: 2025-01-06 + 41 = 2025-02-16
    assert set(
        Todo.objects.filter(case=before, code="PROBLEEMANALYSE").values_list("due", flat=True)
    ) == {dt.date(2025, 2, 16)}
    # the leave bridges nothing any more
    assert chain_input(whole_chain(before))[1] == []
    event = AuditEvent.objects.filter(
        object_type="absence.absencecase", object_id=str(after.pk), changes__has_key="same_cause"
    ).get()
    assert event.changes["same_cause"] == ["", "no"] and event.actor == medic


def test_yes_after_no_chains_again(world, around_leave) -> None:
    _before, leave, after = around_leave
    casemanager = world.casemanager  # on the advice of the bedrijfsarts
    services.answer_same_cause(actor=casemanager, case_id=after.pk, answer="no")
    services.answer_same_cause(actor=casemanager, case_id=after.pk, answer="yes")
    after.refresh_from_db()
    assert after.chained_to_id == leave.pk and after.week_anchor == dt.date(2025, 4, 28)
    assert after.same_cause_by_name


@pytest.mark.parametrize("username", ["hr", "manager"])
def test_the_employer_neither_answers_nor_sees_the_question(
    world, sign_in, api_as, around_leave, username
) -> None:
    _before, _leave, after = around_leave
    with pytest.raises(PermissionDenied):
        services.answer_same_cause(actor=getattr(world, username), case_id=after.pk, answer="no")
    client = api_as(getattr(world, username))
    response = client.post(f"/api/v1/cases/{after.pk}/same-cause", {"same_cause": "no"})
    assert response.status_code == 403
    assert client.get(f"/api/v1/cases/{after.pk}").json()["same_cause"] is None
    page = sign_in(getattr(world, username)).get(f"/cases/{after.pk}/").content.decode()
    assert 'id="same-cause"' not in page
    assert (
        sign_in(getattr(world, username)).get(f"/cases/{after.pk}/same-cause/").status_code == 403
    )
    after.refresh_from_db()
    assert after.same_cause == SameCause.UNANSWERED and after.chained_to_id is not None


def test_staff_see_the_question_and_the_answer_in_the_history(
    world, sign_in, api_as, around_leave
) -> None:
    _before, _leave, after = around_leave
    page = sign_in(world.casemanager).get(f"/cases/{after.pk}/").content.decode()
    assert 'id="same-cause"' in page and f"/cases/{after.pk}/same-cause/" in page
    response = sign_in(world.casemanager).post(
        f"/cases/{after.pk}/same-cause/", {"same_cause": "no"}
    )
    assert response.status_code == 302
    assert api_as(world.casemanager).get(f"/api/v1/cases/{after.pk}").json()["same_cause"] == "no"
    staff = sign_in(world.casemanager).get(f"/cases/{after.pk}/?tab=history").content.decode()
    employer = sign_in(world.hr).get(f"/cases/{after.pk}/?tab=history").content.decode()
    assert "andere oorzaak" in staff.lower()
    assert "andere oorzaak" not in employer.lower()


def test_not_asked_without_sickness_directly_before_the_leave(world) -> None:
    """A leave that does not touch sickness on both sides bridges nothing (docs/rules/samentelling.md)."""
    hr = world.hr
    employment = world.hire(gender="V")
    leave = services.add_case(
        actor=hr,
        employment_id=employment.pk,
        kind=CaseKind.PREGNANCY_LEAVE,
        data={"first_day": LEAVE_START, "expected_delivery": EXPECTED},
    )
    _leave, after = services.end_leave(actor=hr, case_id=leave.pk, continue_sick=True)
    assert not services.same_cause_asked(after)
    with pytest.raises(ValidationError) as info:
        services.answer_same_cause(actor=world.medic, case_id=after.pk, answer="no")
    assert info.value.error_dict["__all__"][0].code == "same_cause_not_asked"
    assert chain_input(whole_chain(after))[1] == []


def test_the_api_answers_for_the_medic(world, api_as, around_leave) -> None:
    _before, _leave, after = around_leave
    medic = api_as(world.medic)
    response = medic.post(f"/api/v1/cases/{after.pk}/same-cause", {"same_cause": "maybe"})
    assert response.status_code == 422
    response = medic.post(f"/api/v1/cases/{after.pk}/same-cause", {"same_cause": "no"})
    assert response.status_code == 200, response.json()
    assert response.json()["chained_to_id"] is None and response.json()["same_cause"] == "no"
    assert api_as(world.other_casemanager).post(
        f"/api/v1/cases/{after.pk}/same-cause", {"same_cause": "yes"}
    ).status_code in (403, 404)
