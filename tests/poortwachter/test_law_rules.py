"""Table tests of the rules as sharpened for issue 11 (items 2-7).

The rules: docs/rules/day-arithmetic.md, poortwachter.md and samentelling.md.

Every expected date is worked out by hand from the rule in the comment next to it (day
k = D1 + (k - 1); "end of week n" = the 7n-th sick day; the 42nd-week report is the first
working day on or after the 295th sick day), never taken from the engine. Most cases go
through the CLI (`hersteld poortwachter plan --json`), the contract of the law audit.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from hersteld.poortwachter import engine
from hersteld.poortwachter.workdays import (
    WorkingDays,
    builtin_decrees,
    statutory_holidays,
    usual_decree_days,
)

D = dt.date


def cli(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("poortwachter", "plan", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def milestones(body: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [m for m in body["milestones"] if m["code"] == code]


def one(body: dict[str, Any], code: str) -> dict[str, Any]:
    (found,) = milestones(body, code)
    return found


# --- docs/rules/day-arithmetic.md: lid 1-2 of the Algemene termijnenwet, per year ------------------------
# year: Goede Vrijdag, tweede Paasdag, Koninginnedag/Koningsdag, Hemelvaartsdag, tweede
# Pinksterdag (Easter Sunday - 2, + 1, + 39, + 50). Nieuwjaarsdag, 5 mei and both
# Christmas days are the same every year. Koninginnedag 30 April up to 2013 (29 April when
# the 30th is a Sunday: not in these years); Koningsdag 27 April from 2014, 26 April when
# the 27th is a Sunday (2014, 2025).
LID_1 = {
    2010: ("04-02", "04-05", "04-30", "05-13", "05-24"),  # Easter 4 April
    2011: ("04-22", "04-25", "04-30", "06-02", "06-13"),  # Easter 24 April
    2012: ("04-06", "04-09", "04-30", "05-17", "05-28"),  # Easter 8 April
    2013: ("03-29", "04-01", "04-30", "05-09", "05-20"),  # Easter 31 March
    2014: ("04-18", "04-21", "04-26", "05-29", "06-09"),  # Easter 20 April; 27/4 a Sunday
    2015: ("04-03", "04-06", "04-27", "05-14", "05-25"),  # Easter 5 April
    2016: ("03-25", "03-28", "04-27", "05-05", "05-16"),  # Easter 27 March; Hemelvaart = 5 mei
    2017: ("04-14", "04-17", "04-27", "05-25", "06-05"),  # Easter 16 April
    2018: ("03-30", "04-02", "04-27", "05-10", "05-21"),  # Easter 1 April
    2019: ("04-19", "04-22", "04-27", "05-30", "06-10"),  # Easter 21 April
    2020: ("04-10", "04-13", "04-27", "05-21", "06-01"),  # Easter 12 April
    2021: ("04-02", "04-05", "04-27", "05-13", "05-24"),  # Easter 4 April
    2022: ("04-15", "04-18", "04-27", "05-26", "06-06"),  # Easter 17 April
    2023: ("04-07", "04-10", "04-27", "05-18", "05-29"),  # Easter 9 April
    2024: ("03-29", "04-01", "04-27", "05-09", "05-20"),  # Easter 31 March
    2025: ("04-18", "04-21", "04-26", "05-29", "06-09"),  # Easter 20 April; 27/4 a Sunday
    2026: ("04-03", "04-06", "04-27", "05-14", "05-25"),  # Easter 5 April
    2027: ("03-26", "03-29", "04-27", "05-06", "05-17"),  # Easter 28 March
    2028: ("04-14", "04-17", "04-27", "05-25", "06-05"),  # Easter 16 April
    2029: ("03-30", "04-02", "04-27", "05-10", "05-21"),  # Easter 1 April
    2030: ("04-19", "04-22", "04-27", "05-30", "06-10"),  # Easter 21 April
}


@pytest.mark.parametrize("year", sorted(LID_1))
def test_rules_1_the_holidays_of_atw_lid_1_per_year(year: int) -> None:
    """docs/rules/day-arithmetic.md: the set is derived from the rule, pinned per year (no library names)."""
    fixed = ("01-01", "05-05", "12-25", "12-26")
    expected = {D.fromisoformat(f"{year}-{md}") for md in (*fixed, *LID_1[year])}
    assert statutory_holidays(year) == expected


def test_rules_1_the_built_in_decrees() -> None:
    """docs/rules/day-arithmetic.md: the known decrees of Atw art. 3 lid 3 ship as data."""
    assert builtin_decrees() == {
        D(2023, 4, 28),
        D(2023, 5, 19),
        D(2024, 5, 10),
        D(2024, 12, 27),
        D(2025, 5, 30),
        D(2026, 1, 2),
        D(2026, 5, 15),
        D(2027, 5, 7),
        D(2028, 4, 28),
        D(2028, 5, 26),
    }


# docs/rules/day-arithmetic.md, the usual pattern for years after the latest decree (2028), by hand:
# 2029: 1 Jan Monday, Koningsdag Friday 27/4, 5 mei Saturday, Hemelvaart Thursday 10/5
#   (-> Friday 11/5), eerste Kerstdag Tuesday 25/12 (-> Monday 24/12), and Nieuwjaarsdag
#   2030 a Tuesday (-> Monday 31/12/2029).
# 2030: Koningsdag Saturday, 5 mei Sunday, Hemelvaart Thursday 30/5 (-> Friday 31/5),
#   tweede Kerstdag Thursday 26/12 (-> Friday 27/12); Nieuwjaarsdag 2031 a Wednesday.
@pytest.mark.parametrize(
    ("year", "days"),
    [
        (2029, {D(2029, 5, 11), D(2029, 12, 24), D(2029, 12, 31)}),
        (2030, {D(2030, 5, 31), D(2030, 12, 27)}),
        # 2026 (a decree year): Nieuwjaarsdag Thursday -> Friday 2/1, Hemelvaart 14/5 ->
        # 15/5, 5 mei Tuesday -> Monday 4/5 (the pattern; the 2026 decree did not take it).
        (2026, {D(2026, 1, 2), D(2026, 5, 15), D(2026, 5, 4)}),
    ],
)
def test_rules_1_the_usual_pattern_of_the_decrees(year: int, days: set[dt.date]) -> None:
    assert usual_decree_days(year) == days


@pytest.mark.parametrize(
    ("d1", "report", "moved_from"),
    [
        # docs/rules/day-arithmetic.md (issue 11 item 2): day 295 = D1 + 294 = Hemelvaart Thu 2026-05-14;
        # Fri 15/5 is a decree day, then the weekend: Monday 2026-05-18.
        ("2025-07-24", "2026-05-18", "2026-05-14"),
        # day 295 = Wed 2027-05-05 (5 mei), Thu 6/5 Hemelvaart, Fri 7/5 decree: Mon 10/5.
        ("2026-07-15", "2027-05-10", "2027-05-05"),
        # day 295 = Thu 2026-01-01, Fri 2/1 decree, weekend: Monday 2026-01-05.
        ("2025-03-13", "2026-01-05", "2026-01-01"),
        # item 3: day 295 = Tue 2013-04-30, Koninginnedag: Wednesday 2013-05-01.
        ("2012-07-10", "2013-05-01", "2013-04-30"),
        # A decree day itself is the 295th day: D1 Fri 2024-08-09 + 42 weeks = Fri
        # 2025-05-30 (decree, the Friday after Hemelvaart), weekend: Monday 2025-06-02.
        ("2024-08-09", "2025-06-02", "2025-05-30"),
        # Koningsdag on 26 April because the 27th is a Sunday: D1 Sat 2024-06-29 + 294 =
        # Sat 2025-04-19 -> Sun, Mon 21/4 tweede Paasdag -> Tuesday 2025-04-22. And
        # D1 Sat 2024-07-06 + 294 = Sat 2025-04-26 (Koningsdag) -> Monday 2025-04-28.
        ("2024-06-29", "2025-04-22", "2025-04-19"),
        ("2024-07-06", "2025-04-28", "2025-04-26"),
    ],
)
def test_rules_1_the_42nd_week_report_skips_holidays_and_decree_days(
    d1: str, report: str, moved_from: str
) -> None:
    body = cli("--period", f"{d1}:", "--as-of", d1)
    found = one(body, "MELDING_42_WEKEN")
    assert found["due"] == report
    assert found["why"].endswith(f"moved from {moved_from} (weekend or holiday)")
    assert found["provisional"] is False


def test_rules_1_a_report_over_a_provisional_day_is_provisional() -> None:
    """docs/rules/day-arithmetic.md: after the latest decree (2028) the pattern applies, marked provisional.

    D1 Thu 2029-08-09 + 294 = Thu 2030-05-30 (Hemelvaart); Fri 31/5 by the pattern only,
    weekend: Monday 2030-06-03, provisional.
    """
    body = cli("--period", "2029-08-09:", "--as-of", "2029-08-09")
    report = one(body, "MELDING_42_WEKEN")
    assert (report["due"], report["provisional"]) == ("2030-06-03", True)
    others = [m for m in body["milestones"] if m["code"] != "MELDING_42_WEKEN"]
    assert not any(m["provisional"] for m in others), "only a date that moved over such a day"


def test_rules_1_provisional_monday_before_new_year() -> None:
    """D1 Mon 2029-03-12 + 294 = Mon 2029-12-31: the pattern's Monday before Nieuwjaarsdag
    (Tue 2030-01-01): Wednesday 2030-01-02, provisional."""
    report = one(cli("--period", "2029-03-12:", "--as-of", "2029-03-12"), "MELDING_42_WEKEN")
    assert (report["due"], report["provisional"]) == ("2030-01-02", True)


def test_rules_1_a_report_not_touching_a_provisional_day_is_final() -> None:
    """D1 Mon 2029-04-02 + 294 = Mon 2030-01-21, a working day: not provisional."""
    report = one(cli("--period", "2029-04-02:", "--as-of", "2029-04-02"), "MELDING_42_WEKEN")
    assert (report["due"], report["provisional"]) == ("2030-01-21", False)


def test_rules_1_a_new_decree_from_the_operator_replaces_the_pattern() -> None:
    """The engine takes the decree set: a 2030 decree makes 2030 a decree year.

    With 31/5/2030 decreed the report stays Monday 2030-06-03, now final; with only
    27/12/2030 decreed, Friday 2030-05-31 is a working day and the report is due then.
    """

    def report(decrees: frozenset[dt.date]) -> engine.Milestone:
        result = engine.plan([engine.Period(D(2029, 8, 9))], as_of=D(2029, 8, 9), decrees=decrees)
        return next(m for m in result.milestones if m.code == "MELDING_42_WEKEN")

    with_friday = report(builtin_decrees() | {D(2030, 5, 31)})
    assert (with_friday.due, with_friday.provisional) == (D(2030, 6, 3), False)
    other_day = report(builtin_decrees() | {D(2030, 12, 27)})
    assert (other_day.due, other_day.provisional) == (D(2030, 5, 31), False)


def test_rules_1_working_days_with_a_given_decree_set() -> None:
    days = WorkingDays({D(2028, 5, 26)})
    assert not days.is_working_day(D(2028, 5, 26))  # decree
    assert days.is_working_day(D(2028, 4, 28))  # not in this set, and 2028 is covered
    assert not days.is_working_day(D(2029, 5, 11))  # the pattern, provisionally
    assert days.provisional_day(D(2029, 5, 11)) and not days.provisional_day(D(2028, 5, 26))


# --- docs/rules/poortwachter.md: the plan van aanpak ---------------------------------------------------


def test_rules_2_plan_van_aanpak_across_a_bridging_leave_is_week_8() -> None:
    """Issue 11 item 4. Sick 2026-01-05 up to 2026-02-16 (42 sick days: 27 in January, 15
    in February), pregnancy leave from 2026-02-16 to 2026-06-08 with the same cause, sick
    again from 2026-06-08. The leave joins both periods directly, so they chain; gap days
    Feb 16 .. Jun 7 = 13 + 31 + 30 + 31 + 7 = 112. Probleemanalyse (day 42) 2026-02-15;
    plan van aanpak while it is not made: day 56 = the 14th day of period 2 = 2026-06-21
    (not 15/2 + 14 = 1/3, a day of leave)."""
    body = cli(
        "--period",
        "2026-01-05:2026-02-16",
        "--leave",
        "2026-02-16:2026-06-08",
        "--period",
        "2026-06-08:",
        "--as-of",
        "2026-06-10",
    )
    assert (body["first_day"], body["gap_days"], body["chained"]) == ("2026-01-05", 112, True)
    assert one(body, "PROBLEEMANALYSE")["due"] == "2026-02-15"
    assert one(body, "PLAN_VAN_AANPAK")["due"] == "2026-06-21"


@pytest.mark.parametrize(
    ("done", "due"),
    [
        # Sick 2026-01-05 up to 2026-02-17 (43 sick days), again from 2026-03-10 (gap 21).
        # Not made: day 56 = the 13th day of period 2 = 2026-03-22 (not 15/2 + 14 = 1/3).
        ((), "2026-03-22"),
        # Made 2026-02-10: 14 calendar days later, 2026-02-24, before week 8.
        (("--done", "PROBLEEMANALYSE=2026-02-10"), "2026-02-24"),
        # Made 2026-03-15: 29/3 would be after week 8 (22/3): week 8.
        (("--done", "PROBLEEMANALYSE=2026-03-15"), "2026-03-22"),
    ],
)
def test_rules_2_plan_van_aanpak_in_a_chain_with_a_gap(done: tuple[str, ...], due: str) -> None:
    body = cli(
        "--period",
        "2026-01-05:2026-02-17",
        "--period",
        "2026-03-10:",
        "--as-of",
        "2026-03-12",
        *done,
    )
    assert body["gap_days"] == 21
    assert one(body, "PLAN_VAN_AANPAK")["due"] == due


# --- docs/rules/samentelling.md: reached milestones stay after a full recovery --------------------------


def test_rules_3_a_reached_plan_van_aanpak_does_not_lapse() -> None:
    """Issue 11 item 5: probleemanalyse made 2025-01-26, so the plan van aanpak is due
    2025-02-09, a sick day (the last is 2025-02-24); week 8 (2025-03-02) is never reached."""
    body = cli(
        "--period",
        "2025-01-06:2025-02-25",
        "--done",
        "PROBLEEMANALYSE=2025-01-26",
        "--as-of",
        "2025-03-01",
    )
    found = one(body, "PLAN_VAN_AANPAK")
    assert (found["due"], found["status"]) == ("2025-02-09", "overdue")


def test_rules_3_a_plan_van_aanpak_due_after_the_recovery_lapses() -> None:
    """Made 2025-01-26 + 14 = 2025-02-09, but the last sick day is 2025-02-04: not reached."""
    body = cli(
        "--period",
        "2025-01-06:2025-02-05",
        "--done",
        "PROBLEEMANALYSE=2025-01-26",
        "--as-of",
        "2025-03-01",
    )
    found = one(body, "PLAN_VAN_AANPAK")
    assert (found["due"], found["status"]) == (None, "lapsed")


def test_rules_3_evaluations_that_fell_due_while_sick_stay() -> None:
    """Issue 11 item 6: plan van aanpak due at week 8 = 2025-01-06 + 55 = 2025-03-02;
    evaluations at + 42 = 2025-04-13 (done 2025-04-10) and + 84 = 2025-05-25 (overdue);
    + 126 = 2025-07-06 lies after the last sick day (2025-05-31)."""
    body = cli(
        "--period",
        "2025-01-06:2025-06-01",
        "--done",
        "EVALUATIE=2025-04-10",
        "--as-of",
        "2025-06-15",
    )
    found = [(m["due"], m["status"], m["done"]) for m in milestones(body, "EVALUATIE")]
    assert found == [("2025-04-13", "done", "2025-04-10"), ("2025-05-25", "overdue", None)]


@pytest.mark.parametrize(
    ("recovered", "count"),
    [
        ("2025-05-26", 2),  # last sick day 2025-05-25: the second evaluation is reached
        ("2025-05-25", 1),  # recovered on its due date: last sick day 24/5, not reached
    ],
)
def test_rules_3_an_evaluation_on_the_last_sick_day_is_reached(recovered: str, count: int) -> None:
    body = cli("--period", f"2025-01-06:{recovered}", "--as-of", "2025-06-15")
    assert len(milestones(body, "EVALUATIE")) == count


# --- docs/rules/samentelling.md: a leave bridges only periods it joins directly -------------------------


def test_rules_3_a_leave_a_month_after_the_sickness_bridges_nothing() -> None:
    """Issue 11 item 7: sick 2026-01-05 up to 2026-02-01, leave 2026-03-01 .. 2026-06-13
    (first day after it 2026-06-14), sick again 41 days after it, 2026-07-25. The leave does
    not touch the first period: 28-day test over the whole interruption (2026-02-01 ..
    2026-07-25, far over 28 days): a new D1."""
    body = cli(
        "--period",
        "2026-01-05:2026-02-01",
        "--leave",
        "2026-03-01:2026-06-14",
        "--period",
        "2026-07-25:",
        "--as-of",
        "2026-07-27",
    )
    assert (body["first_day"], body["chained"], body["gap_days"]) == ("2026-07-25", False, 0)
    assert any("does not directly join" in note for note in body["notes"])


@pytest.mark.parametrize(
    ("recovered", "leave", "restart", "first_day", "gap_days"),
    [
        # The leave starts 4 days after the recovery, the interruption 1/3 .. 28/3 is 27
        # days: chained by the 28-day test, the leave days count as gap days.
        ("2026-03-01", "2026-03-05:2026-03-20", "2026-03-28", "2026-01-05", 27),
        # The same with 28 days (restart 29/3): a new D1.
        ("2026-03-01", "2026-03-05:2026-03-20", "2026-03-29", "2026-03-29", 0),
        # The leave starts at the recovery but sickness resumes a day after it ends: it
        # touches only one period; 16/2 .. 9/6 = 113 days: a new D1.
        ("2026-02-16", "2026-02-16:2026-06-08", "2026-06-09", "2026-06-09", 0),
        # The sickness ended a day before the leave started: a new D1.
        ("2026-02-15", "2026-02-16:2026-06-08", "2026-06-08", "2026-06-08", 0),
        # Directly on both sides: chained across the leave, 16/2 .. 8/6 = 112 gap days.
        ("2026-02-16", "2026-02-16:2026-06-08", "2026-06-08", "2026-01-05", 112),
    ],
)
def test_rules_3_the_28_day_test_across_a_leave(
    recovered: str, leave: str, restart: str, first_day: str, gap_days: int
) -> None:
    body = cli(
        "--period",
        f"2026-01-05:{recovered}",
        "--leave",
        leave,
        "--period",
        f"{restart}:",
        "--as-of",
        "2026-06-10",
    )
    assert (body["first_day"], body["gap_days"]) == (first_day, gap_days)


@pytest.mark.parametrize(
    ("recovered", "due", "status"),
    [
        # D1 Sat 2025-01-04: day 295 = Sat 2025-10-25; the first working day on or after it
        # is Monday 2025-10-27. Recovered on that Monday (last sick day Sunday 26/10): the
        # report's due date lies after the last sick day, so it is not reached and lapses.
        ("2025-10-27", None, "lapsed"),
        # Recovered on Tuesday 28/10: the last sick day is Monday 27/10, the report's due
        # date: reached, and overdue as of 2025-11-01.
        ("2025-10-28", "2025-10-27", "overdue"),
    ],
)
def test_rules_3_a_42nd_week_report_after_the_last_sick_day_is_not_reached(
    recovered: str, due: str | None, status: str
) -> None:
    body = cli("--period", f"2025-01-04:{recovered}", "--as-of", "2025-11-01")
    report = one(body, "MELDING_42_WEKEN")
    assert (report["due"], report["status"]) == (due, status)
