"""Rules of sick reports, recoveries and chaining (pure; no Django).

Each check returns None when the input is fine, or a stable error code the caller
turns into a Dutch message (core/validation.py). Sections refer to
docs/rules/README.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal("100")
QUARTER = Decimal("0.25")
CENT = Decimal("0.01")
CHAIN_GAP_DAYS = 28  # docs/rules/samentelling.md: sick again within 4 weeks (S - R < 28) chains

# docs/rules/vangnet.md, compensatieregeling
COMPENSATION_START_FROM = dt.date(2018, 1, 1)
COMPENSATION_START_BEFORE = dt.date(2020, 1, 1)
COMPENSATION_BORN_BEFORE = dt.date(1962, 1, 1)
COMPENSATION_MAX_YEARS_EMPLOYED = 5


# --- docs/rules/recovery.md: recovery percentage <-> hours -----------------------------------------


def hours_for_percentage(contract_hours: Decimal, percentage: Decimal) -> Decimal:
    """Recovered hours per week for a recovery percentage, rounded to a quarter of an hour."""
    raw = Decimal(contract_hours) * Decimal(percentage) / HUNDRED
    quarters = (raw / QUARTER).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return (quarters * QUARTER).quantize(CENT)


def percentage_for_hours(contract_hours: Decimal, hours: Decimal) -> Decimal:
    """Recovery percentage for recovered hours per week, to 2 decimals."""
    if Decimal(contract_hours) <= 0:
        raise ValueError("contract hours must be positive")
    raw = Decimal(hours) / Decimal(contract_hours) * HUNDRED
    return raw.quantize(CENT, rounding=ROUND_HALF_UP)


def percentage_problem(value: Decimal | None) -> str | None:
    if value is None:
        return None
    if value < 0 or value > HUNDRED:
        return "percentage_range"
    return None


def hours_problem(contract_hours: Decimal, hours: Decimal) -> str | None:
    if hours < 0:
        return "recovery_hours_negative"
    if hours > contract_hours:
        return "recovery_hours_above_contract"
    return None


# --- docs/rules/samentelling.md: samentelling -----------------------------------------------------------


def chains(previous_recovered: dt.date, new_first_day: dt.date) -> bool:
    """A new absence chains to a period fully recovered on R when S - R < 28 days."""
    return (new_first_day - previous_recovered).days < CHAIN_GAP_DAYS


@dataclass(frozen=True)
class Span:
    """A stretch of absence from `start` up to, not including, `end` (None = still running)."""

    start: dt.date
    end: dt.date | None = None

    def overlaps(self, other: Span) -> bool:
        self_end = self.end or dt.date.max
        other_end = other.end or dt.date.max
        return self.start < other_end and other.start < self_end


def first_overlap(span: Span, others: Iterable[Span]) -> Span | None:
    for other in others:
        if span.overlaps(other):
            return other
    return None


def sick_days(periods: Sequence[Span], on: dt.date) -> int:
    """Sick days of a chain counted up to and including `on` (gap days do not count)."""
    total = 0
    for period in periods:
        if period.start > on:
            continue
        last = min(on, (period.end - dt.timedelta(days=1)) if period.end else on)
        total += (last - period.start).days + 1
    return total


def sick_week(periods: Sequence[Span], on: dt.date) -> int | None:
    """Week number of the absence on `on` (weeks count sick days).

    See docs/rules/day-arithmetic.md and docs/rules/samentelling.md.
    """
    days = sick_days(periods, on)
    if days <= 0:
        return None
    return (days - 1) // 7 + 1


# --- first day of a case (P5, P6) -------------------------------------------------------


def first_day_problem(
    first_day: dt.date,
    *,
    employment_start: dt.date,
    employment_end: dt.date | None,
    today: dt.date,
    allow_future: bool,
) -> str | None:
    """The first day must lie within the employment; a sick report cannot lie ahead."""
    if first_day < employment_start:
        return "first_day_before_employment"
    if employment_end is not None and first_day > employment_end:
        return "first_day_after_employment"
    if not allow_future and first_day > today:
        return "first_day_in_future"
    return None


# --- docs/rules/vangnet.md: vangnet ----------------------------------------------------------------


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def compensation_problem(
    *,
    employment_start: dt.date,
    birth_date: dt.date,
    came_from_long_ww: bool,
    first_day: dt.date,
) -> str | None:
    """Compensatieregeling: the first condition that fails, as a code (docs/rules/vangnet.md)."""
    if not COMPENSATION_START_FROM <= employment_start < COMPENSATION_START_BEFORE:
        return "compensation_start_date"
    if birth_date >= COMPENSATION_BORN_BEFORE:
        return "compensation_birth_date"
    if not came_from_long_ww:
        return "compensation_ww"
    if first_day > _years_later(employment_start, COMPENSATION_MAX_YEARS_EMPLOYED):
        return "compensation_employed_too_long"
    return None


# --- docs/rules/privacy.md: ziek uit dienst --------------------------------------------------------

REPORT_NONE = "none"
REPORT_SHORT = "short"  # verkort re-integratieverslag
REPORT_FULL = "full"  # re-integratieverslag


def reintegration_report(
    sick_days_at_end: int, *, full_recovery_expected_within_3_months: bool = False
) -> str:
    """Which re-integration report UWV needs when the employment ends during absence."""
    if sick_days_at_end < 6 * 7:
        return REPORT_NONE
    if sick_days_at_end <= 10 * 7 or full_recovery_expected_within_3_months:
        return REPORT_SHORT
    return REPORT_FULL
