"""Property: the year's VP is the months' VPs weighted by their denominators (rules.md 8)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from hersteld.statistics.figures import Employment, Period, compute, months

YEAR_START, YEAR_END = dt.date(2028, 1, 1), dt.date(2028, 12, 31)  # a leap year
days = st.integers(min_value=-400, max_value=400).map(lambda n: YEAR_START + dt.timedelta(days=n))


@st.composite
def population(draw):
    employments = []
    periods = []
    for number in range(1, draw(st.integers(1, 6)) + 1):
        start = draw(days)
        end = draw(st.one_of(st.none(), days.filter(lambda d, s=start: d >= s)))
        changes = sorted(draw(st.lists(days, max_size=3, unique=True)))
        terms = [(start, draw(st.sampled_from([8, 20, 32, 40, 48])), "000001.")]
        terms += [
            (day, draw(st.sampled_from([16, 24, 36, 45])), "000001.")
            for day in changes
            if day > start
        ]
        employments.append(Employment.from_terms(number, number, start, end, terms, 40.0))
        cursor = start
        for _ in range(draw(st.integers(0, 3))):
            first = cursor + dt.timedelta(days=draw(st.integers(0, 200)))
            length = draw(st.integers(1, 300))
            closed = draw(st.booleans())
            stop = first + dt.timedelta(days=length) if closed else None
            recoveries = [
                (
                    first + dt.timedelta(days=draw(st.integers(1, length))),
                    draw(st.sampled_from([20.0, 50.0, 80.0])),
                    draw(st.booleans()),
                )
                for _ in range(draw(st.integers(0, 2)))
            ]
            kind = draw(st.sampled_from(["sickness", "sickness", "pregnancy_leave"]))
            periods.append(
                Period.of_case(
                    number,
                    kind,
                    first,
                    stop,
                    recoveries=sorted(set(recoveries)),
                    end_reason="recovered" if closed else "",
                )
            )
            cursor = (stop or first) + dt.timedelta(days=1)
            if stop is None:
                break
    return employments, periods


@settings(max_examples=60, deadline=None)
@given(population())
def test_months_weighted_give_the_year(data):
    employments, periods = data
    year = compute(employments, periods, YEAR_START, YEAR_END)
    parts = [compute(employments, periods, a, b) for a, b in months(YEAR_START, YEAR_END)]
    weights = sum(part.weighted_days for part in parts)
    assert abs(weights - year.weighted_days) < 1e-6
    if year.vp is None:
        assert all(part.vp is None for part in parts)
        return
    weighted = sum(part.vp * part.weighted_days for part in parts if part.vp is not None) / weights
    assert abs(weighted - year.vp) < 1e-9
    with_leave = sum(
        p.vp_with_leave * p.weighted_days for p in parts if p.vp_with_leave is not None
    )
    assert abs(with_leave / weights - year.vp_with_leave) < 1e-9
    # Reports and employment days add up over the months too.
    assert sum(part.reports for part in parts) == year.reports
    assert sum(part.employment_days for part in parts) == year.employment_days
