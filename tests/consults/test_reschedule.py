"""Moving a consult to another time (verplaatsen, issue 14, 1): the employer user only more
than `cancel_hours` before the start (the boundary of cancelling), staff always; the new
time passes the checks of planning; both parties are told; audited."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation

from hersteld.consults import services
from hersteld.consults.models import Consult, Notice
from hersteld.core.models import AuditEvent
from tests.support.absence import codes
from tests.support.consults import AMS, backdate, clinic, next_weekday_at, plan, requested_and_held

pytestmark = pytest.mark.django_db


def frozen(moment: dt.datetime) -> Any:
    return mock.patch("hersteld.consults.services._now", return_value=moment)


def move(actor: Any, consult: Consult, starts_at: dt.datetime, **extra: Any) -> Consult:
    return services.reschedule_consult(
        actor=actor, consult_id=consult.pk, data={"starts_at": starts_at, **extra}
    )


def test_the_employer_moves_more_than_48_hours_before_and_both_parties_are_told(
    world: Any,
) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    Notice.objects.all().delete()
    later = consult.starts_at.astimezone(AMS) + dt.timedelta(days=1, hours=2)
    later = next_weekday_at((later.date() - timezone.localdate()).days, 12)
    with frozen(consult.starts_at - dt.timedelta(hours=48, seconds=1)):
        moved = move(world.hr, consult, later)
    assert (moved.status, moved.starts_at, moved.ends_at) == (
        "planned",
        later,
        later + dt.timedelta(minutes=45),
    )
    told = set(Notice.objects.filter(topic="moved").values_list("user__username", flat=True))
    assert told == {world.employee.username, world.hr.username, world.manager.username}
    event = AuditEvent.objects.get(action="reschedule", object_id=str(consult.pk))
    assert "starts_at" in event.changes and event.actor_id == world.hr.pk


def test_the_employer_cannot_move_at_exactly_48_hours_and_reads_why_in_dutch(world: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    Notice.objects.all().delete()
    with (
        frozen(consult.starts_at - dt.timedelta(hours=48)),
        pytest.raises(ValidationError) as info,
    ):
        move(world.hr, consult, next_weekday_at(8, 10))
    assert codes(info.value) == {"__all__": ["consult_late_for_employer"]}
    with translation.override("nl"):
        assert "binnen 48 uur" in " ".join(info.value.messages)
    assert Consult.objects.get(pk=consult.pk).starts_at == consult.starts_at
    assert not Notice.objects.exists()
    assert not AuditEvent.objects.filter(action="reschedule").exists()


def test_staff_move_also_within_48_hours(world: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    with frozen(consult.starts_at - dt.timedelta(hours=2)):
        moved = move(world.casemanager, consult, next_weekday_at(8, 14))
    assert moved.starts_at == next_weekday_at(8, 14)


def test_a_move_onto_a_booked_time_is_refused_and_touching_is_fine(world: Any) -> None:
    c = clinic(world)
    ten = plan(c, next_weekday_at(4, 10))
    eleven = plan(c, next_weekday_at(4, 11), kind="follow_up")
    with pytest.raises(ValidationError) as info:
        move(world.casemanager, eleven, next_weekday_at(4, 10, 15))
    assert codes(info.value) == {"starts_at": ["consult_double_booked"]}
    assert Consult.objects.get(pk=eleven.pk).starts_at == next_weekday_at(4, 11)
    # 10:00-10:45 and a start at 10:45 touch; they do not overlap.
    assert move(world.casemanager, eleven, next_weekday_at(4, 10, 45)).starts_at == (
        next_weekday_at(4, 10, 45)
    )
    # A consult moved within its own time is no clash with itself.
    assert move(world.casemanager, ten, next_weekday_at(4, 9, 45)).starts_at == (
        next_weekday_at(4, 9, 45)
    )


def test_the_database_refuses_a_double_booking_that_gets_past_the_check(world: Any) -> None:
    c = clinic(world)
    ten = plan(c, next_weekday_at(4, 10))
    eleven = plan(c, next_weekday_at(4, 11), kind="follow_up")
    with (
        mock.patch("hersteld.consults.services.busy", return_value=[]),
        pytest.raises(ValidationError) as info,
    ):
        move(world.casemanager, eleven, ten.starts_at)
    assert codes(info.value) == {"starts_at": ["consult_double_booked"]}
    assert Consult.objects.get(pk=eleven.pk).starts_at == next_weekday_at(4, 11)


def test_the_new_time_obeys_the_planning_checks(world: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    with pytest.raises(ValidationError) as info:
        move(world.casemanager, consult, timezone.now() - dt.timedelta(hours=1))
    assert "consult_in_past" in codes(info.value)["starts_at"]
    evening = next_weekday_at(5, 20)
    with pytest.raises(ValidationError) as info:
        move(world.casemanager, consult, evening)
    assert codes(info.value) == {"starts_at": ["consult_outside_availability"]}
    moved = move(world.casemanager, consult, evening, override_availability=True)
    assert (moved.starts_at, moved.outside_availability) == (evening, True)


def test_only_the_arbodienst_moves_outside_availability(world: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    with pytest.raises(ValidationError) as info:
        move(world.hr, consult, next_weekday_at(8, 20), override_availability=True)
    assert codes(info.value) == {
        "override_availability": ["consult_override_by_arbodienst"],
        "starts_at": ["consult_outside_free_times"],
    }


def test_who_may_not_move(world: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    for outsider in (world.employee, world.other_casemanager, world.foreign_hr, world.other_hr):
        with pytest.raises(Http404):
            move(outsider, consult, next_weekday_at(8, 10))
    held = backdate(plan(c, next_weekday_at(5, 9)), timezone.now() - dt.timedelta(hours=1))
    services.record_held(actor=world.medic, consult_id=held.pk)
    with pytest.raises(ValidationError) as info:
        move(world.casemanager, held, next_weekday_at(8, 10))
    assert codes(info.value) == {"__all__": ["consult_not_planned"]}


def test_hr_cannot_move_an_open_spreekuur_consult(world: Any) -> None:
    _, consult = requested_and_held(world)
    with pytest.raises(Http404):
        move(world.hr, consult, next_weekday_at(8, 10))


def test_the_invitation_letter_shows_the_new_time(world: Any, sign_in: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    new = next_weekday_at(8, 14, 30)
    move(world.casemanager, consult, new)
    with mock.patch(
        "hersteld.consults.views.render_pdf",
        side_effect=lambda template, context: render_to_string(template, context).encode(),
    ):
        letter = sign_in(world.employee).get(f"/consults/{consult.pk}/letter.pdf").content
    text = letter.decode()
    assert f"{new:%d}" in text and "14:30 - 15:15" in text


def test_the_api_moves_and_refuses_late_in_dutch(world: Any, api_as: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 9))
    url = f"/api/v1/consults/{consult.pk}/reschedule"
    with frozen(consult.starts_at - dt.timedelta(hours=47)):
        refused = api_as(world.hr).post(url, {"starts_at": next_weekday_at(8, 9).isoformat()})
    assert refused.status_code == 422
    assert "binnen 48 uur" in refused.json()["errors"][0]["message"]
    other = plan(c, next_weekday_at(8, 9), kind="follow_up")
    clash = api_as(world.casemanager).post(url, {"starts_at": other.starts_at.isoformat()})
    assert clash.status_code == 422
    assert clash.json()["errors"][0]["field"] == "starts_at"
    done = api_as(world.casemanager).post(
        url, {"starts_at": "2099-01-05T21:00:00", "override_availability": True}
    )
    assert done.status_code == 200
    assert dt.datetime.fromisoformat(done.json()["starts_at"]) == dt.datetime(
        2099, 1, 5, 21, tzinfo=AMS
    )
    assert done.json()["outside_availability"] is True
    # The employee holds no right to change consults: as for an unknown consult.
    assert api_as(world.employee).post(url, {"starts_at": "2099-01-06T10:00"}).status_code == 404


def test_the_page_offers_free_times_and_moves(world: Any, sign_in: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    hr = sign_in(world.hr)
    assert (
        f"/consults/{consult.pk}/reschedule/" in hr.get(f"/consults/{consult.pk}/").content.decode()
    )
    page = hr.get(f"/consults/{consult.pk}/reschedule/").content.decode()
    assert 'id="free-slots"' in page and "override_availability" not in page
    new = next_weekday_at(8, 11)
    response = hr.post(
        f"/consults/{consult.pk}/reschedule/", {"starts_at": f"{new:%Y-%m-%dT%H:%M}"}
    )
    assert response.status_code == 302
    assert Consult.objects.get(pk=consult.pk).starts_at == new
    employee_page = sign_in(world.employee).get(f"/consults/{consult.pk}/").content.decode()
    assert "/reschedule/" not in employee_page


def test_hr_reads_the_late_move_refusal_on_the_page(world: Any, sign_in: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    new = next_weekday_at(8, 11)
    with frozen(consult.starts_at - dt.timedelta(hours=20)):
        response = sign_in(world.hr).post(
            f"/consults/{consult.pk}/reschedule/", {"starts_at": f"{new:%Y-%m-%dT%H:%M}"}
        )
    assert response.status_code == 422
    assert "binnen 48 uur" in response.content.decode()
    assert Consult.objects.get(pk=consult.pk).starts_at == consult.starts_at
