"""`hersteld poortwachter replan` (issue 17): every open chain replanned after a settings
change, to-dos written as a write of the chain would write them; idempotent; per tenant."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hersteld.absence import services as absence
from hersteld.absence.models import AbsenceCase, CaseKind
from hersteld.organisations.models import Arbodienst
from hersteld.poortwachter import services
from hersteld.poortwachter.models import Todo
from tests.support.absence import days_ago
from tests.support.world import department, employment, user

pytestmark = pytest.mark.django_db


def sick(actor: Any, job: Any, first_day: dt.date) -> AbsenceCase:
    return absence.add_case(
        actor=actor, employment_id=job.pk, kind=CaseKind.SICKNESS, data={"first_day": first_day}
    )


def evaluations(case: AbsenceCase) -> list[dt.date]:
    rows = Todo.objects.filter(case=case, code="EVALUATIE").order_by("number")
    return list(rows.values_list("due", flat=True))


def gaps(days: list[dt.date]) -> set[int]:
    return {(later - earlier).days for earlier, later in pairwise(days)}


def replan(*args: str) -> str:
    out = StringIO()
    call_command("poortwachter", "replan", *args, stdout=out)
    return out.getvalue()


def every_todo() -> list[tuple[Any, ...]]:
    fields = ("id", "case_id", "code", "number", "due", "window_start", "done_on", "party")
    return list(Todo.objects.order_by("id").values_list(*fields))


def interval(tenant: Arbodienst, days: int) -> None:
    """A settings change as the admin page saves it: no chain is replanned by it."""
    Arbodienst.objects.filter(pk=tenant.pk).update(evaluation_interval_days=days)


def test_replan_writes_the_plan_of_the_new_settings(world: Any) -> None:
    d1 = days_ago(100)
    case = sick(world.casemanager, world.own_employment, d1)
    before = evaluations(case)
    assert gaps(before) == {42} and before[0] == d1 + dt.timedelta(days=42 + 55)
    interval(world.tenant, 56)
    assert evaluations(case) == before

    out = replan("--arbodienst", world.tenant.slug)

    after = evaluations(case)
    assert gaps(after) == {56}
    assert after[0] == before[0] + dt.timedelta(days=14)
    assert len(after) < len(before), "evaluations past the waiting period are removed"
    assert "Replanned 1 open chains" in out


def test_replan_of_a_chain_gathers_its_to_dos_and_keeps_done_ones(world: Any) -> None:
    d1 = days_ago(100)
    first = sick(world.casemanager, world.own_employment, d1)
    analysis = Todo.objects.get(case=first, code="PROBLEEMANALYSE")
    done_on = d1 + dt.timedelta(days=20)
    services.mark_done(actor=world.casemanager, todo_id=analysis.pk, done_on=done_on)
    absence.add_recovery(
        actor=world.casemanager,
        case_id=first.pk,
        data={"date": d1 + dt.timedelta(days=50), "percentage": 100},
    )
    second = sick(world.casemanager, world.own_employment, d1 + dt.timedelta(days=60))
    stray = Todo.objects.get(case=second, code="PLAN_VAN_AANPAK")
    Todo.objects.filter(pk=stray.pk).update(case=first)  # a to-do left on the earlier case
    interval(world.tenant, 28)

    replan("--arbodienst", world.tenant.slug)

    assert Todo.objects.get(pk=stray.pk).case_id == second.pk
    assert Todo.objects.get(pk=analysis.pk).done_on == done_on
    assert gaps(evaluations(second)) == {28}
    assert not Todo.objects.filter(case=first).exists()
    # What a write of the chain would plan now is what the replan wrote.
    written = every_todo()
    services.sync_plan(AbsenceCase.objects.get(pk=second.pk))  # the settings as stored
    assert every_todo() == written


def test_replan_twice_changes_nothing_the_second_time(world: Any) -> None:
    sick(world.casemanager, world.own_employment, days_ago(200))
    sick(world.casemanager, world.colleague_employment, days_ago(30))
    interval(world.tenant, 35)
    first = replan("--arbodienst", world.tenant.slug)
    written = every_todo()

    second = replan()  # every tenant: the demo's chains were planned by their writes

    assert every_todo() == written
    assert "Replanned 2 open chains" in first
    assert "0 to-dos created, 0 changed, 0 removed, 0 moved" in second


def test_replan_of_one_arbodienst_leaves_the_other_alone(world: Any) -> None:
    own = sick(world.casemanager, world.own_employment, days_ago(100))
    care = department(world.operator, world.foreign_employer, "ZORG-REPLAN")
    foreign_job = employment(world.other_admin, care, "Buitenland")
    other_cm = user(world.operator, "casemanager", arbodienst=world.other_tenant)
    foreign = sick(other_cm, foreign_job, days_ago(100))
    interval(world.tenant, 56)
    interval(world.other_tenant, 56)

    out = replan("--arbodienst", world.tenant.slug)

    assert gaps(evaluations(own)) == {56}
    assert gaps(evaluations(foreign)) == {42}
    assert "Replanned 1 open chains" in out


def test_an_unknown_arbodienst_is_an_error() -> None:
    with pytest.raises(CommandError, match="no arbodienst"):
        replan("--arbodienst", "bestaat-niet")
