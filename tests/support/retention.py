"""A small history for the retention tests: records written on chosen days, long ago.

`on(day)` makes "now" that day (noon, Amsterdam) for everything written inside it, as the
auto_now_add columns, the services and the audit trail read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from hersteld.absence.models import AbsenceCase, CaseNote, MedicalNote
from hersteld.absence.services import add_case, add_medical_note, add_note, add_recovery
from hersteld.core import retention
from hersteld.people.models import Employment
from hersteld.people.services import end_employment

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@contextmanager
def on(day: dt.date) -> Iterator[None]:
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=AMSTERDAM)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@dataclass
class Past:
    """One person with one closed case of 2021: a journal note and a medical note."""

    employment: Employment
    case: AbsenceCase

    @property
    def employee(self) -> Any:
        return self.employment.employee

    def notes(self) -> int:
        return CaseNote.objects.filter(case=self.case).count()

    def medical_notes(self) -> int:
        return MedicalNote.objects.filter(case=self.case).count()


def past_case(
    world: Any,
    *,
    surname: str = "Verleden",
    first_day: dt.date = dt.date(2021, 1, 4),
    recovered: dt.date = dt.date(2021, 2, 1),
    medical_on: dt.date | None = dt.date(2021, 1, 20),
    employment_end: dt.date | None = dt.date(2021, 12, 31),
    employer: Any = None,
) -> Past:
    """Sick from `first_day`, fully recovered on `recovered` (the case ends then), with a
    journal note and (on `medical_on`) a medical note; the employment ends on `employment_end`.
    At an employer of the other arbodienst its own staff act (it has no medic: no medical note)."""
    department = world.department
    casemanager, admin = world.casemanager, world.admin
    if employer is not None:
        department = employer.departments.first()
        if employer.arbodienst_id != world.tenant.pk:
            casemanager, admin = world.other_casemanager, world.other_admin
    with on(first_day):
        employment = world.hire(department, surname=surname, start_date=dt.date(2019, 1, 1))
        case = add_case(
            actor=casemanager,
            employment_id=employment.pk,
            kind="sickness",
            data={"first_day": first_day},
        )
        add_note(actor=casemanager, case_id=case.pk, text="Gebeld, afspraak gemaakt.")
    if medical_on is not None:
        with on(medical_on):
            add_medical_note(actor=world.medic, case_id=case.pk, text="Spreekuur gehouden.")
    with on(recovered):
        add_recovery(
            actor=casemanager,
            case_id=case.pk,
            data={"date": recovered, "percentage": Decimal(100)},
        )
    if employment_end is not None:
        with on(employment_end):
            end_employment(actor=admin, employment_id=employment.pk, end_date=employment_end)
    case.refresh_from_db()
    employment.refresh_from_db()
    assert case.end_date == recovered
    return Past(employment=employment, case=case)


def run(world: Any, day: dt.date, **kwargs: Any) -> dict[str, int]:
    """A retention run on `day`: records per category of the world's own two tenants."""
    tally = retention.run(day, **kwargs)
    ours = {world.tenant.pk, world.other_tenant.pk}
    out: dict[str, int] = {}
    for (key, tenant, _employer), count in tally.items():
        if tenant in ours:
            out[key] = out.get(key, 0) + count
    return out
