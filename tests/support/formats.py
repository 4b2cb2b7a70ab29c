"""The record the format tests read: known values whose Dutch form is written by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hersteld.absence import services as absence_services
from hersteld.absence.models import AbsenceCase, CaseKind
from hersteld.accounts.models import User
from hersteld.organisations.models import Department
from hersteld.people import services as people_services
from hersteld.people.models import Employment
from tests.factories import employment_data


def format_record(
    personnel_number: str, hr: User, department: Department
) -> tuple[Employment, AbsenceCase]:
    """Tess Formatproef, entered by `hr` in `department` (of a `world`): 32 hours and
    € 41.310 from 01-03-2024, then 37,5 hours and € 52.000,50 from 01-01-2025; birth date
    corrected 17-05-1990 -> 18-05-1990; sick from 02-02-2026 (a Monday), 50% recovered on
    09-02-2026."""
    employment = people_services.add_employment(
        actor=hr,
        data=employment_data(
            department,
            surname="Formatproef",
            personnel_number=personnel_number,
            start_date=dt.date(2024, 3, 1),
            hours_per_week=Decimal("32"),
            annual_salary=Decimal("41310"),
        ),
    )
    people_services.update_employment(
        actor=hr,
        employment_id=employment.pk,
        data={"annual_salary": Decimal("52000.50"), "hours_per_week": Decimal("37.5")},
        valid_from=dt.date(2025, 1, 1),
    )
    people_services.update_employee(
        actor=hr, employee_id=employment.employee_id, data={"birth_date": dt.date(1990, 5, 18)}
    )
    case = absence_services.add_case(
        actor=hr,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": dt.date(2026, 2, 2)},
    )
    absence_services.add_recovery(
        actor=hr, case_id=case.pk, data={"date": dt.date(2026, 2, 9), "percentage": Decimal("50")}
    )
    return employment, case
