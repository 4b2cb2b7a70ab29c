"""The UWV deadlines of a vangnet case as to-dos (rules.md 4) and the ziek-uit-dienst
proposal (rules.md 9). Dates are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from hersteld.absence.services import add_case, add_recovery
from hersteld.documents import rules, services
from hersteld.documents.models import UwvTask
from hersteld.people.models import Employment
from hersteld.poortwachter.models import Todo

# 2026-03-02 is a Monday; Easter Sunday 2026 is 2026-04-05.
MONDAY = dt.date(2026, 3, 2)


def test_claim_deadline_per_category() -> None:
    # Pregnancy and no-riskpolis: end of week 6 = D1 + 41 days.
    assert rules.claim_due("pregnancy", MONDAY) == dt.date(2026, 4, 12)
    assert rules.claim_due("no_risk_policy", MONDAY) == dt.date(2026, 4, 12)
    # Compensatieregeling: end of week 13 = D1 + 90 days.
    assert rules.claim_due("compensation", MONDAY) == dt.date(2026, 5, 31)
    # Organ donation: the 4th working day, D1 counted: Mon 2, Tue 3, Wed 4, Thu 5 March.
    assert rules.claim_due("organ_donation", MONDAY) == dt.date(2026, 3, 5)
    # From Thursday 2 April: Thu 2, (Goede Vrijdag 3 and Easter Monday 6 April are holidays
    # under the Algemene termijnenwet) Tue 7, Wed 8, Thu 9.
    assert rules.claim_due("organ_donation", dt.date(2026, 4, 2)) == dt.date(2026, 4, 9)
    assert rules.claim_due("unknown", MONDAY) is None


def test_the_herstelmelding_is_due_two_days_later_a_weekend_moves_to_monday() -> None:
    assert rules.recovery_report_due(dt.date(2026, 3, 2)) == dt.date(2026, 3, 4)
    # Reported on Friday 6 March: Sunday 8 March moves to Monday 9 March.
    assert rules.recovery_report_due(dt.date(2026, 3, 6)) == dt.date(2026, 3, 9)


@pytest.mark.parametrize(
    ("last_day", "within_3_months", "expected"),
    [
        (MONDAY + dt.timedelta(days=40), False, "none"),  # 41 days: under 6 weeks
        (MONDAY + dt.timedelta(days=41), False, "VERKORT_RIV"),  # exactly 6 weeks
        (MONDAY + dt.timedelta(days=69), False, "VERKORT_RIV"),  # exactly 10 weeks
        (MONDAY + dt.timedelta(days=70), False, "full"),  # 10 weeks and a day
        (MONDAY + dt.timedelta(days=200), True, "VERKORT_RIV"),  # recovery expected soon
    ],
)
def test_the_report_when_the_employment_ends_during_sickness(
    last_day: dt.date, within_3_months: bool, expected: str
) -> None:
    assert (
        rules.report_when_leaving(MONDAY, last_day, recovery_within_3_months=within_3_months)
        == expected
    )


@pytest.mark.django_db
def test_a_vangnet_case_gets_its_claim_and_herstelmelding_as_todos(world: Any) -> None:
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=20)
    case = add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="sickness",
        data={"first_day": first_day, "safety_net": True, "safety_net_category": "organ_donation"},
    )
    tasks = UwvTask.objects.filter(todo__case=case)
    claim = tasks.get(kind="ZW_AANVRAAG").todo
    assert claim.case_id == case.pk
    assert claim.due == rules.claim_due("organ_donation", first_day)
    assert "organ" not in claim.title.lower() and "orgaan" not in claim.title.lower()
    assert not tasks.filter(kind="HERSTELMELDING_UWV").exists()

    add_recovery(actor=world.hr, case_id=case.pk, data={"date": today, "percentage": 100})
    recovery_todo = tasks.get(kind="HERSTELMELDING_UWV").todo
    assert recovery_todo.due == rules.recovery_report_due(today)

    # Finalising the herstelmelding marks its to-do done, linked.
    document = services.create_draft(actor=world.hr, case_id=case.pk, doc_type="HERSTELMELDING_UWV")
    services.save_draft(
        actor=world.hr,
        document_id=document.pk,
        fields={"employee_bsn": "111222333", "payroll_tax_number": "123456782L01"},
    )
    final = services.finalise(actor=world.hr, document_id=document.pk)
    assert final.fields["recovery_date"] == today.isoformat()
    todo = Todo.objects.get(pk=recovery_todo.pk)
    assert todo.done_on == today
    assert final.todo_id == todo.pk


@pytest.mark.django_db
def test_a_case_without_vangnet_gets_no_uwv_todos(world: Any) -> None:
    case = add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="sickness",
        data={"first_day": timezone.localdate() - dt.timedelta(days=20)},
    )
    assert not UwvTask.objects.filter(todo__case=case).exists()


@pytest.mark.django_db
def test_the_tab_proposes_the_report_when_the_employment_ends(world: Any, sign_in: Any) -> None:
    today = timezone.localdate()
    case = add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="sickness",
        data={"first_day": today - dt.timedelta(days=80)},
    )
    last_day = today + dt.timedelta(days=10)  # 91 days of sickness: more than 10 weeks
    Employment.objects.filter(pk=world.own_employment.pk).update(end_date=last_day)
    page = sign_in(world.hr).get(f"/cases/{case.pk}/?tab=documents").content.decode()
    assert 'id="leaving"' in page
    assert last_day.strftime("%d-%m-%Y") in page
    assert "volledige re-integratieverslag" in page
    assert "met de ziek-uit-dienstmelding" in page
