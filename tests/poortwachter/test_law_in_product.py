"""Issue 11 items 2 and 6 in the product: operator decrees, and to-dos kept after recovery."""

from __future__ import annotations

import datetime as dt

import pytest

from hersteld.absence import services as absence
from hersteld.absence.models import CaseKind
from hersteld.core.models import AuditEvent
from hersteld.poortwachter import services
from hersteld.poortwachter.models import HolidayDecree, Todo
from tests.support.absence import days_ago

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def sick(actor, employment, first_day):
    return absence.add_case(
        actor=actor,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": first_day},
    )


def test_rules_3_reached_evaluations_keep_their_to_do_after_full_recovery(world) -> None:
    """docs/rules/samentelling.md: plan van aanpak due D1 + 55 (week 8), evaluations at D1 + 97, + 139 and
    + 181; recovered on D1 + 190 (last sick day D1 + 189), so these three stay, undone and
    overdue; the fourth (D1 + 223) lapses."""
    hr = world.hr
    d1 = days_ago(200)
    case = sick(hr, world.hire(), d1)
    absence.add_recovery(
        actor=hr, case_id=case.pk, data={"date": d1 + 190 * DAY, "percentage": 100}
    )
    evaluations = list(
        Todo.objects.filter(case=case, code="EVALUATIE")
        .order_by("number")
        .values_list("due", flat=True)
    )
    assert evaluations == [d1 + 97 * DAY, d1 + 139 * DAY, d1 + 181 * DAY]
    plan = Todo.objects.get(case=case, code="PLAN_VAN_AANPAK")
    assert (plan.due, plan.done_on) == (d1 + 55 * DAY, None)


def test_rules_1_an_operator_decree_moves_the_42nd_week_report(world) -> None:
    """docs/rules/day-arithmetic.md: D1 Wed 2026-06-03 + 294 = Wed 2027-03-24, a working day; when the
    operator records a decree for that day the report moves to Thursday 2027-03-25."""
    hr = world.hr
    case = sick(hr, world.hire(), dt.date(2026, 6, 3))
    report = Todo.objects.get(case=case, code="MELDING_42_WEKEN")
    assert report.due == dt.date(2027, 3, 24)
    HolidayDecree.objects.create(day=dt.date(2027, 3, 24), description="test decree")
    services.sync_plan(case)  # as every write of the chain does
    report.refresh_from_db()
    assert (report.due, report.provisional) == (dt.date(2027, 3, 25), False)


def test_the_operator_adds_a_decree_in_django_admin_and_it_is_audited(world, sign_in) -> None:
    client = sign_in(world.operator)
    assert client.get("/django-admin/poortwachter/holidaydecree/").status_code == 200
    response = client.post(
        "/django-admin/poortwachter/holidaydecree/add/",
        {"day": "2029-05-11", "description": "Friday after Hemelvaartsdag"},
    )
    assert response.status_code == 302
    decree = HolidayDecree.objects.get(day=dt.date(2029, 5, 11))
    event = AuditEvent.objects.get(
        object_type="poortwachter.holidaydecree", object_id=str(decree.pk)
    )
    assert event.actor_name == world.operator.username and event.changes["day"] == [
        None,
        "2029-05-11",
    ]


def test_only_the_operator_has_the_decree_admin(world, sign_in) -> None:
    assert sign_in(world.admin).get("/django-admin/poortwachter/holidaydecree/").status_code == 302


def test_a_provisional_due_date_shows_in_the_timeline_and_the_api(world, sign_in, api_as) -> None:
    """docs/rules/day-arithmetic.md: a date resting on a day no decree covers yet says "voorlopig".

    Real provisional dates lie after 2028; here the to-do is marked as the engine would."""
    case = sick(world.hr, world.hire(), days_ago(20))
    Todo.objects.filter(case=case, code="MELDING_42_WEKEN").update(provisional=True)
    page = sign_in(world.hr).get(f"/cases/{case.pk}/?tab=timeline").content.decode()
    row = page.split('data-code="MELDING_42_WEKEN"')[-1].split("</tr>")[0]
    assert "voorlopig" in row
    todos = api_as(world.hr).get(f"/api/v1/cases/{case.pk}/todos").json()
    flags = {t["code"]: t["provisional"] for t in todos if t["code"]}
    assert flags["MELDING_42_WEKEN"] is True and flags["PROBLEEMANALYSE"] is False
    plan = api_as(world.hr).get(f"/api/v1/cases/{case.pk}/poortwachter").json()
    assert plan["milestones"], "nothing to check"
    assert all(m["provisional"] is False for m in plan["milestones"])  # before 2029: final
