"""Helpers for the consults tests: a world with a sick employee, a POB and an agenda."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from hersteld.absence.models import AbsenceCase
from hersteld.absence.services import add_case
from hersteld.accounts.models import User
from hersteld.consults import services
from hersteld.consults.models import Consult
from hersteld.consults.services import add_block, plan_consult
from tests.support.world import World, user

AMS = ZoneInfo("Europe/Amsterdam")


@dataclass
class Clinic:
    world: World
    case: AbsenceCase
    pob: User


def clinic(world: World, *, weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)) -> Clinic:
    """The world's employee reported sick today; the medic works 08:00-17:00 on location and
    remote on every given weekday; a POB of the same arbodienst."""
    case = add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="sickness",
        data={"first_day": timezone.localdate()},
    )
    pob = user(world.operator, "pob", arbodienst=world.tenant)
    for who in (world.medic, pob):
        for weekday in weekdays:
            for remote in (False, True):
                add_block(
                    actor=world.admin,
                    data={
                        "practitioner_id": who.pk,
                        "weekday": weekday,
                        "day": None,
                        "start_time": dt.time(8, 0),
                        "end_time": dt.time(17, 0),
                        "location": "" if remote else "Spreekkamer 1, Utrecht",
                        "remote": remote,
                    },
                )
    return Clinic(world=world, case=case, pob=pob)


def next_weekday_at(days_ahead: int, hour: int, minute: int = 0) -> dt.datetime:
    """A working day at least `days_ahead` days from today at hour:minute, Amsterdam time."""
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMS)


def plan(
    c: Clinic,
    starts_at: dt.datetime,
    *,
    kind: str = "first",
    practitioner: User | None = None,
    **extra: Any,
) -> Consult:
    return plan_consult(
        actor=c.world.casemanager,
        case_id=c.case.pk,
        data={
            "kind": kind,
            "method": "location",
            "practitioner_id": (practitioner or c.world.medic).pk,
            "starts_at": starts_at,
            "location": "",
            "override_availability": False,
            **extra,
        },
    )


def backdate(consult: Consult, starts_at: dt.datetime) -> Consult:
    """Move a planned consult to another time without the service's checks (a consult of
    earlier today, for recording its outcome)."""
    consult.refresh_from_db()
    length = consult.ends_at - consult.starts_at  # type: ignore[operator]
    Consult.objects.filter(pk=consult.pk).update(starts_at=starts_at, ends_at=starts_at + length)
    consult.refresh_from_db()
    return consult


def requested_and_held(world: World) -> tuple[Clinic, Consult]:
    """An open-spreekuur consult the employee asked for, planned by phone and held an hour ago."""
    c = clinic(world)
    consult = services.request_consult(
        actor=world.employee, question="Ik wil praten over werkdruk.", method="phone"
    )
    services.schedule_request(
        actor=world.casemanager,
        consult_id=consult.pk,
        data={
            "practitioner_id": world.medic.pk,
            "starts_at": next_weekday_at(4, 9),
            "method": "phone",
        },
    )
    backdate(consult, timezone.now() - dt.timedelta(hours=1))
    services.record_held(actor=world.medic, consult_id=consult.pk)
    consult.refresh_from_db()
    return c, consult
