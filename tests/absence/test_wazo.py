"""Pregnancy and childbirth leave against docs/rules/wazo.md (table tests, then properties)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hersteld.absence.wazo import (
    LeavePlan,
    WazoError,
    delivery_problem,
    flex_window,
    plan_leave,
    start_problem,
)

D = dt.date
E = D(2026, 4, 12)  # expected delivery (a Sunday); the day after is 2026-04-13
SIX_WEEKS = D(2026, 3, 2)
FOUR_WEEKS = D(2026, 3, 16)
TEN_WEEKS = D(2026, 2, 2)
EIGHT_WEEKS = D(2026, 2, 16)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


# docs/rules/wazo.md: flex window 6 to 4 weeks (multiples 10 to 8) before the day after E.
def test_rules_5_flex_window() -> None:
    assert flex_window(E, multiple=False) == (SIX_WEEKS, FOUR_WEEKS)
    assert flex_window(E, multiple=True) == (TEN_WEEKS, EIGHT_WEEKS)


# docs/rules/wazo.md: total 16 weeks (multiples 20), bevallingsverlof 10 or 12 weeks by the start.
@pytest.mark.parametrize(
    ("start", "multiple", "pregnancy", "childbirth", "end"),
    [
        (SIX_WEEKS, False, 42, 70, D(2026, 6, 21)),  # start 6 weeks: 10 weeks after
        (FOUR_WEEKS, False, 28, 84, D(2026, 7, 5)),  # start 4 weeks: 12 weeks after
        (D(2026, 3, 9), False, 35, 77, D(2026, 6, 28)),
        (TEN_WEEKS, True, 70, 70, D(2026, 6, 21)),  # multiple, start 10 weeks
        (EIGHT_WEEKS, True, 56, 84, D(2026, 7, 5)),  # multiple, start 8 weeks
    ],
)
def test_rules_5_expected_delivery_plan(
    start: dt.date, multiple: bool, pregnancy: int, childbirth: int, end: dt.date
) -> None:
    plan = plan_leave(expected_delivery=E, start=start, multiple=multiple)
    assert plan.start == start
    assert plan.delivery == E
    assert not plan.delivery_is_actual
    assert plan.pregnancy_leave_days == pregnancy
    assert plan.childbirth_leave_start == D(2026, 4, 13)
    assert plan.childbirth_leave_days == childbirth
    assert plan.extension_days == 0
    assert plan.end == end
    assert plan.first_day_after == end + days(1)
    assert plan.total_days == (140 if multiple else 112)


def test_rules_5_why_names_the_start_in_weeks_before_the_day_after_e() -> None:
    why = plan_leave(expected_delivery=E, start=SIX_WEEKS).why
    assert "start 2026-03-02 is 6 weeks before 2026-04-13" in why
    assert any("2026-06-21" in line for line in why)
    assert "start 2026-03-05 is 5 weeks and 4 days before 2026-04-13" in (
        plan_leave(expected_delivery=E, start=D(2026, 3, 5)).why
    )


# docs/rules/wazo.md: one day outside each edge of the flex window.
@pytest.mark.parametrize(
    ("start", "multiple", "code"),
    [
        (SIX_WEEKS - days(1), False, "leave_start_too_early"),
        (FOUR_WEEKS + days(1), False, "leave_start_too_late"),
        (TEN_WEEKS - days(1), True, "leave_start_too_early"),
        (EIGHT_WEEKS + days(1), True, "leave_start_too_late"),
        (SIX_WEEKS, True, "leave_start_too_late"),  # 6 weeks is too late for a multiple
        (EIGHT_WEEKS, False, "leave_start_too_early"),
    ],
)
def test_rules_5_start_outside_the_flex_window(start: dt.date, multiple: bool, code: str) -> None:
    assert start_problem(start, E, multiple=multiple) == code
    with pytest.raises(WazoError) as error:
        plan_leave(expected_delivery=E, start=start, multiple=multiple)
    assert error.value.code == code
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize(
    ("start", "multiple"),
    [(SIX_WEEKS, False), (FOUR_WEEKS, False), (TEN_WEEKS, True), (EIGHT_WEEKS, True)],
)
def test_rules_5_start_on_the_edges_is_fine(start: dt.date, multiple: bool) -> None:
    assert start_problem(start, E, multiple=multiple) is None


# docs/rules/wazo.md: early birth moves the unused days after it; late birth lengthens the total.
@pytest.mark.parametrize(
    ("start", "actual", "pregnancy", "childbirth", "total", "end"),
    [
        (SIX_WEEKS, D(2026, 3, 29), 28, 84, 112, D(2026, 6, 21)),  # 2 weeks early
        (FOUR_WEEKS, D(2026, 3, 29), 14, 98, 112, D(2026, 7, 5)),  # 2 weeks early
        (SIX_WEEKS, E, 42, 70, 112, D(2026, 6, 21)),  # on E
        (FOUR_WEEKS, E, 28, 84, 112, D(2026, 7, 5)),  # on E
        (SIX_WEEKS, D(2026, 4, 19), 49, 70, 119, D(2026, 6, 28)),  # 1 week late
        (FOUR_WEEKS, D(2026, 4, 19), 35, 77, 112, D(2026, 7, 5)),  # late, still < 6 weeks
        (FOUR_WEEKS, D(2026, 5, 3), 49, 70, 119, D(2026, 7, 12)),  # 3 weeks late
    ],
)
def test_rules_5_actual_delivery(
    start: dt.date,
    actual: dt.date,
    pregnancy: int,
    childbirth: int,
    total: int,
    end: dt.date,
) -> None:
    plan = plan_leave(expected_delivery=E, start=start, actual_delivery=actual)
    assert plan.delivery == actual
    assert plan.delivery_is_actual
    assert plan.pregnancy_leave_days == pregnancy
    assert plan.childbirth_leave_start == actual + days(1)
    assert plan.childbirth_leave_days == childbirth
    assert plan.total_days == total
    assert plan.end == end


def test_rules_5_late_birth_keeps_bevallingsverlof_at_exactly_10_weeks() -> None:
    plan = plan_leave(expected_delivery=E, start=SIX_WEEKS, actual_delivery=E + days(10))
    assert plan.childbirth_leave_days == 70
    assert plan.total_days == 122


def test_rules_5_multiple_born_early_keeps_20_weeks() -> None:
    plan = plan_leave(
        expected_delivery=E, start=TEN_WEEKS, multiple=True, actual_delivery=D(2026, 3, 1)
    )
    assert plan.pregnancy_leave_days == 28  # 2 Feb through 1 Mar
    assert plan.childbirth_leave_days == 112
    assert plan.total_days == 140


# docs/rules/wazo.md: sickness in the flex period counts as leave, so it is not added after birth.
def test_rules_5_uwv_example_sick_before_and_into_the_flex_period() -> None:
    """UWV: due 1 July, leave from 4 June, sick from 15 May: 14 days off the bevallingsverlof."""
    due = D(2026, 7, 1)
    assert flex_window(due, multiple=False) == (D(2026, 5, 21), D(2026, 6, 4))
    healthy = plan_leave(expected_delivery=due, start=D(2026, 6, 4), actual_delivery=due)
    sick = plan_leave(
        expected_delivery=due, start=D(2026, 6, 4), actual_delivery=due, sick_from=D(2026, 5, 15)
    )
    assert sick.planned_start == D(2026, 6, 4)
    assert sick.start == D(2026, 5, 21)  # not before the flex period
    assert sick.sick_days_in_flex == 14
    assert sick.childbirth_leave_days == healthy.childbirth_leave_days - 14 == 70
    assert sick.total_days == healthy.total_days == 112
    assert sick.end == healthy.end - days(14)


def test_rules_5_sickness_inside_the_flex_period_does_not_extend() -> None:
    plan = plan_leave(expected_delivery=E, start=FOUR_WEEKS, sick_from=D(2026, 3, 9))
    assert plan.start == D(2026, 3, 9)
    assert plan.sick_days_in_flex == 7
    assert plan.pregnancy_leave_days == 35
    assert plan.childbirth_leave_days == 77
    assert plan.total_days == 112
    assert plan.end == D(2026, 6, 28)


@pytest.mark.parametrize("sick_from", [FOUR_WEEKS, D(2026, 3, 20), D(2026, 4, 20)])
def test_rules_5_sickness_on_or_after_the_start_changes_nothing(sick_from: dt.date) -> None:
    plain = plan_leave(expected_delivery=E, start=FOUR_WEEKS)
    plan = plan_leave(expected_delivery=E, start=FOUR_WEEKS, sick_from=sick_from)
    assert (plan.start, plan.end, plan.sick_days_in_flex) == (plain.start, plain.end, 0)


def test_rules_5_sick_then_born_before_the_planned_start() -> None:
    plan = plan_leave(
        expected_delivery=E,
        start=FOUR_WEEKS,
        sick_from=D(2026, 3, 4),
        actual_delivery=D(2026, 3, 7),
    )
    assert plan.start == D(2026, 3, 4)
    assert plan.sick_days_in_flex == 4
    assert plan.pregnancy_leave_days == 4
    assert plan.childbirth_leave_days == 108
    assert plan.total_days == 112
    assert not plan.delivery_before_start


# docs/rules/wazo.md, hospitalised newborn (UWV method).
@pytest.mark.parametrize(
    ("start", "actual", "hospital_days", "extension"),
    [
        (SIX_WEEKS, E, 20, 13),  # bevallingsverlof exactly 10 weeks: 20 - 7
        (SIX_WEEKS, E, 7, 0),  # the first week never counts
        (SIX_WEEKS, E, 3, 0),
        (SIX_WEEKS, E, 77, 70),
        (SIX_WEEKS, E, 200, 70),  # cap: 10 weeks
        (FOUR_WEEKS, D(2026, 3, 29), 49, 14),  # UWV example: 14 weeks, 49 - 7 - 28
        (FOUR_WEEKS, D(2026, 3, 29), 30, 0),  # the excess swallows it: never negative
        (FOUR_WEEKS, E, 20, 0),  # 12 weeks: 13 - 14 < 0
        (SIX_WEEKS, D(2026, 2, 8), 60, 11),  # 9 weeks early, no leave yet: 60 - 7 - 42
    ],
)
def test_rules_5_hospitalised_newborn(
    start: dt.date, actual: dt.date, hospital_days: int, extension: int
) -> None:
    plain = plan_leave(expected_delivery=E, start=start, actual_delivery=actual)
    plan = plan_leave(
        expected_delivery=E, start=start, actual_delivery=actual, hospital_days=hospital_days
    )
    assert plan.extension_days == extension
    assert plan.end == plain.end + days(extension)
    assert plan.total_days == plain.total_days + extension
    assert plan.childbirth_leave_days == plain.childbirth_leave_days


def test_rules_5_hospital_days_need_a_birth_and_are_never_negative() -> None:
    with pytest.raises(WazoError) as error:
        plan_leave(expected_delivery=E, start=SIX_WEEKS, actual_delivery=E, hospital_days=-1)
    assert error.value.code == "hospital_days_negative"
    with pytest.raises(WazoError) as error:
        plan_leave(expected_delivery=E, start=SIX_WEEKS, hospital_days=10)
    assert error.value.code == "hospital_days_without_delivery"


# docs/rules/wazo.md / UWV: born before the leave began: leave from the day after, 16 (20) weeks.
@pytest.mark.parametrize(
    ("start", "multiple", "actual", "total"),
    [
        (FOUR_WEEKS, False, D(2026, 3, 10), 112),
        (SIX_WEEKS, False, D(2026, 2, 8), 112),  # 9 weeks early
        (SIX_WEEKS, False, SIX_WEEKS - days(1), 112),  # the day before the start
        (EIGHT_WEEKS, True, D(2026, 2, 10), 140),
    ],
)
def test_rules_5_delivery_before_the_leave_start(
    start: dt.date, multiple: bool, actual: dt.date, total: int
) -> None:
    assert delivery_problem(actual, start) == "delivery_before_leave_start"
    plan = plan_leave(expected_delivery=E, start=start, multiple=multiple, actual_delivery=actual)
    assert plan.delivery_before_start
    assert plan.start == plan.childbirth_leave_start == actual + days(1)
    assert plan.pregnancy_leave_days == 0
    assert plan.sick_days_in_flex == 0
    assert plan.childbirth_leave_days == plan.total_days == total
    assert plan.end == actual + days(total)


def test_rules_5_delivery_on_or_after_the_start_is_no_notice() -> None:
    assert delivery_problem(FOUR_WEEKS, FOUR_WEEKS) is None
    assert delivery_problem(E, FOUR_WEEKS) is None
    plan = plan_leave(expected_delivery=E, start=FOUR_WEEKS, actual_delivery=FOUR_WEEKS)
    assert not plan.delivery_before_start
    assert plan.pregnancy_leave_days == 1


def test_rules_5_sick_before_the_flex_period_and_born_before_it() -> None:
    """The sickness never reached the flex period: it stays sickness, the leave follows birth."""
    plan = plan_leave(
        expected_delivery=E,
        start=FOUR_WEEKS,
        sick_from=D(2026, 2, 1),
        actual_delivery=D(2026, 2, 20),
    )
    assert plan.delivery_before_start
    assert plan.start == D(2026, 2, 21)
    assert plan.sick_days_in_flex == 0
    assert plan.total_days == 112


@pytest.mark.parametrize(
    ("actual", "code"),
    [
        (E - days(281), "delivery_before_pregnancy"),
        (E + days(43), "delivery_too_late"),
    ],
)
def test_implausible_delivery_dates_are_rejected(actual: dt.date, code: str) -> None:
    with pytest.raises(WazoError) as error:
        plan_leave(expected_delivery=E, start=SIX_WEEKS, actual_delivery=actual)
    assert error.value.code == code


def test_the_bounds_of_plausible_delivery_dates_are_accepted() -> None:
    for actual in (E - days(280), E + days(42)):
        plan_leave(expected_delivery=E, start=SIX_WEEKS, actual_delivery=actual)


def test_premature_is_recorded_only() -> None:
    early = D(2026, 3, 1)
    flagged = plan_leave(
        expected_delivery=E, start=SIX_WEEKS, actual_delivery=early, premature=True
    )
    plain = plan_leave(expected_delivery=E, start=SIX_WEEKS, actual_delivery=early)
    assert flagged.premature
    assert dataclasses.replace(flagged, premature=False) == plain


def test_the_plan_is_frozen() -> None:
    plan = plan_leave(expected_delivery=E, start=SIX_WEEKS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.end = E  # type: ignore[misc]


# Properties (hypothesis).
@st.composite
def leave_inputs(draw: st.DrawFn) -> dict:
    expected = draw(st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 1, 1)))
    multiple = draw(st.booleans())
    earliest, latest = flex_window(expected, multiple=multiple)
    start = earliest + days(draw(st.integers(0, (latest - earliest).days)))
    actual = draw(st.none() | st.integers(-280, 41).map(lambda n: expected + days(n)))
    sick_from = draw(st.none() | st.integers(-60, 30).map(lambda n: earliest + days(n)))
    hospital = 0 if actual is None else draw(st.integers(0, 250))
    return {
        "expected_delivery": expected,
        "start": start,
        "multiple": multiple,
        "actual_delivery": actual,
        "sick_from": sick_from,
        "hospital_days": hospital,
    }


@settings(max_examples=300, deadline=None)
@given(leave_inputs())
def test_the_leave_is_at_least_16_weeks_or_20_for_multiples(inputs: dict) -> None:
    plan = plan_leave(**inputs)
    assert plan.total_days >= (140 if inputs["multiple"] else 112)
    assert plan.total_days == (plan.end - plan.start).days + 1
    assert plan.total_days == (
        plan.pregnancy_leave_days + plan.childbirth_leave_days + plan.extension_days
    )


@settings(max_examples=300, deadline=None)
@given(leave_inputs())
def test_bevallingsverlof_is_at_least_10_weeks_after_the_delivery(inputs: dict) -> None:
    plan = plan_leave(**inputs)
    assert plan.childbirth_leave_days >= 70
    assert plan.end >= plan.delivery + days(70)
    assert plan.childbirth_leave_start == plan.delivery + days(1)
    assert plan.first_day_after == plan.end + days(1)
    assert 0 <= plan.extension_days <= 70
    assert plan.flex_earliest <= plan.planned_start <= plan.flex_latest


@settings(max_examples=300, deadline=None)
@given(leave_inputs())
def test_a_later_delivery_never_ends_the_leave_earlier(inputs: dict) -> None:
    actual = inputs["actual_delivery"] or inputs["expected_delivery"]
    before = plan_leave(**{**inputs, "actual_delivery": actual})
    after = plan_leave(**{**inputs, "actual_delivery": actual + days(1)})
    assert after.end >= before.end


@settings(max_examples=300, deadline=None)
@given(leave_inputs())
def test_every_plan_explains_itself(inputs: dict) -> None:
    plan = plan_leave(**inputs)
    assert isinstance(plan, LeavePlan)
    assert plan.why
    assert plan.why, "nothing to check"
    assert all(line and "\n" not in line for line in plan.why)
