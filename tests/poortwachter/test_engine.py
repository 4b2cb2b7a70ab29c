"""The Poortwachter engine, table tests and then properties.

The rules: docs/rules/day-arithmetic.md, poortwachter.md and samentelling.md.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hersteld.poortwachter.engine import Leave, Period, PlanError, Settings, chains, plan
from hersteld.poortwachter.workdays import first_working_day_on_or_after, is_working_day

D = dt.date
AS_OF = D(2026, 11, 23)


def due(result, code: str) -> dt.date | None:
    return next(m.due for m in result.milestones if m.code == code)


def milestone(result, code: str):
    return next(m for m in result.milestones if m.code == code)


# docs/rules/day-arithmetic.md and poortwachter.md: one open period, "by the end of week n" = D1 + 7n - 1.
SINGLE = [
    ("ZIEKMELDING_ARBODIENST", 6),
    ("PROBLEEMANALYSE", 41),
    ("PLAN_VAN_AANPAK", 55),
    ("EERSTEJAARSEVALUATIE", 363),
    ("WIA_BRIEF_UWV", 609),
    ("ACTUEEL_OORDEEL", 636),
    ("EINDEVALUATIE", 636),
    ("RIV_AFSCHRIFT", 636),
    ("WIA_AANVRAAG", 650),
    ("EINDE_WACHTTIJD", 727),
]


@pytest.mark.parametrize(("code", "offset"), SINGLE)
def test_rules_2_single_open_period_due_dates(code: str, offset: int) -> None:
    d1 = D(2026, 1, 5)
    result = plan([Period(d1)], as_of=AS_OF)
    assert due(result, code) == d1 + dt.timedelta(days=offset)


@pytest.mark.parametrize(
    ("code", "window_offset"),
    [
        ("EERSTEJAARSEVALUATIE", 315),
        ("ACTUEEL_OORDEEL", 602),
        ("EINDEVALUATIE", 602),
    ],
)
def test_rules_2_windows_open_at_their_first_week(code: str, window_offset: int) -> None:
    d1 = D(2026, 1, 5)
    assert milestone(plan([Period(d1)], as_of=AS_OF), code).window_start == d1 + dt.timedelta(
        days=window_offset
    )


@pytest.mark.parametrize(
    ("d1", "expected"),
    [
        (D(2026, 1, 5), D(2026, 10, 26)),  # D1+294 is a Monday
        (D(2026, 1, 3), D(2026, 10, 26)),  # D1+294 is Saturday 24 Oct -> Monday
        (D(2025, 3, 16), D(2026, 1, 5)),  # D1+294 is Sunday 4 Jan 2026 -> Monday 5 Jan
        (D(2025, 3, 6), D(2025, 12, 29)),  # D1+294 is Thursday 25 Dec -> after Kerst, Monday 29 Dec
        (D(2025, 7, 15), D(2026, 5, 6)),  # D1+294 is 5 May (Algemene termijnenwet) -> 6 May
    ],
)
def test_rules_2_melding_42_weken_moves_to_the_next_working_day(
    d1: dt.date, expected: dt.date
) -> None:
    assert due(plan([Period(d1)], as_of=AS_OF), "MELDING_42_WEKEN") == expected


def test_rules_1_working_days_follow_the_algemene_termijnenwet() -> None:
    for holiday in (
        D(2026, 1, 1),
        D(2026, 4, 3),
        D(2026, 4, 6),
        D(2026, 4, 27),
        D(2026, 5, 5),
        D(2026, 5, 14),
        D(2026, 5, 25),
        D(2026, 12, 25),
        D(2026, 12, 26),
    ):
        assert not is_working_day(holiday), holiday
    assert first_working_day_on_or_after(D(2026, 12, 24)) == D(2026, 12, 24)


def test_rules_2_plan_van_aanpak_is_14_days_after_an_early_probleemanalyse() -> None:
    d1 = D(2026, 1, 5)
    result = plan([Period(d1)], done={"PROBLEEMANALYSE": D(2026, 1, 26)}, as_of=AS_OF)
    assert due(result, "PLAN_VAN_AANPAK") == D(2026, 2, 9)
    assert milestone(result, "PROBLEEMANALYSE").status == "done"


def test_rules_2_plan_van_aanpak_never_later_than_week_8() -> None:
    d1 = D(2026, 1, 5)
    result = plan([Period(d1)], done={"PROBLEEMANALYSE": D(2026, 2, 25)}, as_of=AS_OF)
    assert due(result, "PLAN_VAN_AANPAK") == d1 + dt.timedelta(days=55)


def test_rules_2_evaluations_every_42_days_after_the_actual_plan_until_week_104() -> None:
    d1 = D(2026, 1, 5)
    result = plan([Period(d1)], done={"PLAN_VAN_AANPAK": D(2026, 2, 20)}, as_of=AS_OF)
    evaluations = [m.due for m in result.milestones if m.code == "EVALUATIE"]
    assert evaluations[0] == D(2026, 2, 20) + dt.timedelta(days=42)
    assert all(b - a == dt.timedelta(days=42) for a, b in itertools.pairwise(evaluations))
    assert (
        evaluations[-1] < due(result, "EINDE_WACHTTIJD") <= evaluations[-1] + dt.timedelta(days=42)
    )


def test_rules_2_status_done_open_overdue() -> None:
    d1 = D(2026, 1, 5)
    result = plan(
        [Period(d1)], done={"ZIEKMELDING_ARBODIENST": D(2026, 1, 6)}, as_of=D(2026, 2, 16)
    )
    assert milestone(result, "ZIEKMELDING_ARBODIENST").status == "done"
    assert milestone(result, "PROBLEEMANALYSE").status == "overdue"  # due 15 Feb
    assert milestone(result, "PLAN_VAN_AANPAK").status == "open"


def test_rules_2_loonsanctie_moves_the_end_of_the_waiting_period() -> None:
    d1 = D(2026, 1, 5)
    result = plan([Period(d1)], sanction_until=D(2028, 6, 30), as_of=AS_OF)
    assert due(result, "EINDE_WACHTTIJD") == D(2028, 6, 30)
    evaluations = [m.due for m in result.milestones if m.code == "EVALUATIE"]
    assert evaluations[-1] > d1 + dt.timedelta(days=727)


def test_rules_2_loonsanctie_is_at_most_52_weeks() -> None:
    with pytest.raises(PlanError):
        plan([Period(D(2026, 1, 5))], sanction_until=D(2030, 1, 1), as_of=AS_OF)


# docs/rules/samentelling.md: samentelling.
def test_rules_3_gap_of_27_days_chains_and_shifts_later_deadlines() -> None:
    periods = [Period(D(2026, 1, 5), D(2026, 1, 15)), Period(D(2026, 2, 11))]  # gap 27
    result = plan(periods, as_of=AS_OF)
    assert result.chained and result.gap_days == 27 and result.first_day == D(2026, 1, 5)
    assert due(result, "ZIEKMELDING_ARBODIENST") == D(2026, 1, 11)  # reached before the gap
    assert due(result, "PROBLEEMANALYSE") == D(2026, 1, 5) + dt.timedelta(days=41 + 27)


def test_rules_3_gap_of_28_days_starts_a_new_d1() -> None:
    periods = [Period(D(2026, 1, 5), D(2026, 1, 15)), Period(D(2026, 2, 12))]  # gap 28
    result = plan(periods, as_of=AS_OF)
    assert not result.chained and result.first_day == D(2026, 2, 12) and result.gap_days == 0
    assert result.notes


@pytest.mark.parametrize("gaps", [[3], [10, 20], [1, 2, 3, 4]])
def test_rules_3_chains_of_2_3_and_5_periods_add_their_gaps(gaps: list[int]) -> None:
    start = D(2026, 1, 5)
    periods = []
    for gap in gaps:
        periods.append(Period(start, start + dt.timedelta(days=5)))
        start = start + dt.timedelta(days=5 + gap)
    periods.append(Period(start))
    result = plan(periods, as_of=AS_OF)
    assert result.gap_days == sum(gaps)
    assert due(result, "EINDE_WACHTTIJD") == D(2026, 1, 5) + dt.timedelta(days=727 + sum(gaps))


def test_rules_3_pregnancy_leave_between_periods_with_the_same_cause_chains_as_a_gap() -> None:
    periods = [Period(D(2026, 1, 5), D(2026, 3, 2)), Period(D(2026, 6, 22))]  # leave 16 weeks
    leave = Leave(D(2026, 3, 2), D(2026, 6, 22))
    with_leave = plan(periods, leaves=[leave], as_of=AS_OF)
    assert with_leave.chained and with_leave.gap_days == 112
    assert due(with_leave, "EINDE_WACHTTIJD") == D(2026, 1, 5) + dt.timedelta(days=727 + 112)
    without = plan(periods, as_of=AS_OF)
    assert not without.chained and without.first_day == D(2026, 6, 22)


def test_rules_3_milestones_lapse_when_the_chain_ended_in_full_recovery() -> None:
    result = plan([Period(D(2026, 1, 5), D(2026, 2, 1))], as_of=AS_OF)
    assert due(result, "ZIEKMELDING_ARBODIENST") == D(2026, 1, 11)
    assert milestone(result, "PROBLEEMANALYSE").status == "lapsed"
    assert due(result, "PROBLEEMANALYSE") is None
    assert not [m for m in result.milestones if m.code == "EVALUATIE"]


def test_rules_3_done_in_an_earlier_period_stays_done() -> None:
    periods = [Period(D(2026, 1, 5), D(2026, 3, 1)), Period(D(2026, 3, 10))]
    result = plan(periods, done={"PROBLEEMANALYSE": D(2026, 2, 10)}, as_of=AS_OF)
    assert milestone(result, "PROBLEEMANALYSE").status == "done"


def test_overlapping_periods_are_refused() -> None:
    with pytest.raises(PlanError):
        chains([Period(D(2026, 1, 5), D(2026, 2, 1)), Period(D(2026, 1, 20))])
    with pytest.raises(PlanError):
        Period(D(2026, 1, 5), D(2026, 1, 5))


def test_settings_change_the_interval_and_letter_week() -> None:
    result = plan(
        [Period(D(2026, 1, 5))],
        as_of=AS_OF,
        settings=Settings(evaluation_interval_days=56, wia_letter_week=89),
    )
    assert due(result, "WIA_BRIEF_UWV") == D(2026, 1, 5) + dt.timedelta(days=616)
    evaluations = [m.due for m in result.milestones if m.code == "EVALUATIE"]
    assert evaluations[1] - evaluations[0] == dt.timedelta(days=56)


# Properties (hypothesis).
dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 1, 1))


@st.composite
def period_lists(draw: st.DrawFn) -> list[Period]:
    start = draw(dates)
    periods = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        length = draw(st.integers(min_value=1, max_value=200))
        gap = draw(st.integers(min_value=1, max_value=60))
        periods.append(Period(start, start + dt.timedelta(days=length)))
        start = start + dt.timedelta(days=length + gap)
    periods.append(Period(start))
    return periods


@settings(max_examples=150, deadline=None)
@given(period_lists(), st.randoms())
def test_the_order_of_the_input_periods_does_not_matter(periods: list[Period], rnd) -> None:
    shuffled = list(periods)
    rnd.shuffle(shuffled)
    assert plan(periods, as_of=AS_OF) == plan(shuffled, as_of=AS_OF)


@settings(max_examples=150, deadline=None)
@given(period_lists())
def test_every_due_date_lies_on_or_after_d1(periods: list[Period]) -> None:
    result = plan(periods, as_of=AS_OF)
    assert all(m.due >= result.first_day for m in result.milestones if m.due is not None)


@settings(max_examples=150, deadline=None)
@given(
    period_lists(), st.integers(min_value=1, max_value=27), st.integers(min_value=1, max_value=100)
)
def test_a_later_period_never_moves_a_deadline_earlier(
    periods: list[Period], gap: int, length: int
) -> None:
    """Closing the open period and chaining a new one keeps or postpones every dated deadline."""
    last = periods[-1]
    before = plan(periods, as_of=AS_OF)
    closed = Period(last.start, last.start + dt.timedelta(days=length))
    after = plan(
        [*periods[:-1], closed, Period(closed.recovered + dt.timedelta(days=gap))], as_of=AS_OF
    )
    fixed = {m.code: m.due for m in before.milestones if m.code != "EVALUATIE" and m.due}
    later = {m.code: m.due for m in after.milestones if m.code != "EVALUATIE" and m.due}
    assert after.first_day == before.first_day
    for code, day in fixed.items():
        assert later[code] >= day, code


@pytest.mark.parametrize("as_list", [False, True])
def test_evaluations_count_from_the_actual_plan_van_aanpak(as_list) -> None:
    """docs/rules/poortwachter.md: every 42 days after the plan van aanpak (actual date, else its due date);
    done dates may come as one date or as a list (CLI --done, the product's to-dos)."""
    d1 = dt.date(2026, 1, 5)
    made = dt.date(2026, 2, 20)
    result = plan(
        [Period(d1)],
        done={"PLAN_VAN_AANPAK": [made] if as_list else made},
        as_of=dt.date(2026, 3, 1),
    )
    evaluations = [m for m in result.milestones if m.code == "EVALUATIE"]
    assert evaluations[0].due == made + dt.timedelta(days=42)
    assert "made 2026-02-20" in evaluations[0].why
