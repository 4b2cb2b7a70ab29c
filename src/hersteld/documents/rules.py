"""UWV deadlines the documents app turns into to-dos (rules.md 4 and 9). Pure: no Django.

- The Ziektewet claim of a vangnet case, per category: pregnancy and no-riskpolis 6 weeks
  after D1; organ donation within 4 working days; compensatieregeling: the benefit starts
  after 13 weeks, so the claim is due at the end of week 13. A pregnancy sickness that
  begins in the flex period before the leave, or the day after the leave, is claimed by its
  4th sick day instead (docs/rules/vangnet.md).
- The herstelmelding of a vangnet case: at the latest the second calendar day after the
  employee reported recovered; a day in the weekend moves to Monday (documents.md: a
  Friday recovery may be reported on Monday).
- Ziek uit dienst: which re-integration report goes with the ziek-uit-dienst melding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from hersteld.poortwachter.workdays import is_working_day

CLAIM_WEEKS = {"pregnancy": 6, "no_risk_policy": 6, "compensation": 13}
ORGAN_DONATION_WORKING_DAYS = 4


# "Uiterlijk op de 4e ziektedag": D1 counts as the first of the four.
AROUND_LEAVE_SICK_DAYS = 4


@dataclass(frozen=True)
class LeaveDates:
    """A pregnancy leave of the same employee, as far as the claim term needs it."""

    start: dt.date  # the start she chose (sickness in the flex period may move the real one)
    flex_start: dt.date  # the first day of its flex period (6 weeks, multiples 10, before)
    last_day: dt.date | None  # the last day of the leave, once known


def starts_around_leave(first_day: dt.date, leave: LeaveDates) -> bool:
    """Whether a sickness begins in the flex period before the leave, or right after it."""
    in_flex_before = leave.flex_start <= first_day < leave.start
    right_after = leave.last_day is not None and first_day == leave.last_day + dt.timedelta(days=1)
    return in_flex_before or right_after


def claim_due(
    category: str, first_day: dt.date, leaves: Iterable[LeaveDates] = ()
) -> dt.date | None:
    """The last day for the ZW claim of a vangnet case; None for an unknown category.
    `leaves`: the employee's pregnancy leaves (only a pregnancy claim looks at them)."""
    if category == "pregnancy" and any(starts_around_leave(first_day, x) for x in leaves):
        return first_day + dt.timedelta(days=AROUND_LEAVE_SICK_DAYS - 1)
    if category == "organ_donation":
        day, counted = first_day, 1 if is_working_day(first_day) else 0
        while counted < ORGAN_DONATION_WORKING_DAYS:
            day += dt.timedelta(days=1)
            counted += is_working_day(day)
        return day
    weeks = CLAIM_WEEKS.get(category)
    return None if weeks is None else first_day + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)


def recovery_report_due(reported: dt.date) -> dt.date:
    """The second calendar day after the recovery report; Saturday or Sunday moves to Monday."""
    due = reported + dt.timedelta(days=2)
    while due.weekday() >= 5:
        due += dt.timedelta(days=1)
    return due


class LeavingReport(StrEnum):
    NONE = "none"
    SHORT = "VERKORT_RIV"
    FULL = "full"


def report_when_leaving(
    first_day: dt.date, last_day: dt.date, *, recovery_within_3_months: bool = False
) -> LeavingReport:
    """Ziek uit dienst (rules.md 9): under 6 weeks of sickness no report; 6 to 10 weeks, or a
    full recovery expected within 3 months, the verkort re-integratieverslag; else the full one."""
    weeks = ((last_day - first_day).days + 1) / 7
    if weeks < 6:
        return LeavingReport.NONE
    if weeks <= 10 or recovery_within_3_months:
        return LeavingReport.SHORT
    return LeavingReport.FULL
