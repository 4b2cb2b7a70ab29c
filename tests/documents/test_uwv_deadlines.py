"""The UWV deadlines of a vangnet case as to-dos (rules.md 4) and the ziek-uit-dienst
proposal (rules.md 9). Dates are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from hersteld.absence.services import add_case, add_recovery, correct_case, end_leave
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


# --- the pregnancy claim around a leave (docs/rules/vangnet.md) ------------------------------
# E = 2026-09-10: the day after E is 11 September, the flex period runs from 31 July
# (6 weeks before) to 14 August (4 weeks before). She chose to start on 14 August; her
# last day of leave is 3 December.
AROUND = rules.LeaveDates(
    start=dt.date(2026, 8, 14), flex_start=dt.date(2026, 7, 31), last_day=dt.date(2026, 12, 3)
)


@pytest.mark.parametrize(
    ("first_day", "due"),
    [
        # Sick in the flex period before the leave: by the 4th sick day (D1 counts).
        (dt.date(2026, 8, 3), dt.date(2026, 8, 6)),
        (dt.date(2026, 7, 31), dt.date(2026, 8, 3)),  # the first day of the flex period
        (dt.date(2026, 8, 13), dt.date(2026, 8, 16)),  # the day before the leave
        # The day right after the leave: 4 December, by 7 December.
        (dt.date(2026, 12, 4), dt.date(2026, 12, 7)),
        # Otherwise 6 weeks (D1 + 41 days).
        (dt.date(2026, 7, 30), dt.date(2026, 9, 9)),  # the day before the flex period
        (dt.date(2026, 8, 14), dt.date(2026, 9, 24)),  # on the leave's first day
        (dt.date(2026, 12, 5), dt.date(2027, 1, 15)),  # two days after the leave
    ],
)
def test_a_pregnancy_claim_around_the_leave_is_due_by_the_4th_sick_day(
    first_day: dt.date, due: dt.date
) -> None:
    assert rules.claim_due("pregnancy", first_day, [AROUND]) == due


def test_only_the_pregnancy_claim_looks_at_a_leave() -> None:
    # No-riskpolis from 3 August (in the flex period): still 6 weeks, 13 September.
    assert rules.claim_due("no_risk_policy", dt.date(2026, 8, 3), [AROUND]) == dt.date(2026, 9, 13)
    # Without a leave a pregnancy claim is 6 weeks too.
    assert rules.claim_due("pregnancy", dt.date(2026, 8, 3)) == dt.date(2026, 9, 13)


def _claim_due(case: Any) -> dt.date:
    return UwvTask.objects.get(
        todo__case__employee_id=case.employee_id, kind="ZW_AANVRAAG"
    ).todo.due


@pytest.mark.django_db
def test_a_leave_added_later_moves_the_claim_of_the_sickness_before_it(world: Any) -> None:
    employment = world.hire(gender="V")
    sick = add_case(
        actor=world.casemanager,
        employment_id=employment.pk,
        kind="sickness",
        data={
            "first_day": dt.date(2026, 8, 3),
            "safety_net": True,
            "safety_net_category": "pregnancy",
        },
    )
    assert _claim_due(sick) == dt.date(2026, 9, 13)  # no leave known yet: 6 weeks
    # Back at work from 10 August: the leave from 14 August is not in this sickness's chain.
    add_recovery(
        actor=world.hr, case_id=sick.pk, data={"date": dt.date(2026, 8, 10), "percentage": 100}
    )
    add_case(
        actor=world.hr,
        employment_id=employment.pk,
        kind="pregnancy_leave",
        data={"first_day": dt.date(2026, 8, 14), "expected_delivery": dt.date(2026, 9, 10)},
    )
    assert _claim_due(sick) == dt.date(2026, 8, 6)  # sick in the flex period: 4th sick day


@pytest.mark.django_db
def test_a_pregnancy_sickness_right_after_the_leave_is_claimed_by_its_4th_day(world: Any) -> None:
    employment = world.hire(gender="V")
    # E = 2026-06-10: flex period 30 April to 14 May; from 14 May 112 days of leave, so the
    # last day is 2 September.
    leave = add_case(
        actor=world.hr,
        employment_id=employment.pk,
        kind="pregnancy_leave",
        data={"first_day": dt.date(2026, 5, 14), "expected_delivery": dt.date(2026, 6, 10)},
    )
    assert leave.leave_end == dt.date(2026, 9, 2)
    _leave, after = end_leave(actor=world.hr, case_id=leave.pk, continue_sick=True)
    assert after.first_day == dt.date(2026, 9, 3)
    correct_case(
        actor=world.casemanager,
        case_id=after.pk,
        data={"safety_net": True, "safety_net_category": "pregnancy", "reason": "vangnet"},
    )
    assert _claim_due(after) == dt.date(2026, 9, 6)
