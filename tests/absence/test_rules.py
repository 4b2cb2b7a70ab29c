"""Pure rules of sick reports, recoveries and chaining.

The rules: docs/rules/samentelling.md, vangnet.md, recovery.md and privacy.md.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hersteld.absence import rules

D = dt.date


# docs/rules/recovery.md: hours = contract hours x percentage, rounded to 0.25 h; percentage to 2 decimals
@pytest.mark.parametrize(
    ("contract", "percentage", "hours"),
    [
        ("40", "50", "20.00"),
        ("40", "100", "40.00"),
        ("36", "33.33", "12.00"),
        ("38", "25", "9.50"),
        ("32", "10", "3.25"),  # 3.2 rounds to the nearest quarter
        ("24", "0", "0.00"),
    ],
)
def test_hours_for_percentage_rounds_to_a_quarter(contract, percentage, hours) -> None:
    assert rules.hours_for_percentage(Decimal(contract), Decimal(percentage)) == Decimal(hours)


@pytest.mark.parametrize(
    ("contract", "hours", "percentage"),
    [("40", "20", "50.00"), ("36", "12", "33.33"), ("38", "9.5", "25.00"), ("32", "32", "100.00")],
)
def test_percentage_for_hours_has_two_decimals(contract, hours, percentage) -> None:
    assert rules.percentage_for_hours(Decimal(contract), Decimal(hours)) == Decimal(percentage)


@given(
    contract=st.decimals(min_value=1, max_value=60, places=2),
    percentage=st.decimals(min_value=0, max_value=100, places=2),
)
def test_percentage_to_hours_and_back_stays_within_rounding(contract, percentage) -> None:
    """docs/rules/recovery.md: converting either way loses at most the quarter-hour rounding."""
    hours = rules.hours_for_percentage(contract, percentage)
    assert hours % Decimal("0.25") == 0
    assert Decimal(0) <= hours <= contract + Decimal("0.125")
    back = rules.percentage_for_hours(contract, hours)
    tolerance = Decimal("0.125") / contract * 100 + Decimal("0.01")
    assert abs(back - percentage) <= tolerance


@given(
    contract=st.decimals(min_value=1, max_value=60, places=2),
    low=st.decimals(min_value=0, max_value=100, places=2),
    high=st.decimals(min_value=0, max_value=100, places=2),
)
def test_more_percentage_never_gives_fewer_hours(contract, low, high) -> None:
    low, high = sorted((low, high))
    assert rules.hours_for_percentage(contract, low) <= rules.hours_for_percentage(contract, high)


def test_percentage_outside_0_100_is_refused() -> None:
    assert rules.percentage_problem(Decimal("-1")) == "percentage_range"
    assert rules.percentage_problem(Decimal("100.01")) == "percentage_range"
    assert rules.percentage_problem(Decimal("100")) is None


def test_hours_above_the_working_week_are_refused() -> None:
    assert rules.hours_problem(Decimal("32"), Decimal("33")) == "recovery_hours_above_contract"
    assert rules.hours_problem(Decimal("32"), Decimal("-1")) == "recovery_hours_negative"
    assert rules.hours_problem(Decimal("32"), Decimal("32")) is None


# docs/rules/samentelling.md: S - R < 28 chains; at S - R >= 28 a new D1 starts
@pytest.mark.parametrize(
    ("recovered", "new_first_day", "chained"),
    [
        (D(2026, 3, 1), D(2026, 3, 28), True),  # 27 days
        (D(2026, 3, 1), D(2026, 3, 29), False),  # exactly 28 days
        (D(2026, 3, 1), D(2026, 3, 2), True),
        (D(2026, 3, 1), D(2026, 3, 1), True),  # sick again on the day of recovery
    ],
)
def test_sick_again_within_four_weeks_chains(recovered, new_first_day, chained) -> None:
    assert rules.chains(recovered, new_first_day) is chained


@given(
    recovered=st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 1, 1)),
    gap=st.integers(min_value=0, max_value=400),
)
def test_chaining_depends_only_on_the_gap(recovered, gap) -> None:
    """docs/rules/samentelling.md: whatever the dates, only S - R decides."""
    assert rules.chains(recovered, recovered + dt.timedelta(days=gap)) is (gap < 28)


def test_weeks_count_sick_days_not_gap_days() -> None:
    """docs/rules/samentelling.md: in a chain the weeks count sick days; 10 gap days delay week 2 by 10 days."""
    periods = [rules.Span(D(2026, 1, 5), D(2026, 1, 9)), rules.Span(D(2026, 1, 19))]
    assert rules.sick_days(periods, D(2026, 1, 8)) == 4
    assert rules.sick_days(periods, D(2026, 1, 19)) == 5
    assert rules.sick_week(periods, D(2026, 1, 21)) == 1  # the 7th sick day
    assert rules.sick_week(periods, D(2026, 1, 22)) == 2  # the 8th sick day, 10 gap days later
    assert rules.sick_week(periods, D(2026, 1, 4)) is None


@given(
    first_day=st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 1, 1)),
    days=st.integers(min_value=0, max_value=800),
)
def test_one_open_period_has_week_n_from_day_7n_minus_6(first_day, days) -> None:
    """docs/rules/day-arithmetic.md: week n = days 7(n-1)+1 ... 7n."""
    on = first_day + dt.timedelta(days=days)
    assert rules.sick_week([rules.Span(first_day)], on) == days // 7 + 1


def test_spans_overlap_only_when_they_share_a_day() -> None:
    a = rules.Span(D(2026, 1, 1), D(2026, 1, 10))  # sick 1-9 January
    assert not a.overlaps(rules.Span(D(2026, 1, 10)))
    assert a.overlaps(rules.Span(D(2026, 1, 9), D(2026, 1, 20)))
    assert rules.Span(D(2026, 1, 1)).overlaps(rules.Span(D(2027, 1, 1)))  # open runs on


# docs/rules/vangnet.md: compensatieregeling
@pytest.mark.parametrize(
    ("start", "birth", "ww", "first_day", "problem"),
    [
        (D(2018, 6, 1), D(1960, 1, 1), True, D(2022, 1, 1), None),
        (D(2017, 12, 31), D(1960, 1, 1), True, D(2022, 1, 1), "compensation_start_date"),
        (D(2020, 1, 1), D(1960, 1, 1), True, D(2022, 1, 1), "compensation_start_date"),
        (D(2018, 6, 1), D(1962, 1, 1), True, D(2022, 1, 1), "compensation_birth_date"),
        (D(2018, 6, 1), D(1960, 1, 1), False, D(2022, 1, 1), "compensation_ww"),
        (D(2018, 6, 1), D(1960, 1, 1), True, D(2023, 6, 1), None),  # exactly 5 years
        (D(2018, 6, 1), D(1960, 1, 1), True, D(2023, 6, 2), "compensation_employed_too_long"),
    ],
)
def test_compensation_names_the_failed_condition(start, birth, ww, first_day, problem) -> None:
    assert (
        rules.compensation_problem(
            employment_start=start, birth_date=birth, came_from_long_ww=ww, first_day=first_day
        )
        == problem
    )


# P5/P6: the first day lies within the employment; a sick report not in the future
def test_first_day_must_lie_within_the_employment() -> None:
    check = rules.first_day_problem
    today = D(2026, 5, 1)
    kwargs = {"employment_start": D(2025, 1, 1), "employment_end": D(2026, 3, 31), "today": today}
    assert check(D(2024, 12, 31), allow_future=False, **kwargs) == "first_day_before_employment"
    assert check(D(2026, 4, 1), allow_future=False, **kwargs) == "first_day_after_employment"
    assert check(D(2026, 3, 31), allow_future=False, **kwargs) is None
    open_kwargs = {**kwargs, "employment_end": None}
    assert check(D(2026, 5, 2), allow_future=False, **open_kwargs) == "first_day_in_future"
    assert check(D(2026, 5, 2), allow_future=True, **open_kwargs) is None


# docs/rules/privacy.md: ziek uit dienst
@pytest.mark.parametrize(
    ("sick_days", "expected_soon", "report"),
    [
        (41, False, rules.REPORT_NONE),
        (42, False, rules.REPORT_SHORT),
        (70, False, rules.REPORT_SHORT),
        (71, False, rules.REPORT_FULL),
        (71, True, rules.REPORT_SHORT),
    ],
)
def test_reintegration_report_when_the_employment_ends_during_absence(
    sick_days, expected_soon, report
) -> None:
    assert (
        rules.reintegration_report(sick_days, full_recovery_expected_within_3_months=expected_soon)
        == report
    )
