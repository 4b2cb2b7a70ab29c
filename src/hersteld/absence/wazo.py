"""Pregnancy and childbirth leave (WAZO) as date arithmetic.

The rules: docs/rules/wazo.md, with the day rules of docs/rules/day-arithmetic.md.

Pure module: dates in, a frozen `LeavePlan` out; no Django. The portal uses
`plan_leave` to show the end of the leave and to start a chained sickness case on
`LeavePlan.first_day_after` (docs/rules/samentelling.md).

Rules (docs/rules/wazo.md, WAZO art. 3:1; "day after E" = expected delivery date + 1 day):
- The leave starts in the flex period: at the earliest 6 weeks, at the latest 4 weeks
  before the day after E (multiples: 10 and 8 weeks).
- Zwangerschapsverlof runs from the start through the delivery day; bevallingsverlof
  starts the day after the delivery and lasts 10 weeks plus the days by which the
  zwangerschapsverlof was shorter than 6 weeks (multiples: 10 weeks). So the total is
  at least 16 weeks (multiples: 20), a child born early moves the unused days to after
  the birth, and a child born late makes the total longer (the bevallingsverlof stays
  10 weeks).
- Sickness in the flex period before the chosen start counts as leave: the leave is
  counted from the first sick day (not before the flex period), so those days are not
  added after the delivery (UWV: "ziek in de flexibiliseringsperiode").
- Delivery before the leave has started (UWV "bevallen voordat het verlof is
  begonnen"): the leave starts the day after the delivery and is all bevallingsverlof,
  16 weeks (multiples: 20).
- Hospitalised newborn (UWV method): admission days - 7, only days within the
  bevallingsverlof, minus the days by which the bevallingsverlof exceeds 10 weeks;
  the extension is never negative and at most 10 weeks.

Assumptions where the law or the brief leaves room:
- `sick_from` is the first day of pregnancy-related sickness that lasts without a
  break up to the chosen start (since 2015 such sickness does not end before the leave
  in practice). Sick days before the flex period stay Ziektewet days; a `sick_from`
  on or after the start, or after the delivery, changes nothing.
- `hospital_days` is the caller's sum of the newborn's admission days (all admissions)
  that fall within the bevallingsverlof, its extension included: a long admission keeps
  extending the leave until the 10-week cap, which is why the cap can be reached at all.
  The module subtracts the 7 days itself and does not check where the days lie.
- Without an actual delivery date the plan uses E and is provisional
  (`delivery_is_actual` False); hospital days then are an error, there is no child yet.
- `premature` is recorded only: the leave follows from the dates, not from the flag.
- A delivery more than 280 days before E (before the pregnancy began, E being counted
  as 280 days from it) or more than 6 weeks after E is rejected as a typo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DAY = dt.timedelta(days=1)

FLEX_EARLIEST_DAYS = 42  # 6 weeks before the day after E
FLEX_LATEST_DAYS = 28  # 4 weeks
MULTIPLE_FLEX_EARLIEST_DAYS = 70  # 10 weeks
MULTIPLE_FLEX_LATEST_DAYS = 56  # 8 weeks
CHILDBIRTH_MIN_DAYS = 70  # bevallingsverlof at least 10 weeks
HOSPITAL_THRESHOLD_DAYS = 7  # the first week of admission does not extend
MAX_EXTENSION_DAYS = 70  # extension for a hospitalised newborn at most 10 weeks
PREGNANCY_DAYS = 280  # E is counted 280 days from the start of the pregnancy
MAX_DAYS_LATE = 42  # plausibility bound on a delivery after E

LEAVE_START_TOO_EARLY = "leave_start_too_early"
LEAVE_START_TOO_LATE = "leave_start_too_late"
DELIVERY_BEFORE_LEAVE_START = "delivery_before_leave_start"
DELIVERY_BEFORE_PREGNANCY = "delivery_before_pregnancy"
DELIVERY_TOO_LATE = "delivery_too_late"
HOSPITAL_DAYS_NEGATIVE = "hospital_days_negative"
HOSPITAL_DAYS_WITHOUT_DELIVERY = "hospital_days_without_delivery"


class WazoError(ValueError):
    """Input that cannot be a WAZO leave; `code` is a stable key for a translated message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class LeavePlan:
    """The computed leave; all dates inclusive, `end` is the last day of leave."""

    expected_delivery: dt.date
    multiple: bool
    premature: bool  # recorded only
    flex_earliest: dt.date  # window for the chosen start
    flex_latest: dt.date
    planned_start: dt.date  # the start as chosen
    start: dt.date  # first day counted as leave (earlier by sickness, later by an early birth)
    sick_days_in_flex: int  # days from `start` up to `planned_start` counted as leave
    delivery: dt.date  # actual delivery, else expected
    delivery_is_actual: bool
    delivery_before_start: bool  # the child came before the leave began
    pregnancy_leave_days: int  # start through the delivery day; 0 if born before the start
    childbirth_leave_start: dt.date  # day after the delivery
    childbirth_leave_days: int  # bevallingsverlof without the hospital extension
    extension_days: int  # hospitalised newborn
    end: dt.date  # last day of leave
    first_day_after: dt.date  # a chained sickness case starts here
    total_days: int
    why: tuple[str, ...]


def _pregnancy_reference_days(multiple: bool) -> int:
    """Weeks of zwangerschapsverlof the 10-week bevallingsverlof is topped up to."""
    return MULTIPLE_FLEX_EARLIEST_DAYS if multiple else FLEX_EARLIEST_DAYS


def _span(days: int) -> str:
    """'6 weeks', '4 weeks and 3 days', '1 day': durations as the law states them."""
    weeks, rest = divmod(days, 7)
    parts = []
    if weeks:
        parts.append(f"{weeks} week" + ("s" if weeks != 1 else ""))
    if rest or not weeks:
        parts.append(f"{rest} day" + ("s" if rest != 1 else ""))
    return " and ".join(parts)


def flex_window(expected_delivery: dt.date, *, multiple: bool) -> tuple[dt.date, dt.date]:
    """Earliest and latest start: 6 and 4 weeks (multiples 10 and 8) before the day after E."""
    day_after = expected_delivery + DAY
    if multiple:
        return (
            day_after - dt.timedelta(days=MULTIPLE_FLEX_EARLIEST_DAYS),
            day_after - dt.timedelta(days=MULTIPLE_FLEX_LATEST_DAYS),
        )
    return (
        day_after - dt.timedelta(days=FLEX_EARLIEST_DAYS),
        day_after - dt.timedelta(days=FLEX_LATEST_DAYS),
    )


def start_problem(start: dt.date, expected_delivery: dt.date, *, multiple: bool) -> str | None:
    """A stable code when the chosen start lies outside the flex window, else None."""
    earliest, latest = flex_window(expected_delivery, multiple=multiple)
    if start < earliest:
        return LEAVE_START_TOO_EARLY
    if start > latest:
        return LEAVE_START_TOO_LATE
    return None


def delivery_problem(actual: dt.date, start: dt.date) -> str | None:
    """A notice code when the child came before the leave started, else None.

    Not an error: UWV then starts the leave on the day after the delivery, 16 weeks
    (multiples 20) of bevallingsverlof, and `plan_leave` does exactly that. The code
    lets the form tell the user why the start moved. Pass the start that applied before
    the delivery was known (`LeavePlan.start` of the provisional plan, which includes
    sickness in the flex period). Implausible delivery dates are `plan_leave` errors.
    """
    return DELIVERY_BEFORE_LEAVE_START if actual < start else None


def _check(
    expected_delivery: dt.date,
    start: dt.date,
    multiple: bool,
    actual_delivery: dt.date | None,
    hospital_days: int,
) -> None:
    code = start_problem(start, expected_delivery, multiple=multiple)
    if code is not None:
        earliest, latest = flex_window(expected_delivery, multiple=multiple)
        raise WazoError(
            code,
            f"leave start {start.isoformat()} lies outside the flex period "
            f"{earliest.isoformat()} to {latest.isoformat()}",
        )
    if hospital_days < 0:
        raise WazoError(HOSPITAL_DAYS_NEGATIVE, f"hospital days {hospital_days} is negative")
    if actual_delivery is None:
        if hospital_days:
            raise WazoError(
                HOSPITAL_DAYS_WITHOUT_DELIVERY, "hospital days need an actual delivery date"
            )
        return
    if actual_delivery < expected_delivery - dt.timedelta(days=PREGNANCY_DAYS):
        raise WazoError(
            DELIVERY_BEFORE_PREGNANCY,
            f"delivery {actual_delivery.isoformat()} lies before the pregnancy began "
            f"({PREGNANCY_DAYS} days before {expected_delivery.isoformat()})",
        )
    if actual_delivery > expected_delivery + dt.timedelta(days=MAX_DAYS_LATE):
        raise WazoError(
            DELIVERY_TOO_LATE,
            f"delivery {actual_delivery.isoformat()} is more than {_span(MAX_DAYS_LATE)} "
            f"after the expected {expected_delivery.isoformat()}",
        )


def plan_leave(
    *,
    expected_delivery: dt.date,
    start: dt.date,
    multiple: bool = False,
    premature: bool = False,
    actual_delivery: dt.date | None = None,
    sick_from: dt.date | None = None,
    hospital_days: int = 0,
) -> LeavePlan:
    """The leave for a chosen start; raises `WazoError` for input that cannot be a leave."""
    _check(expected_delivery, start, multiple, actual_delivery, hospital_days)
    earliest, latest = flex_window(expected_delivery, multiple=multiple)
    day_after = expected_delivery + DAY
    reference = _pregnancy_reference_days(multiple)
    minimum_total = reference + CHILDBIRTH_MIN_DAYS
    why = [
        f"flex period {earliest.isoformat()} to {latest.isoformat()}: "
        f"{_span((day_after - earliest).days)} to {_span((day_after - latest).days)} "
        f"before {day_after.isoformat()}, the day after the expected delivery"
        + (" (multiple)" if multiple else ""),
        f"start {start.isoformat()} is {_span((day_after - start).days)} "
        f"before {day_after.isoformat()}",
    ]

    delivery = actual_delivery or expected_delivery
    effective = start
    if sick_from is not None and sick_from < start and sick_from <= delivery:
        effective = max(sick_from, earliest)
    before_start = delivery < effective
    if before_start:
        effective = delivery + DAY
        why.append(
            f"delivery {delivery.isoformat()} came before the leave start: the leave starts "
            f"the day after, {effective.isoformat()}, all of it bevallingsverlof (UWV)"
        )
    sick_days = 0 if before_start else max(0, (min(start, delivery + DAY) - effective).days)
    if sick_from is not None and sick_days:
        clipped = " (days before it stay sickness)" if sick_from < earliest else ""
        why.append(
            f"sick from {sick_from.isoformat()}: {sick_days} sick days from "
            f"{effective.isoformat()} in the flex period count as leave{clipped}"
        )
    elif sick_from is not None:
        why.append(f"sick from {sick_from.isoformat()}: no sick days in the leave, no effect")

    pregnancy_days = (delivery - effective).days + 1
    kind = "actual" if actual_delivery is not None else "expected, provisional"
    why.append(
        f"zwangerschapsverlof {pregnancy_days} days: "
        + (
            f"{effective.isoformat()} through the delivery {delivery.isoformat()} ({kind})"
            if pregnancy_days
            else f"none, delivery {delivery.isoformat()} ({kind})"
        )
    )

    childbirth_start = delivery + DAY
    missing = max(0, reference - pregnancy_days)
    childbirth_days = CHILDBIRTH_MIN_DAYS + missing
    if missing:
        why.append(
            f"bevallingsverlof from {childbirth_start.isoformat()}: {_span(CHILDBIRTH_MIN_DAYS)}"
            f" + {missing} days the zwangerschapsverlof fell short of {_span(reference)}"
            f" = {childbirth_days} days"
        )
    else:
        why.append(
            f"bevallingsverlof from {childbirth_start.isoformat()}: {childbirth_days} days, "
            f"the minimum of {_span(CHILDBIRTH_MIN_DAYS)}"
        )

    extension = 0
    if hospital_days:
        excess = childbirth_days - CHILDBIRTH_MIN_DAYS
        counted = max(0, hospital_days - HOSPITAL_THRESHOLD_DAYS)
        extension = min(MAX_EXTENSION_DAYS, max(0, counted - excess))
        why.append(
            f"hospitalised newborn: {hospital_days} admission days - {HOSPITAL_THRESHOLD_DAYS}"
            f" - {excess} days over {_span(CHILDBIRTH_MIN_DAYS)} = {extension} extension days"
            f" (0 to {MAX_EXTENSION_DAYS})"
        )

    end = childbirth_start + dt.timedelta(days=childbirth_days + extension - 1)
    total = pregnancy_days + childbirth_days + extension
    why.append(
        f"last day of leave {end.isoformat()}: {total} days in all "
        f"(at least {minimum_total}, {_span(minimum_total)})"
    )
    why.append(f"a chained sickness case would start on {(end + DAY).isoformat()}")

    return LeavePlan(
        expected_delivery=expected_delivery,
        multiple=multiple,
        premature=premature,
        flex_earliest=earliest,
        flex_latest=latest,
        planned_start=start,
        start=effective,
        sick_days_in_flex=sick_days,
        delivery=delivery,
        delivery_is_actual=actual_delivery is not None,
        delivery_before_start=before_start,
        pregnancy_leave_days=pregnancy_days,
        childbirth_leave_start=childbirth_start,
        childbirth_leave_days=childbirth_days,
        extension_days=extension,
        end=end,
        first_day_after=end + DAY,
        total_days=total,
        why=tuple(why),
    )
