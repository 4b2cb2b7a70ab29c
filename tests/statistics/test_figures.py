"""Table tests of docs/rules/statistics.md (rules.md section 8), figures worked out by hand.

Each test names the rule it checks; the expected numbers are computed in the comments, never
taken from the code under test."""

from __future__ import annotations

import datetime as dt

import pytest

from hersteld.statistics.figures import (
    Employment,
    Period,
    compute,
    duration_class,
    months,
    quarter,
    round2,
    trailing_months,
    year_before,
    years_in,
)

D = dt.date
JUNE = (D(2026, 6, 1), D(2026, 6, 30))
SINCE = D(2020, 1, 1)


def employment(
    id: int,
    hours: float = 40,
    start: dt.date = SINCE,
    end=None,
    *,
    person=None,
    fulltime=40.0,
    terms=None,
    group="000001.",
):
    return Employment.from_terms(
        id, person or id, start, end, terms or [(start, hours, group)], fulltime
    )


def sick(
    employment_id: int, first: dt.date, end=None, *, recoveries=(), percentage=100.0, reason=None
):
    return Period.of_case(
        employment_id,
        "sickness",
        first,
        end,
        sick_percentage=percentage,
        recoveries=recoveries,
        end_reason=reason if reason is not None else ("recovered" if end else ""),
    )


def leave(employment_id: int, first: dt.date, end=None):
    return Period.of_case(
        employment_id, "pregnancy_leave", first, end, end_reason="leave_ended" if end else ""
    )


def worked_example():
    """The worked example of docs/rules/statistics.md: June 2026, A, B and C."""
    staff = [employment(1, 40), employment(2, 20), employment(3, 40)]
    periods = [
        sick(1, D(2026, 6, 1), D(2026, 6, 11)),
        sick(2, D(2026, 5, 11), recoveries=[(D(2026, 5, 25), 50.0, False)]),
    ]
    return staff, periods


def test_worked_example_vp_mf_gvd_nulverzuim_classes():
    staff, periods = worked_example()
    result = compute(staff, periods, *JUNE)
    body = result.rounded()
    # VP: A 10 x 1.0 x 1 + B 30 x 0.5 x 0.5 = 17.5 over 30 + 15 + 30 = 75 -> 23.33 %
    assert body["vp"] == 23.33
    assert body["vp_with_leave"] == 23.33
    # MF: 1 report / 3 persons x 365 / 30 = 4.0555 -> 4.06
    assert body["mf"] == 4.06
    # GVD: A 1-10 June = 10 days; B still open
    assert body["gvd"] == 10.0
    # nulverzuim: only C -> 1/3
    assert body["nulverzuim"] == 33.33
    # classes: A 10 days kort; B 11 May - 30 June = 51 days middellang
    assert body["duration_classes"] == {"kort": 1, "middellang": 1, "lang": 0, "extra_lang": 0}
    assert body["population"] == {"persons": 3, "employment_days": 90}


def test_therapeutic_work_counts_as_fully_absent():
    """Hersteld AT does not lower the fraction: B's 50 % AT leaves fraction 1."""
    staff, _ = worked_example()
    periods = [
        sick(1, D(2026, 6, 1), D(2026, 6, 11)),
        sick(2, D(2026, 5, 11), recoveries=[(D(2026, 5, 25), 50.0, True)]),
    ]
    # numerator 10 + 30 x 0.5 x 1 = 25 over 75 -> 33.33 %
    assert compute(staff, periods, *JUNE).rounded()["vp"] == 33.33


def test_therapeutic_work_after_partial_recovery_is_fully_absent_again():
    # 40 h, sick 1 June, 50 % recovered 11 June, 80 % AT from 21 June, whole June in P.
    staff = [employment(1, 40)]
    periods = [
        sick(
            1,
            D(2026, 6, 1),
            recoveries=[(D(2026, 6, 11), 50.0, False), (D(2026, 6, 21), 80.0, True)],
        )
    ]
    # 10 x 1 + 10 x 0.5 + 10 x 1 = 25 over 30 -> 83.33 %
    assert compute(staff, periods, *JUNE).rounded()["vp"] == 83.33


def test_chained_relapse_is_a_new_report():
    """A relapse within 4 weeks chains for Poortwachter but is a new report for MF."""
    staff, periods = worked_example()
    periods.append(sick(1, D(2026, 6, 20)))
    result = compute(staff, periods, *JUNE).rounded()
    # MF: 2 reports / 3 x 365 / 30 = 8.111 -> 8.11
    assert result["mf"] == 8.11
    # GVD: only A's first period ended by recovery
    assert result["gvd"] == 10.0
    # VP: 10 + 11 (20-30 June) + 7.5 = 28.5 over 75 -> 38 %
    assert result["vp"] == 38.0


def test_partial_recovery_is_no_new_report():
    staff = [employment(1, 40)]
    periods = [sick(1, D(2026, 6, 1), recoveries=[(D(2026, 6, 10), 50.0, False)])]
    # 1 report / 1 person x 365 / 30 = 12.1666 -> 12.17
    assert compute(staff, periods, *JUNE).rounded()["mf"] == 12.17


def test_part_time_factor_above_one_and_changing_hours():
    """Factor = hours / full-time of the employer (36 here), per day, not capped at 1."""
    march = (D(2026, 3, 1), D(2026, 3, 31))
    x = employment(1, 45, fulltime=36)  # factor 1.25
    y = employment(2, 18, fulltime=36)  # factor 0.5
    periods = [sick(1, D(2026, 3, 1), D(2026, 3, 11))]
    # numerator 10 x 1.25 = 12.5; denominator 31 x 1.25 + 31 x 0.5 = 54.25 -> 23.041 %
    assert compute([x, y], periods, *march).rounded()["vp"] == 23.04
    # From 6 March X works 36 h (factor 1.0): numerator 5 x 1.25 + 5 x 1.0 = 11.25;
    # denominator 5 x 1.25 + 26 x 1.0 + 15.5 = 47.75 -> 23.560 %
    x2 = employment(
        1, fulltime=36, terms=[(D(2020, 1, 1), 45, "000001."), (D(2026, 3, 6), 36, "000001.")]
    )
    assert compute([x2, y], periods, *march).rounded()["vp"] == 23.56


def test_leap_year_mf():
    """February 2028 has 29 days and the year 366: 2 reports, 10 persons -> 2.52."""
    staff = [employment(i) for i in range(1, 11)]
    periods = [sick(1, D(2028, 2, 3), D(2028, 2, 5)), sick(2, D(2028, 2, 29))]
    result = compute(staff, periods, D(2028, 2, 1), D(2028, 2, 29))
    # 2 / 10 x 366 / 29 = 2.5241
    assert result.rounded()["mf"] == 2.52
    assert result.employment_days == 290
    # VP: 2 days + 1 day over 290 -> 1.034 %
    assert result.rounded()["vp"] == 1.03


def test_leap_year_whole_year_uses_366():
    staff = [employment(1)]
    periods = [sick(1, D(2028, 3, 1), D(2028, 3, 2))]
    result = compute(staff, periods, D(2028, 1, 1), D(2028, 12, 31))
    # 1 report / 1 person x 366 / 366 = 1.00; VP 1 / 366 = 0.273 %
    assert result.rounded()["mf"] == 1.0
    assert result.rounded()["vp"] == 0.27
    assert years_in(D(2028, 1, 1), D(2028, 12, 31)) == 1.0


def test_pregnancy_leave_excluded_and_included():
    staff = [employment(1, 40), employment(2, 40)]
    periods = [leave(1, D(2026, 5, 1)), sick(2, D(2026, 6, 1), D(2026, 6, 16))]
    result = compute(staff, periods, *JUNE).rounded()
    # without leave: 15 / 60 = 25 %; with leave: (30 + 15) / 60 = 75 %
    assert result["vp"] == 25.0
    assert result["vp_with_leave"] == 75.0
    # the leave is no report: 1 / 2 x 365 / 30 = 6.083
    assert result["mf"] == 6.08
    # the person on leave was not sick
    assert result["nulverzuim"] == 50.0


def test_sickness_before_and_after_leave_are_two_reports_and_leave_no_gvd():
    staff = [employment(1, 40)]
    periods = [
        sick(1, D(2026, 6, 1), D(2026, 6, 5), reason="pregnancy_leave"),
        leave(1, D(2026, 6, 5), D(2026, 6, 21)),
        sick(1, D(2026, 6, 21)),
    ]
    result = compute(staff, periods, *JUNE)
    assert result.reports == 2
    # the first period ended by the leave, not by recovery: no GVD, shown apart
    assert result.gvd is None
    assert dict(result.other_endings) == {"pregnancy_leave": 1}
    # VP: 4 + 10 sick days over 30 -> 46.67 %; with the 16 leave days 100 %
    assert result.rounded()["vp"] == 46.67
    assert result.rounded()["vp_with_leave"] == 100.0


def test_open_period_classed_at_the_end_of_p():
    staff = [employment(1)]
    periods = [sick(1, D(2025, 10, 1))]
    # Q1 2026: 1 Oct 2025 - 31 Mar 2026 = 182 days -> lang
    q1 = compute(staff, periods, D(2026, 1, 1), D(2026, 3, 31))
    assert q1.duration_classes["lang"] == 1
    # October 2025: 31 days -> middellang
    october = compute(staff, periods, D(2025, 10, 1), D(2025, 10, 31))
    assert october.duration_classes["middellang"] == 1
    # A period that recovers after P is classed as it stood at the end of P.
    later = [sick(1, D(2025, 10, 1), D(2026, 6, 1))]
    assert compute(staff, later, D(2026, 1, 1), D(2026, 3, 31)).duration_classes["lang"] == 1


def test_duration_class_limits_and_cap():
    assert [duration_class(n) for n in (1, 14, 15, 91, 92, 365, 366, 730, 2000)] == [
        "kort",
        "kort",
        "middellang",
        "middellang",
        "lang",
        "lang",
        "extra_lang",
        "extra_lang",
        "extra_lang",
    ]


def test_gvd_counts_days_before_p_and_partial_days_whole():
    staff = [employment(1, 20), employment(2, 40)]
    periods = [
        # 20 Jan - 9 Feb (end 10 Feb) = 21 days, half of it partial
        sick(1, D(2026, 1, 20), D(2026, 2, 10), recoveries=[(D(2026, 2, 1), 50.0, False)]),
        # 2 - 4 Feb = 3 days
        sick(2, D(2026, 2, 2), D(2026, 2, 5)),
    ]
    result = compute(staff, periods, D(2026, 2, 1), D(2026, 2, 28))
    # (21 + 3) / 2 = 12
    assert result.rounded()["gvd"] == 12.0


def test_gvd_null_when_nothing_recovered():
    staff, _ = worked_example()
    assert compute(staff, [sick(1, D(2026, 6, 1))], *JUNE).rounded()["gvd"] is None


def test_person_joining_mid_period():
    staff = [employment(1, 40), employment(2, 40, start=D(2026, 6, 16))]
    periods = [sick(2, D(2026, 6, 16), D(2026, 6, 21))]
    result = compute(staff, periods, *JUNE)
    body = result.rounded()
    # denominator 30 + 15 = 45; numerator 5 -> 11.11 %
    assert body["vp"] == 11.11
    # headcount (30 + 15) / 30 = 1.5; 1 / 1.5 x 365 / 30 = 8.111
    assert body["mf"] == 8.11
    assert body["population"] == {"persons": 2, "employment_days": 45}
    assert result.headcount == 1.5


def test_person_leaving_mid_period_counts_only_employment_days():
    staff = [employment(1, 40, end=D(2026, 6, 10)), employment(2, 40)]
    periods = [sick(1, D(2026, 6, 1))]  # open, but the employment ends on 10 June
    body = compute(staff, periods, *JUNE).rounded()
    # numerator 10; denominator 10 + 30 -> 25 %
    assert body["vp"] == 25.0


def test_two_employments_of_one_person_count_one_head():
    staff = [employment(1, 20, person=7), employment(2, 20, person=7)]
    result = compute(staff, [], *JUNE)
    assert result.persons == 1
    assert result.person_days == 30
    assert result.employment_days == 60


def test_department_subtree_and_move_between_departments():
    # Employee 1 works in A (000001.000002.) until 15 June, then in B (000001.000003.).
    moved = employment(
        1, terms=[(D(2020, 1, 1), 40, "000001.000002."), (D(2026, 6, 16), 40, "000001.000003.")]
    )
    stay = employment(2, group="000001.000002.000004.")
    periods = [sick(1, D(2026, 6, 11), D(2026, 6, 21))]  # 11-20 June: 5 days in A, 5 in B
    in_a = compute([moved, stay], periods, *JUNE, within="000001.000002.")
    # A's subtree: employee 1 for 15 days, employee 2 (below A) for 30: 5 / 45 = 11.11 %
    assert in_a.rounded()["vp"] == 11.11
    assert in_a.reports == 1  # reported while in A
    assert in_a.recovered == 0  # recovered while in B
    in_b = compute([moved, stay], periods, *JUNE, within="000001.000003.")
    assert in_b.rounded()["vp"] == round2(5 / 15 * 100)
    assert in_b.recovered == 1 and in_b.reports == 0


def test_preventive_case_is_never_absence():
    staff = [employment(1)]
    preventive = Period.of_case(1, "preventive", D(2026, 6, 1), None)
    result = compute(staff, [preventive], *JUNE)
    assert result.vp_with_leave == 0.0 and result.reports == 0 and result.nulverzuim == 100.0


def test_periods_of_time():
    assert months(D(2026, 1, 15), D(2026, 3, 2)) == [
        (D(2026, 1, 15), D(2026, 1, 31)),
        (D(2026, 2, 1), D(2026, 2, 28)),
        (D(2026, 3, 1), D(2026, 3, 2)),
    ]
    assert quarter(D(2026, 5, 5)) == (D(2026, 4, 1), D(2026, 6, 30))
    assert len(trailing_months(D(2026, 12, 2))) == 24
    assert trailing_months(D(2026, 12, 2))[0] == (D(2025, 1, 1), D(2025, 1, 31))
    assert year_before(D(2028, 2, 29), D(2028, 12, 31)) == (D(2027, 2, 28), D(2027, 12, 31))


def test_mf_across_new_year_weighs_each_year():
    # P = 1 Dec 2027 - 31 Jan 2028: 31/365 + 31/366 of a year; 1 report, 1 person
    staff = [employment(1)]
    result = compute(
        staff, [sick(1, D(2027, 12, 5), D(2027, 12, 6))], D(2027, 12, 1), D(2028, 1, 31)
    )
    expected = 1 / (31 / 365 + 31 / 366)
    assert result.mf == pytest.approx(expected)


def test_rounding_is_half_up():
    assert round2(20.125) == 20.13
    assert round2(2.675) == 2.68
    assert round2(None) is None


def test_end_before_start_is_refused():
    with pytest.raises(ValueError):
        compute([], [], D(2026, 2, 1), D(2026, 1, 1))
