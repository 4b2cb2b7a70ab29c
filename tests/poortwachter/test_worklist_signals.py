"""Issue 11 item 11: the worklist shows the missing plan van aanpak, done signals can be put
away, and "my steps"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hersteld.absence import services as absence
from hersteld.absence.models import CaseKind
from hersteld.poortwachter import selectors, services
from hersteld.poortwachter.models import Notification, SignalKind, Todo
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


def worklist_codes(user, case, **filters) -> list[str]:
    qs = selectors.worklist(user, days=14, **filters).filter(case=case)
    return sorted(qs.values_list("code", flat=True))


def test_evaluations_wait_for_a_missing_plan_van_aanpak(world) -> None:
    """D1 120 days ago: the plan van aanpak (D1 + 55) and the first evaluation (D1 + 97) are
    both past; only the plan van aanpak is the overdue step. Once it is made (D1 + 50), the
    first evaluation (D1 + 92) is overdue in its own right."""
    casemanager = world.casemanager
    d1 = days_ago(120)
    case = sick(world.hr, world.hire(), d1)
    codes = worklist_codes(casemanager, case)
    assert "PLAN_VAN_AANPAK" in codes and "EVALUATIE" not in codes
    plan = Todo.objects.get(case=case, code="PLAN_VAN_AANPAK")
    services.mark_done(actor=casemanager, todo_id=plan.pk, done_on=d1 + 50 * DAY)
    first = Todo.objects.get(case=case, code="EVALUATIE", number=1)
    assert first.due == d1 + 92 * DAY
    assert "EVALUATIE" in worklist_codes(casemanager, case)


def test_no_signal_for_an_evaluation_waiting_on_the_plan(world) -> None:
    casemanager = world.casemanager
    case = sick(world.hr, world.hire(), days_ago(120))
    services.raise_signals(casemanager, timezone.localdate())
    signalled = set(
        Notification.objects.filter(user=casemanager, todo__case=case).values_list(
            "todo__code", flat=True
        )
    )
    assert "PLAN_VAN_AANPAK" in signalled and "EVALUATIE" not in signalled


def test_a_signal_of_a_done_step_shows_done_and_can_be_put_away(world, sign_in) -> None:
    casemanager = world.casemanager
    d1 = days_ago(60)
    case = sick(world.hr, world.hire(), d1)
    analysis = Todo.objects.get(case=case, code="PROBLEEMANALYSE")
    signal = Notification.objects.create(user=casemanager, todo=analysis, kind=SignalKind.OVERDUE)
    services.mark_done(actor=casemanager, todo_id=analysis.pk, done_on=d1 + 40 * DAY)
    client = sign_in(world.casemanager)
    page = client.get("/notifications/").content.decode()
    item = page.split(f"/notifications/{signal.pk}/dismiss/")[0].rsplit("<li", 1)[1]
    assert 'data-kind="done"' in item and "status-overdue" not in item
    assert f"afgerond op {(d1 + 40 * DAY):%d-%m-%Y}" in item

    assert client.post(f"/notifications/{signal.pk}/dismiss/").status_code == 302
    signal.refresh_from_db()
    assert signal.dismissed_at is not None
    assert (
        f"/notifications/{signal.pk}/dismiss/" not in client.get("/notifications/").content.decode()
    )
    assert not selectors.notifications(casemanager).filter(pk=signal.pk).exists()


def test_another_users_signal_cannot_be_put_away(world, sign_in) -> None:
    case = sick(world.hr, world.hire(), days_ago(60))
    analysis = Todo.objects.get(case=case, code="PROBLEEMANALYSE")
    signal = Notification.objects.create(
        user=world.casemanager, todo=analysis, kind=SignalKind.OVERDUE
    )
    response = sign_in(world.medic).post(f"/notifications/{signal.pk}/dismiss/")
    assert response.status_code == 404
    signal.refresh_from_db()
    assert signal.dismissed_at is None


def test_put_away_all_signals_of_done_steps(world, sign_in) -> None:
    casemanager = world.casemanager
    d1 = days_ago(60)
    case = sick(world.hr, world.hire(), d1)
    analysis = Todo.objects.get(case=case, code="PROBLEEMANALYSE")
    plan = Todo.objects.get(case=case, code="PLAN_VAN_AANPAK")
    done = Notification.objects.create(user=casemanager, todo=analysis, kind=SignalKind.OVERDUE)
    waiting = Notification.objects.create(user=casemanager, todo=plan, kind=SignalKind.DUE_SOON)
    services.mark_done(actor=casemanager, todo_id=analysis.pk, done_on=d1 + 40 * DAY)
    assert sign_in(world.casemanager).post("/notifications/dismiss-done/").status_code == 302
    done.refresh_from_db()
    waiting.refresh_from_db()
    assert done.dismissed_at is not None and waiting.dismissed_at is None


def test_my_steps_are_those_of_cases_i_handle(world, sign_in) -> None:
    """A casemanager's own steps: cases he reported, wrote a note in or recorded a step of."""
    casemanager = world.casemanager
    hr = world.hr
    mine = sick(hr, world.hire(nth=0), days_ago(60))
    other = sick(hr, world.hire(nth=1), days_ago(60))
    analysis = Todo.objects.get(case=mine, code="PROBLEEMANALYSE")
    services.mark_done(actor=casemanager, todo_id=analysis.pk, done_on=days_ago(30))
    assert "PLAN_VAN_AANPAK" in worklist_codes(casemanager, mine, only_mine=True)
    assert worklist_codes(casemanager, other, only_mine=True) == []
    assert worklist_codes(casemanager, other) != []
    page = sign_in(world.casemanager).get("/worklist/", {"mine": "1", "days": "60"})
    assert page.status_code == 200
    shown = {todo.case_id for todo in page.context["page"].object_list}
    assert mine.pk in shown and other.pk not in shown


def test_my_steps_of_a_company_doctor_are_his_own_party(world) -> None:
    medic = world.medic
    case = sick(world.hr, world.hire(), days_ago(60))
    report = Todo.objects.get(case=case, code="PROBLEEMANALYSE")
    services.mark_done(actor=medic, todo_id=report.pk, done_on=days_ago(30))
    # He recorded a step of this case, but the open steps near now are the employer's.
    assert worklist_codes(medic, case, only_mine=True) == []
    assert "PLAN_VAN_AANPAK" in worklist_codes(medic, case)
