"""Planning a consult: the invitation, and every refusal with nothing written (issue 14, 1 and 6)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from hersteld.consults.models import Consult, Notice
from tests.support.absence import codes
from tests.support.consults import AMS, clinic, next_weekday_at, plan

pytestmark = pytest.mark.django_db


def refused(call: Any) -> dict[str, list[str]]:
    before = (Consult.objects.count(), Notice.objects.count())
    with pytest.raises(ValidationError) as info:
        call()
    assert (Consult.objects.count(), Notice.objects.count()) == before
    return codes(info.value)


def test_a_planned_consult_invites_the_employee_and_copies_the_employer(
    world: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = clinic(world)
    with django_capture_on_commit_callbacks(execute=True):
        consult = plan(c, next_weekday_at(3, 10))
    assert consult.status == "planned"
    # First consult: 45 minutes by default; the location of the block.
    assert consult.ends_at - consult.starts_at == dt.timedelta(minutes=45)
    assert consult.location == "Spreekkamer 1, Utrecht"
    told = set(Notice.objects.filter(consult=consult).values_list("user__username", flat=True))
    # The employee, HR of the employer and the manager of the department above the employee.
    assert told == {world.employee.username, world.hr.username, world.manager.username}
    # E-mail only to users with an address; here nobody of the world has one, so none is sent.
    assert all("Log in" in m.body or "Log" in m.body for m in mail.outbox)


def test_the_email_carries_only_a_link(
    world: Any, django_capture_on_commit_callbacks: Any, tasks_in_process: None
) -> None:
    c = clinic(world)
    employee = world.employee  # one object: the world reads its users afresh on each access
    employee.email = "werknemer@example.org"
    employee.save()
    with django_capture_on_commit_callbacks(execute=True):
        consult = plan(c, next_weekday_at(3, 10))
    sent = [m for m in mail.outbox if m.to == ["werknemer@example.org"]]
    assert len(sent) == 1
    body = sent[0].body + sent[0].subject
    assert f"/consults/{consult.pk}/" in body
    assert world.own_employee.surname not in body
    assert f"{consult.starts_at.astimezone(AMS):%H:%M}" not in body


def test_a_start_in_the_past_is_refused(world: Any) -> None:
    c = clinic(world, weekdays=(0, 1, 2, 3, 4, 5, 6))
    found = refused(lambda: plan(c, next_weekday_at(-2, 10), override_availability=True))
    assert found == {"starts_at": ["consult_in_past"]}


def test_outside_availability_needs_an_explicit_override(world: Any) -> None:
    c = clinic(world)
    evening = next_weekday_at(3, 19)
    assert refused(lambda: plan(c, evening)) == {"starts_at": ["consult_outside_availability"]}
    consult = plan(c, evening, override_availability=True)
    assert consult.outside_availability


def test_a_phone_consult_needs_a_remote_block(world: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(3, 9), method="phone")
    assert consult.location == ""


def test_a_double_booking_is_refused_in_dutch(world: Any) -> None:
    c = clinic(world)
    plan(c, next_weekday_at(3, 10))
    # 10:30 overlaps 10:00-10:45.
    with pytest.raises(ValidationError) as info:
        plan(c, next_weekday_at(3, 10, 30), kind="follow_up")
    assert codes(info.value) == {"starts_at": ["consult_double_booked"]}
    with translation.override("nl"):
        assert "heeft al een consult" in " ".join(info.value.messages)


def test_the_next_slot_right_after_a_consult_is_free(world: Any) -> None:
    c = clinic(world)
    plan(c, next_weekday_at(3, 10))
    second = plan(c, next_weekday_at(3, 10, 45), kind="follow_up")
    assert second.status == "planned"


def test_a_cancelled_consult_frees_its_slot(world: Any) -> None:
    from hersteld.consults.services import cancel_consult

    c = clinic(world)
    first = plan(c, next_weekday_at(3, 10))
    cancel_consult(actor=world.casemanager, consult_id=first.pk, reason="Ziek thuis", by="employee")
    assert plan(c, next_weekday_at(3, 10)).status == "planned"


def test_only_a_practitioner_of_the_arbodienst_can_be_chosen(world: Any) -> None:
    c = clinic(world)
    found = refused(lambda: plan(c, next_weekday_at(3, 10), practitioner=world.casemanager))
    assert found == {"practitioner_id": ["consult_not_practitioner"]}


def test_a_preventive_consult_belongs_to_a_preventive_case(world: Any) -> None:
    c = clinic(world)
    assert refused(lambda: plan(c, next_weekday_at(3, 10), kind="preventive")) == {
        "kind": ["consult_kind_for_case"]
    }


def test_an_employer_user_cannot_plan(world: Any) -> None:
    from django.http import Http404

    from hersteld.consults.services import plan_consult

    c = clinic(world)
    with pytest.raises(Http404):
        plan_consult(
            actor=world.hr,
            case_id=c.case.pk,
            data={
                "kind": "first",
                "method": "location",
                "practitioner_id": world.medic.pk,
                "starts_at": next_weekday_at(3, 10),
            },
        )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's"
)
def test_the_database_refuses_an_overlap_that_bypasses_the_service(world: Any) -> None:
    c = clinic(world)
    first = plan(c, next_weekday_at(3, 10))
    clash = Consult(
        employer=first.employer,
        employee=first.employee,
        employment=first.employment,
        case=first.case,
        kind="follow_up",
        method="phone",
        status="planned",
        practitioner=world.medic,
        starts_at=first.starts_at + dt.timedelta(minutes=15),
        ends_at=first.starts_at + dt.timedelta(minutes=45),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_bookings_of_one_slot_give_one_consult(world: Any) -> None:
    c = clinic(world)
    start = next_weekday_at(3, 10)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def book(kind: str) -> None:
        try:
            barrier.wait()
            plan(c, start + dt.timedelta(minutes=5 if kind == "follow_up" else 0), kind=kind)
            outcomes.append("planned")
        except ValidationError as error:
            outcomes.append(codes(error)["starts_at"][0])
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(k,)) for k in ("first", "follow_up")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["consult_double_booked", "planned"]
    assert Consult.objects.filter(practitioner=world.medic, status="planned").count() == 1
