"""Cancelling (the 48-hour rule), held and no-show, and their billable items (issue 14, 1)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from hersteld.consults import services
from hersteld.consults.models import BillableItem, Consult, Notice
from hersteld.poortwachter.models import Todo
from tests.support.absence import codes
from tests.support.consults import backdate, clinic, next_weekday_at, plan

pytestmark = pytest.mark.django_db


def frozen(moment: dt.datetime) -> Any:
    return mock.patch("hersteld.consults.services._now", return_value=moment)


def test_the_employer_cancels_more_than_48_hours_before(world: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    with frozen(consult.starts_at - dt.timedelta(hours=48, seconds=1)):
        done = services.cancel_consult(actor=world.hr, consult_id=consult.pk)
    assert (done.status, done.cancel_timing, done.cancelled_by) == (
        "cancelled",
        "on_time",
        "employer",
    )
    assert not BillableItem.objects.filter(consult=consult).exists()


def test_the_employer_cannot_cancel_at_exactly_48_hours_and_reads_why_in_dutch(world: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    with frozen(consult.starts_at - dt.timedelta(hours=48)), pytest.raises(ValidationError) as info:
        services.cancel_consult(actor=world.hr, consult_id=consult.pk)
    assert codes(info.value) == {"__all__": ["consult_late_for_employer"]}
    with translation.override("nl"):
        assert "binnen 48 uur" in " ".join(info.value.messages)
    consult.refresh_from_db()
    assert consult.status == "planned"
    assert not BillableItem.objects.exists()


def test_the_setting_changes_the_boundary(world: Any) -> None:
    from hersteld.consults.models import AgendaSettings

    AgendaSettings.objects.create(arbodienst=world.tenant, cancel_hours=24)
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    with frozen(consult.starts_at - dt.timedelta(hours=30)):
        assert (
            services.cancel_consult(actor=world.hr, consult_id=consult.pk).cancel_timing
            == "on_time"
        )


def test_staff_cancel_late_with_a_reason_and_it_is_billed(world: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    with frozen(consult.starts_at - dt.timedelta(hours=5)):
        with pytest.raises(ValidationError) as info:
            services.cancel_consult(actor=world.casemanager, consult_id=consult.pk)
        assert codes(info.value) == {"reason": ["reason_required"], "by": ["required"]}
        done = services.cancel_consult(
            actor=world.casemanager,
            consult_id=consult.pk,
            reason="Werknemer belde af",
            by="employee",
        )
    assert (done.cancel_timing, done.cancelled_by) == ("late", "employee")
    item = BillableItem.objects.get(consult=consult)
    assert (item.kind, item.employer_id) == ("late_cancellation", world.employer.pk)
    assert item.month == timezone.localtime(consult.starts_at).date().replace(day=1)


def test_the_employee_does_not_cancel(world: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    from django.http import Http404

    with pytest.raises(Http404):  # the employee holds no cancel right at all
        services.cancel_consult(actor=world.employee, consult_id=consult.pk)


def test_an_outcome_is_not_recorded_before_the_day(world: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    with pytest.raises(ValidationError) as info:
        services.record_held(actor=world.medic, consult_id=consult.pk)
    assert codes(info.value) == {"__all__": ["consult_outcome_too_early"]}


def test_a_consult_later_today_can_be_recorded(world: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10))
    later_today = timezone.localtime().replace(hour=23, minute=0, second=0, microsecond=0)
    backdate(consult, later_today)
    assert services.record_held(actor=world.medic, consult_id=consult.pk).status == "held"


def test_a_no_show_tells_both_parties_bills_and_asks_for_a_new_consult(world: Any) -> None:
    c = clinic(world)
    consult = backdate(plan(c, next_weekday_at(4, 10)), timezone.now() - dt.timedelta(hours=1))
    Notice.objects.all().delete()
    services.record_no_show(actor=world.medic, consult_id=consult.pk)
    consult.refresh_from_db()
    assert consult.status == "no_show"
    told = set(Notice.objects.filter(topic="no_show").values_list("user__username", flat=True))
    assert told == {world.employee.username, world.hr.username, world.manager.username}
    assert BillableItem.objects.get(consult=consult).kind == "no_show"
    todo = Todo.objects.get(case=c.case, code="")
    assert todo.title.startswith(("Plan a new consult", "Nieuw consult plannen"))
    assert todo.done_on is None


def test_only_the_practitioner_or_a_medic_records_the_outcome(world: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10), practitioner=world.medic)
    backdate(consult, timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(PermissionDenied):
        services.record_held(actor=c.pob, consult_id=consult.pk)
    own = plan(c, next_weekday_at(5, 11), practitioner=c.pob)
    backdate(own, timezone.now() - dt.timedelta(hours=3))
    assert services.record_held(actor=c.pob, consult_id=own.pk).status == "held"


def test_the_employer_cannot_record_an_outcome(world: Any) -> None:
    from django.http import Http404

    c = clinic(world)
    consult = backdate(plan(c, next_weekday_at(4, 10)), timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(Http404):
        services.record_no_show(actor=world.hr, consult_id=consult.pk)
    assert Consult.objects.get(pk=consult.pk).status == "planned"
