"""The Todo-tijdlijn (P10): `timeline.build` on real chains, and the dossier tab.

The rules: docs/rules/day-arithmetic.md, poortwachter.md and samentelling.md.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hersteld.absence import services as absence
from hersteld.absence.models import AbsenceCase, CaseKind
from hersteld.poortwachter import services, timeline
from hersteld.poortwachter.models import Todo
from hersteld.poortwachter.workdays import first_working_day_on_or_after
from tests.support.absence import days_ago

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def sick(actor, employment, first_day, **data):
    return absence.add_case(
        actor=actor,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": first_day, **data},
    )


def dot(line: timeline.Timeline, code: str, number: int = 1) -> timeline.Entry:
    return next(d for d in line.dots if d.code == code and d.number == number)


def tick(line: timeline.Timeline, week: int) -> timeline.Tick:
    return next(t for t in line.ticks if t.week == week)


def employee_user_case(world) -> AbsenceCase:
    """The employee's long open sickness case (300 days old)."""
    return world.long_case()


# --- build() --------------------------------------------------------------------------


def test_one_open_period_weeks_are_d1_plus_7n_minus_1(world, today) -> None:
    """docs/rules/day-arithmetic.md and poortwachter.md: with one open period the end of week n is D1 + 7n - 1."""
    d1 = days_ago(30)
    case = sick(world.hr, world.hire(), d1)
    line = timeline.build(case)

    assert line.available and line.open and line.periods == 1 and line.gap_days == 0
    assert line.first_day == d1
    assert line.axis_end == d1 + 727 * DAY == line.waiting_period_end
    assert [t.week for t in line.ticks] == list(range(1, 105))
    assert all(tick(line, n).day == d1 + (7 * n - 1) * DAY for n in (1, 6, 8, 42, 52, 104))
    labelled = {label.text for label in line.labels if label.css == "tl-week"}
    assert {"1", "6", "8", "13", "26", "42", "52", "65", "78", "91", "104"} <= labelled

    report = dot(line, "MELDING_42_WEKEN")
    assert report.due == first_working_day_on_or_after(d1 + 294 * DAY)
    assert report.due == Todo.objects.get(case=case, code="MELDING_42_WEKEN").due
    assert report.week == 43, "the first working day after week 42 lies in week 43"
    assert report.status == "open" and report.party == "employer"
    assert tick(line, 42).x < report.x < tick(line, 44).x
    assert report.tip is not None and report.tip.lines[0].text == report.label
    assert report.x is not None and report.tip.x <= report.x <= report.tip.x + report.tip.width

    assert dot(line, "ZIEKMELDING_ARBODIENST").status == "done"
    assert dot(line, "PROBLEEMANALYSE").week == 6
    assert dot(line, "EINDE_WACHTTIJD").status == "info"
    # Today: day 31 of the absence, in week 5.
    assert line.week_now == 5
    assert line.today_x is not None and tick(line, 4).x < line.today_x < tick(line, 5).x
    assert any(label.css == "tl-today-label" for label in line.labels)
    kinds = [s.kind for s in line.segments]
    assert kinds == ["sick", "ahead"]
    assert line.segments[0].end == today + DAY
    assert line.dots, "nothing to check"
    assert all(0 <= d.x <= line.width for d in line.dots)  # type: ignore[operator]
    assert 0 < line.bar_y < line.height


def test_a_gap_moves_the_weeks_after_it_by_the_gap_days(world) -> None:
    """docs/rules/samentelling.md: weeks count sick days; a deadline before the gap stays, later ones move."""
    hr = world.hr
    employment = world.hire()
    d1 = days_ago(100)
    first = sick(hr, employment, d1)
    absence.add_recovery(
        actor=hr, case_id=first.pk, data={"date": d1 + 50 * DAY, "percentage": 100}
    )
    second = sick(hr, employment, d1 + 60 * DAY)  # 10 gap days
    assert second.chained_to_id == first.pk

    first.refresh_from_db()
    line = timeline.build(second)
    assert timeline.build(first).ticks == line.ticks, "every case of the chain shows one timeline"
    assert line.first_day == d1 and line.periods == 2 and line.gap_days == 10
    assert tick(line, 7).day == d1 + 48 * DAY, "week 7 ended before the gap"
    assert tick(line, 8).day == d1 + (55 + 10) * DAY
    assert tick(line, 42).day == d1 + (293 + 10) * DAY
    assert tick(line, 104).day == d1 + (727 + 10) * DAY == line.axis_end
    gap = next(s for s in line.segments if s.kind == "gap")
    assert (gap.start, gap.end) == (d1 + 50 * DAY, d1 + 60 * DAY)
    assert [s.kind for s in line.segments] == ["sick", "gap", "sick", "ahead"]
    report = dot(line, "MELDING_42_WEKEN")
    assert report.due == first_working_day_on_or_after(d1 + (294 + 10) * DAY)
    assert report.week == 43
    # Done in the first period stays done (the analysis of the first period).
    assert {d.code for d in line.dots if d.status == "done"} >= {"ZIEKMELDING_ARBODIENST"}


def test_a_closed_chain_keeps_its_ticks_and_lists_the_lapsed_steps(world) -> None:
    """docs/rules/samentelling.md: after full recovery later milestones lapse; they are only in the list."""
    hr = world.hr
    d1 = days_ago(60)
    case = sick(hr, world.hire(), d1)
    absence.add_recovery(actor=hr, case_id=case.pk, data={"date": days_ago(5), "percentage": 100})
    case.refresh_from_db()
    line = timeline.build(case)
    assert not line.open and line.week_now is None
    assert tick(line, 104).day == d1 + 727 * DAY, "counted on as if the period stayed open"
    assert line.waiting_period_end is None
    lapsed = [e for e in line.entries if e.status == "lapsed"]
    assert lapsed and not any(e.drawn for e in lapsed)
    assert "MELDING_42_WEKEN" in {e.code for e in lapsed}
    assert line.undrawn == len(lapsed)
    assert line.entries[-1].status == "lapsed", "steps without a date come last"
    assert [s.kind for s in line.segments] == ["sick"]


def test_a_wage_sanction_extends_the_axis_past_week_104(world) -> None:
    """docs/rules/poortwachter.md: a loonsanctie moves the end of the waiting period, at most 52 weeks."""
    employment = world.hire()
    d1 = days_ago(750)
    employment.start_date = d1 - dt.timedelta(days=365)
    employment.save()
    case = sick(world.hr, employment, d1)
    end = d1 + 727 * DAY
    until = end + 100 * DAY
    absence.correct_case(
        actor=world.casemanager,
        case_id=case.pk,
        data={"wage_sanction_until": until, "reason": "UWV-besluit"},
    )
    case.refresh_from_db()
    line = timeline.build(case)
    assert line.sanction_until == until == line.waiting_period_end == line.axis_end
    assert tick(line, 104).day == end
    assert line.ticks[-1].week == 118 and tick(line, 117).major
    assert line.sanction_x is not None and line.sanction_x > tick(line, 104).x
    band = next(s for s in line.segments if s.kind == "sanction")
    assert (band.start, band.end) == (end + DAY, until + DAY)
    labels = {label.text: label for label in line.labels}
    assert "104" in labels and "119" in labels, "the sanction end is labelled with its week"
    end_dot = dot(line, "EINDE_WACHTTIJD")
    assert end_dot.due == until and end_dot.x == max(d.x for d in line.dots)  # type: ignore[type-var]


def test_leave_days_between_chained_sickness_are_drawn_as_leave(world) -> None:
    """docs/rules/samentelling.md: sickness directly around a pregnancy leave is chained; the leave days move
    the deadlines like gap days."""
    hr = world.hr
    employment = world.hire(gender="V")
    start = days_ago(150)
    before = sick(hr, employment, start - 10 * DAY)
    absence.add_recovery(actor=hr, case_id=before.pk, data={"date": start, "percentage": 100})
    leave = absence.add_case(
        actor=hr,
        employment_id=employment.pk,
        kind=CaseKind.PREGNANCY_LEAVE,
        data={"first_day": start, "expected_delivery": start + 30 * DAY},
    )
    _closed, after = absence.end_leave(actor=hr, case_id=leave.pk, continue_sick=True)
    line = timeline.build(after)
    leave_days = (after.first_day - start).days
    assert line.first_day == before.first_day and line.gap_days == leave_days
    assert [s.kind for s in line.segments] == ["sick", "leave", "sick", "ahead"]
    assert tick(line, 2).day == before.first_day + (13 + leave_days) * DAY


def test_a_withdrawn_case_has_no_timeline(world) -> None:
    hr = world.hr
    case = sick(hr, world.hire(), days_ago(10))
    absence.withdraw_case(actor=hr, case_id=case.pk, reason="Verkeerde werknemer.")
    case.refresh_from_db()
    assert not timeline.build(case).available


def test_what_the_user_may_record_follows_the_worklist_rules(world) -> None:
    case = employee_user_case(world)
    for user in (world.hr, world.casemanager):
        user = user
        line = timeline.build(case, user=user)
        for entry in line.entries:
            todo = Todo.objects.get(pk=entry.pk)
            expected = entry.status in ("open", "overdue") and services.may_mark(user, todo)
            assert entry.can_mark == expected
    hr_marks = {e.code for e in timeline.build(case, user=world.hr).entries if e.can_mark}
    assert "MELDING_42_WEKEN" in hr_marks and "ACTUEEL_OORDEEL" not in hr_marks


# --- the dossier tab --------------------------------------------------------------------


def test_the_tab_renders_for_hr_and_the_company_doctor(world, sign_in) -> None:
    case = employee_user_case(world)
    for user in (world.hr, world.medic):
        response = sign_in(user).get(f"/cases/{case.pk}/?tab=timeline")
        assert response.status_code == 200, user.username
        page = response.content.decode()
        assert '<a href="?tab=timeline" aria-current="page">' in page
        assert 'role="img"' in page and 'aria-labelledby="tl-title"' in page
        assert 'data-code="MELDING_42_WEKEN"' in page and 'id="timeline-today"' in page
        assert 'id="timeline-list"' in page
        # Coordinates are never localised (no decimal commas in the Dutch portal).
        svg = page[page.index("<svg") : page.index("</svg>")]
        assert not re.search(r'(?:x|y|x1|x2|y1|y2|cx|cy|width)="\d+,\d', svg)
        report = next(e for e in timeline.build(case).entries if e.code == "MELDING_42_WEKEN")
        assert report.due is not None and report.due.strftime("%d-%m-%Y") in page
        assert report.status == "overdue", "the demo case is 300 days old"


def test_the_tab_is_404_outside_the_scope(world, sign_in) -> None:
    case = employee_user_case(world)
    assert sign_in(world.other_hr).get(f"/cases/{case.pk}/?tab=timeline").status_code == 404


def test_no_timeline_tab_for_a_pregnancy_leave_or_preventive_case(world, sign_in) -> None:
    client = sign_in(world.hr)
    leave = world.report_sick(
        world.hire(gender="V"),
        days_ago(20),
        kind=CaseKind.PREGNANCY_LEAVE,
        expected_delivery=days_ago(-15),
    )
    preventive = world.report_sick(world.hire(), days_ago(5), kind=CaseKind.PREVENTIVE)
    for case in (leave, preventive):
        response = client.get(f"/cases/{case.pk}/?tab=timeline")
        assert response.status_code == 200
        page = response.content.decode()
        assert 'href="?tab=timeline"' not in page and 'id="timeline-chart"' not in page
        assert '<a href="?tab=overview" aria-current="page">' in page


def test_the_tab_uses_a_fixed_number_of_queries(world, sign_in) -> None:
    """No query per dot: five more to-dos cost nothing extra."""
    case = employee_user_case(world)
    client = sign_in(world.hr)
    url = f"/cases/{case.pk}/?tab=timeline"
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    for n in range(5):
        services.add_todo(
            actor=world.hr, case_id=case.pk, title=f"Terugbellen {n}", due=days_ago(-n)
        )
    with CaptureQueriesContext(connection) as second:
        page = client.get(url).content.decode()
    assert len(second) == len(first), [q["sql"] for q in second.captured_queries]
    assert page.count('data-code="MANUAL"') == 2 * 5  # a dot and a row each
    assert len(first) <= 25
