"""Issue 11 items 9 and 10: a birth before the planned start, and a leave for a man.

docs/rules/wazo.md (UWV "bevallen voordat het verlof is begonnen"): the leave starts the day after
the birth and is 16 weeks of bevallingsverlof (multiples 20). Dates are computed by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from hersteld.absence import services
from hersteld.absence.models import CaseKind
from hersteld.core.models import AuditEvent
from tests.support.absence import row_counts

pytestmark = pytest.mark.django_db

PLANNED = dt.date(2025, 3, 3)
EXPECTED = dt.date(2025, 4, 13)  # planned start = 6 weeks before the day after E


def leave_for(actor, employment, **data):
    return services.add_case(
        actor=actor,
        employment_id=employment.pk,
        kind=CaseKind.PREGNANCY_LEAVE,
        data={"first_day": PLANNED, "expected_delivery": EXPECTED, **data},
    )


def test_a_birth_before_the_planned_start_starts_the_leave_the_day_after(world) -> None:
    hr = world.hr
    leave = leave_for(hr, world.hire(gender="V"))
    assert leave.leave_end == dt.date(2025, 6, 22)  # 42 + 70 days from 2025-03-03
    born = dt.date(2025, 2, 20)
    leave = services.record_delivery(actor=hr, case_id=leave.pk, actual_delivery=born)
    leave.refresh_from_db()
    assert leave.first_day == dt.date(2025, 2, 21)  # the day after the birth
    assert leave.planned_start == PLANNED
    assert leave.leave_end == dt.date(2025, 6, 12)  # 112 days from 2025-02-21 inclusive
    assert leave.week_anchor == dt.date(2025, 2, 21)
    event = AuditEvent.objects.filter(
        object_type="absence.absencecase",
        object_id=str(leave.pk),
        action="update",
        changes__has_key="first_day",
    ).get()
    assert event.changes["first_day"] == ["2025-03-03", "2025-02-21"]
    assert event.changes["leave_end"] == ["2025-06-22", "2025-06-12"]


def test_a_corrected_birth_date_after_the_start_gives_the_planned_start_back(world) -> None:
    hr = world.hr
    leave = leave_for(hr, world.hire(gender="V"))
    services.record_delivery(actor=hr, case_id=leave.pk, actual_delivery=dt.date(2025, 2, 20))
    leave = services.record_delivery(
        actor=hr, case_id=leave.pk, actual_delivery=dt.date(2025, 4, 10)
    )
    leave.refresh_from_db()
    assert leave.first_day == PLANNED and leave.planned_start is None
    # 39 days of zwangerschapsverlof (03-03..04-10), so 70 + 3 days after the birth
    assert leave.leave_end == dt.date(2025, 6, 22)


def test_a_correction_keeps_the_moved_start(world) -> None:
    hr = world.hr
    leave = leave_for(hr, world.hire(gender="V"))
    services.record_delivery(actor=hr, case_id=leave.pk, actual_delivery=dt.date(2025, 2, 20))
    leave.refresh_from_db()
    corrected = services.correct_case(
        actor=hr,
        case_id=leave.pk,
        data={"first_day": leave.first_day, "insurance": "", "reason": "controle"},
    )
    assert corrected.first_day == dt.date(2025, 2, 21)
    assert corrected.leave_end == dt.date(2025, 6, 12)


def test_the_moved_start_may_not_overlap_a_sickness_case(world, refused) -> None:
    hr = world.hr
    employment = world.hire(gender="V")
    sick = services.add_case(
        actor=hr,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": dt.date(2025, 2, 10)},
    )
    services.add_recovery(
        actor=hr, case_id=sick.pk, data={"date": dt.date(2025, 2, 25), "percentage": 100}
    )
    leave = leave_for(hr, employment)
    errors = refused(
        lambda: services.record_delivery(
            actor=hr, case_id=leave.pk, actual_delivery=dt.date(2025, 2, 20)
        )
    )
    assert errors == {"actual_delivery": ["case_overlaps"]}


# --- item 10: pregnancy leave for an employee registered as male ----------------------


def test_a_leave_for_a_man_needs_a_confirmation(world, refused) -> None:
    hr = world.hr
    employment = world.hire(gender="M")
    errors = refused(lambda: leave_for(hr, employment))
    assert errors == {"confirm_sex_mismatch": ["leave_sex_mismatch"]}
    errors = refused(lambda: leave_for(hr, employment, confirm_sex_mismatch=False))
    assert errors == {"confirm_sex_mismatch": ["leave_sex_mismatch"]}
    leave = leave_for(hr, employment, confirm_sex_mismatch=True)
    assert leave.kind == CaseKind.PREGNANCY_LEAVE
    created = AuditEvent.objects.get(
        object_type="absence.absencecase", object_id=str(leave.pk), action="create"
    )
    assert "man" in created.reason and created.changes["kind"] == [None, "pregnancy_leave"]


def test_a_leave_for_a_woman_needs_no_confirmation(world) -> None:
    assert leave_for(world.hr, world.hire(gender="V")).pk


def test_the_api_answers_422_without_the_confirm_flag(world, api_as) -> None:
    hr = api_as(world.hr)
    employment = world.hire(gender="M")
    body = {
        "employment_id": employment.pk,
        "kind": "pregnancy_leave",
        "first_day": PLANNED.isoformat(),
        "expected_delivery": EXPECTED.isoformat(),
    }
    before = row_counts()
    response = hr.post("/api/v1/cases", body)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "confirm_sex_mismatch" and error["code"] == "leave_sex_mismatch"
    assert "man" in error["message"]
    assert row_counts() == before
    response = hr.post("/api/v1/cases", {**body, "confirm_sex_mismatch": True})
    assert response.status_code == 201, response.json()


def test_the_form_warns_in_dutch_and_asks_to_confirm(world, sign_in) -> None:
    client = sign_in(world.hr)
    employment = world.hire(gender="M")
    url = f"/cases/add/{employment.pk}/?kind=pregnancy_leave"
    page = client.get(url).content.decode()
    assert 'id="sex-warning"' in page and "geregistreerd als man" in page
    assert 'name="confirm_sex_mismatch"' in page
    body = {"first_day": PLANNED.isoformat(), "expected_delivery": EXPECTED.isoformat()}
    response = client.post(url, body)
    assert response.status_code == 422
    assert "bevestig" in response.content.decode()
    response = client.post(url, {**body, "confirm_sex_mismatch": "on"})
    assert response.status_code == 302
    female = world.hire(gender="V")
    page = client.get(f"/cases/add/{female.pk}/?kind=pregnancy_leave").content.decode()
    assert 'id="sex-warning"' not in page and "confirm_sex_mismatch" not in page


def test_a_wrong_birth_date_is_refused_with_the_rule(world) -> None:
    hr = world.hr
    leave = leave_for(hr, world.hire(gender="V"))
    with pytest.raises(ValidationError) as info:
        services.record_delivery(actor=hr, case_id=leave.pk, actual_delivery=dt.date(2024, 1, 1))
    assert info.value.error_dict["actual_delivery"][0].code == "delivery_before_pregnancy"
