"""The Poortwachter plan of real cases: to-dos kept in step with the chain
(docs/rules/poortwachter.md and samentelling.md), the
worklist, marking done, and the daily job with its signals and digest (P10, B2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from hersteld.absence import services as absence
from hersteld.absence.models import CaseKind
from hersteld.people.services import update_employment
from hersteld.poortwachter import selectors, services
from hersteld.poortwachter.models import Notification, Todo
from hersteld.poortwachter.workdays import first_working_day_on_or_after
from tests.support.absence import days_ago

pytestmark = pytest.mark.django_db


def sick(actor, employment, first_day, **data):
    return absence.add_case(
        actor=actor,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": first_day, **data},
    )


def due(case, code, number=1):
    todo = Todo.objects.get(case=case, code=code, number=number)
    return todo.due


def test_a_sick_report_gets_every_milestone_as_a_to_do(world) -> None:
    """docs/rules/poortwachter.md: one open period: end of week n = D1 + 7n - 1."""
    d1 = days_ago(10)
    case = sick(world.hr, world.hire(), d1)
    assert due(case, "PROBLEEMANALYSE") == d1 + dt.timedelta(days=41)
    assert due(case, "PLAN_VAN_AANPAK") == d1 + dt.timedelta(days=55)
    assert due(case, "EINDE_WACHTTIJD") == d1 + dt.timedelta(days=727)
    report = Todo.objects.get(case=case, code="ZIEKMELDING_ARBODIENST")
    assert report.done_on is not None, "the sick report in Hersteld reaches the arbodienst"
    codes = set(case.todos.values_list("code", flat=True))
    assert codes >= {"MELDING_42_WEKEN", "EERSTEJAARSEVALUATIE", "WIA_AANVRAAG", "EVALUATIE"}


def test_an_early_probleemanalyse_moves_the_plan_van_aanpak(world) -> None:
    """docs/rules/poortwachter.md: plan van aanpak within 14 days after the probleemanalyse was made."""
    d1 = days_ago(30)
    case = sick(world.hr, world.hire(), d1)
    analysis = Todo.objects.get(case=case, code="PROBLEEMANALYSE")
    services.mark_done(
        actor=world.casemanager, todo_id=analysis.pk, done_on=d1 + dt.timedelta(days=20)
    )
    assert due(case, "PLAN_VAN_AANPAK") == d1 + dt.timedelta(days=34)


def test_only_the_arbodienst_records_the_company_doctors_steps(world) -> None:
    case = sick(world.hr, world.hire(), days_ago(30))
    analysis = Todo.objects.get(case=case, code="PROBLEEMANALYSE")
    with pytest.raises(PermissionDenied):
        services.mark_done(actor=world.hr, todo_id=analysis.pk, done_on=days_ago(1))
    plan = Todo.objects.get(case=case, code="PLAN_VAN_AANPAK")
    services.mark_done(actor=world.hr, todo_id=plan.pk, done_on=days_ago(1))
    with pytest.raises(ValidationError):
        services.mark_done(actor=world.hr, todo_id=plan.pk, done_on=days_ago(-1))


def test_a_relapse_within_four_weeks_moves_deadlines_by_the_gap(world) -> None:
    """docs/rules/samentelling.md: gap days shift every deadline after them; done stays done."""
    hr = world.hr
    employment = world.hire()
    d1 = days_ago(100)
    first = sick(hr, employment, d1)
    analysis = Todo.objects.get(case=first, code="PROBLEEMANALYSE")
    services.mark_done(
        actor=world.casemanager, todo_id=analysis.pk, done_on=d1 + dt.timedelta(days=30)
    )
    absence.add_recovery(
        actor=hr, case_id=first.pk, data={"date": d1 + dt.timedelta(days=50), "percentage": 100}
    )
    assert due(first, "MELDING_42_WEKEN") is None, "after full recovery later milestones lapse"
    second = sick(hr, employment, d1 + dt.timedelta(days=60))  # 10 gap days
    assert not Todo.objects.filter(case=first).exists(), (
        "the chain's to-dos moved to its latest case"
    )
    expected = first_working_day_on_or_after(d1 + dt.timedelta(days=294 + 10))
    assert due(second, "MELDING_42_WEKEN") == expected
    assert due(second, "EINDE_WACHTTIJD") == d1 + dt.timedelta(days=727 + 10)
    assert Todo.objects.get(case=second, code="PROBLEEMANALYSE").done_on == d1 + dt.timedelta(
        days=30
    )


def test_a_gap_of_28_days_starts_a_new_plan(world) -> None:
    hr = world.hr
    employment = world.hire()
    d1 = days_ago(100)
    first = sick(hr, employment, d1)
    absence.add_recovery(
        actor=hr, case_id=first.pk, data={"date": d1 + dt.timedelta(days=20), "percentage": 100}
    )
    second = sick(hr, employment, d1 + dt.timedelta(days=48))
    assert second.chained_to is None
    assert due(second, "PROBLEEMANALYSE") == second.first_day + dt.timedelta(days=41)
    assert Todo.objects.filter(case=first).exists()


def test_a_wage_sanction_extends_the_waiting_period(world) -> None:
    """docs/rules/poortwachter.md: a loonsanctie moves EINDE_WACHTTIJD, at most 52 weeks."""
    employment = world.hire()
    d1 = days_ago(750)
    employment.start_date = d1 - dt.timedelta(days=365)
    employment.save()
    case = sick(world.hr, employment, d1)
    end = d1 + dt.timedelta(days=727)
    with pytest.raises(PermissionDenied):
        absence.correct_case(
            actor=world.hr,
            case_id=case.pk,
            data={"wage_sanction_until": end + dt.timedelta(days=100), "reason": "UWV"},
        )
    with pytest.raises(ValidationError) as info:
        absence.correct_case(
            actor=world.casemanager,
            case_id=case.pk,
            data={"wage_sanction_until": end + dt.timedelta(days=400), "reason": "UWV-besluit"},
        )
    assert "wage_sanction_until" in info.value.error_dict
    absence.correct_case(
        actor=world.casemanager,
        case_id=case.pk,
        data={"wage_sanction_until": end + dt.timedelta(days=100), "reason": "UWV-besluit"},
    )
    assert due(case, "EINDE_WACHTTIJD") == end + dt.timedelta(days=100)


def test_withdrawing_the_only_case_removes_its_open_to_dos(world) -> None:
    hr = world.hr
    case = sick(hr, world.hire(), days_ago(10))
    absence.withdraw_case(actor=hr, case_id=case.pk, reason="Verkeerde werknemer.")
    assert not Todo.objects.filter(case=case, done_on__isnull=True).exclude(code="").exists()


def test_manual_to_do_is_guarded(world) -> None:
    case = sick(world.hr, world.hire(), days_ago(10))
    with pytest.raises(ValidationError):
        services.add_todo(actor=world.hr, case_id=case.pk, title="Bellen over de hernia", due=None)
    todo = services.add_todo(actor=world.hr, case_id=case.pk, title="Terugbellen", due=days_ago(-2))
    assert todo in selectors.worklist(world.hr)


# --- worklist ---------------------------------------------------------------------------


def test_worklist_shows_overdue_and_due_soon_in_scope_only(world) -> None:
    world.busy()
    hr = world.hr
    items = list(selectors.worklist(hr, days=30))
    assert items and all(item.case.employer == world.employer for item in items)
    assert items, "nothing to check"
    assert all(item.due <= days_ago(-30) for item in items)
    overdue = list(selectors.worklist(hr, overdue_only=True))
    assert overdue, "nothing to check"
    assert all(item.due < days_ago(0) for item in overdue)
    assert not [
        i
        for i in selectors.worklist(world.other_hr, days=60)
        if i.case.employer != world.other_employer
    ]


def test_worklist_page_and_filters(world, sign_in) -> None:
    page = sign_in(world.hr).get("/worklist/?days=30&sort=name")
    assert page.status_code == 200 and 'id="worklist"' in page.content.decode()
    assert sign_in(world.employee).get("/worklist/").status_code == 200
    assert sign_in(world.operator).get("/worklist/").status_code == 403


def test_mark_done_page(world, sign_in) -> None:
    world.busy()
    todo = selectors.worklist(world.hr, days=60).filter(party="employer+employee").first()
    assert todo is not None
    client = sign_in(world.hr)
    assert client.get(f"/todos/{todo.pk}/done/").status_code == 200
    response = client.post(
        f"/todos/{todo.pk}/done/", {"done_on": days_ago(1).isoformat(), "note": "Getekend."}
    )
    assert response.status_code == 302
    todo.refresh_from_db()
    assert todo.done_on == days_ago(1)
    assert sign_in(world.other_hr).get(f"/todos/{todo.pk}/done/").status_code == 404


# --- API -----------------------------------------------------------------------------


def test_the_plan_endpoint_explains_every_date(world, api_as) -> None:
    case = world.long_case()
    analysis = Todo.objects.get(case=case, code="PROBLEEMANALYSE")
    services.mark_done(
        actor=world.casemanager, todo_id=analysis.pk, done_on=case.first_day + dt.timedelta(days=40)
    )
    body = api_as(world.hr).get(f"/api/v1/cases/{case.pk}/poortwachter").json()
    assert body["first_day"] == case.first_day.isoformat()
    codes = [m["code"] for m in body["milestones"]]
    assert "MELDING_42_WEKEN" in codes and all(m["why"] for m in body["milestones"])
    report = next(m for m in body["milestones"] if m["code"] == "PROBLEEMANALYSE")
    assert report["status"] == "done" and report["todo_id"]
    # The explanation as a code with parameters, and as text in the request's language (nl).
    assert report["why_code"] == "sick_days" and report["why_params"]["week"] == 6
    assert report["why"].startswith("einde van week 6: eerste ziektedag")
    todos = api_as(world.hr).get("/api/v1/todos", days=366).json()["items"]
    assert todos and all(t["why_code"] for t in todos if t["code"])
    assert api_as(world.other_hr).get(f"/api/v1/cases/{case.pk}/poortwachter").status_code == 404
    assert api_as(world.employee).get(f"/api/v1/cases/{case.pk}/poortwachter").status_code == 200


def test_api_mark_done_and_worklist(world, api_as) -> None:
    world.busy()
    hr = api_as(world.hr)
    items = hr.get("/api/v1/todos", days=60).json()["items"]
    assert items
    employer_step = next(i for i in items if i["party"] != "bedrijfsarts")
    response = hr.post(
        f"/api/v1/todos/{employer_step['id']}/done", {"done_on": days_ago(0).isoformat()}
    )
    assert response.status_code == 200 and response.json()["status"] == "done"
    medic_steps = Todo.objects.filter(
        party="bedrijfsarts", done_on__isnull=True, case__employer=world.employer
    )
    medic_step = medic_steps.first()
    assert medic_step is not None  # the open cases of the employer have company-doctor steps
    assert hr.post(f"/api/v1/todos/{medic_step.pk}/done", {"done_on": None}).status_code == 403
    assert (
        hr.post(f"/api/v1/todos/{employer_step['id']}/done", {"done_on": "2001-01-01"}).status_code
        == 422
    )


# --- the daily job -------------------------------------------------------------------


@pytest.fixture
def eager_tasks():
    """Send the digests in this process also when CI configures a broker."""
    from hersteld.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_run_daily_signals_once_and_mails_only_a_count(
    world, settings, django_capture_on_commit_callbacks, eager_tasks
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.busy()
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.run_daily()
    assert first["signals"] > 0 and first["digests"] > 0
    hr = world.hr
    hr_signals = Notification.objects.filter(user=hr)
    assert hr_signals.exists()
    assert set(hr_signals.values_list("todo__party", flat=True)) <= {
        "employer",
        "employer+employee",
        "employee",
    }
    medic = Notification.objects.filter(user=world.medic)
    assert set(medic.values_list("todo__party", flat=True)) <= {"bedrijfsarts"}
    message = next(m for m in mail.outbox if hr.email in m.to)
    names = [t.case.employee.surname for t in Todo.objects.filter(notifications__user=hr)]
    assert names, "nothing to check"
    assert all(name not in message.body for name in names), "no names in e-mail"
    assert "/worklist/" in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.run_daily()
    assert again["signals"] == 0 and again["digests"] == 0 and not mail.outbox


def test_run_daily_applies_terms_that_took_effect(world) -> None:
    hr = world.hr
    employment = world.hire()
    update_employment(
        actor=hr,
        employment_id=employment.pk,
        data={"hours_per_week": Decimal("12")},
        valid_from=days_ago(-3),
    )
    employment.refresh_from_db()
    assert employment.hours_per_week != Decimal("12")
    services.run_daily(today=days_ago(-2))
    employment.refresh_from_db()
    assert employment.hours_per_week != Decimal("12"), "not yet on the day before"
    summary = services.run_daily(today=days_ago(-3))
    employment.refresh_from_db()
    assert employment.hours_per_week == Decimal("12") and summary["terms_applied"] >= 1


def test_run_daily_command_prints_a_summary(capsys) -> None:
    call_command("run_daily")
    assert "new signals" in capsys.readouterr().out


def test_beat_runs_the_daily_job(settings) -> None:
    assert settings.CELERY_BEAT_SCHEDULE["poortwachter-daily"]["task"] == "poortwachter.run_daily"


def test_the_employer_gets_no_done_button_for_the_doctors_steps(world, sign_in) -> None:
    world.busy()
    doctor_step = selectors.worklist(world.hr, days=60).filter(party="bedrijfsarts").first()
    assert doctor_step is not None, "the world has an open probleemanalyse"
    page = sign_in(world.hr).get("/worklist/?days=60").content.decode()
    assert f"/todos/{doctor_step.pk}/done/" not in page
    assert sign_in(world.hr).get(f"/todos/{doctor_step.pk}/done/").status_code == 403
    staff = sign_in(world.casemanager).get("/worklist/?days=60").content.decode()
    assert f"/todos/{doctor_step.pk}/done/" in staff
