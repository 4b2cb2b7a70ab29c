"""Services for cases and recoveries (P5-P7, P11): each rule refuses with a field error and writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from hersteld.absence import selectors, services
from hersteld.absence.models import CaseKind, CaseNote, CaseStatus, Recovery
from hersteld.core.models import AuditEvent
from hersteld.people.services import end_employment, update_employment
from tests.support.absence import days_ago, row_counts

pytestmark = pytest.mark.django_db


def report(actor, employment, first_day, **data):
    return services.add_case(
        actor=actor,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": first_day, **data},
    )


def recover(actor, case, day, percentage=None, **data):
    return services.add_recovery(
        actor=actor, case_id=case.pk, data={"date": day, "percentage": percentage, **data}
    )


# --- sick report (P6) ------------------------------------------------------------------


def test_hr_reports_sick_with_a_note_and_everything_is_audited(world) -> None:
    hr = world.hr
    employment = world.hire()
    case = report(hr, employment, days_ago(2), context="illness", note="Belde vanochtend af.")
    assert case.status == CaseStatus.OPEN
    assert case.sick_percentage == Decimal("100")
    assert case.week_anchor == case.first_day
    assert case.own_risk_zw == employment.employer.own_risk_zw
    assert CaseNote.objects.get(case=case).text == "Belde vanochtend af."
    types = set(
        AuditEvent.objects.filter(employee=employment.employee).values_list(
            "object_type", flat=True
        )
    )
    assert {"absence.absencecase", "absence.casenote"} <= types


def test_an_employer_user_may_not_record_an_expected_recovery_date(world) -> None:
    """P6: no expected-recovery field for employer users; the service refuses it (403)."""
    employment = world.hire()
    before = row_counts()
    with pytest.raises(PermissionDenied):
        report(world.hr, employment, days_ago(1), expected_recovery=days_ago(-7))
    assert row_counts() == before


def test_an_employer_user_records_only_whether_a_safety_net_applies(world) -> None:
    """docs/rules/vangnet.md: the category is recorded by arbodienst staff only."""
    hr = world.hr
    with pytest.raises(PermissionDenied):
        report(hr, world.hire(), days_ago(1), safety_net=True, safety_net_category="pregnancy")
    case = report(hr, world.hire(), days_ago(1), safety_net=True)
    assert case.safety_net and case.safety_net_category == ""


def test_compensation_is_refused_naming_the_failed_condition(world, refused) -> None:
    """docs/rules/vangnet.md: compensatieregeling only when every condition holds."""
    cm = world.casemanager
    employment = world.hire()
    errors = refused(
        lambda: report(
            cm, employment, days_ago(1), safety_net=True, safety_net_category="compensation"
        )
    )
    assert errors["safety_net_category"][0].startswith("compensation_")


def test_compensation_is_accepted_when_every_condition_holds(world) -> None:
    cm = world.casemanager
    employment = world.hire()
    employment.start_date = dt.date(2019, 3, 1)
    employment.save()
    employee = employment.employee
    employee.birth_date = dt.date(1960, 5, 5)
    employee.save()
    case = report(
        cm,
        employment,
        dt.date(2023, 1, 10),
        safety_net=True,
        safety_net_category="compensation",
        came_from_long_ww=True,
    )
    assert case.safety_net_category == "compensation"


def test_no_risk_category_needs_the_policy_on_the_employment(world, refused) -> None:
    cm = world.casemanager
    employment = world.hire()
    assert not employment.no_risk_policy
    errors = refused(
        lambda: report(
            cm, employment, days_ago(1), safety_net=True, safety_net_category="no_risk_policy"
        )
    )
    assert errors == {"safety_net_category": ["no_risk_policy_missing"]}
    errors = refused(
        lambda: report(cm, employment, days_ago(1), safety_net_category="organ_donation")
    )
    assert errors == {"safety_net_category": ["safety_net_category_without_safety_net"]}


def test_first_day_is_checked_against_the_employment(world, refused) -> None:
    hr = world.hr
    employment = world.hire()
    before_start = employment.start_date - dt.timedelta(days=1)
    assert refused(lambda: report(hr, employment, before_start)) == {
        "first_day": ["first_day_before_employment"]
    }
    assert refused(lambda: report(hr, employment, days_ago(-1))) == {
        "first_day": ["first_day_in_future"]
    }
    end_employment(actor=hr, employment_id=employment.pk, end_date=days_ago(10))
    assert refused(lambda: report(hr, employment, days_ago(5))) == {
        "first_day": ["first_day_after_employment"]
    }


def test_overlapping_cases_are_refused(world, refused) -> None:
    """docs/rules/recovery.md: overlapping cases for one employment are refused."""
    hr = world.hr
    employment = world.hire()
    case = report(hr, employment, days_ago(30))
    assert refused(lambda: report(hr, employment, days_ago(3))) == {"first_day": ["case_overlaps"]}
    recover(hr, case, days_ago(20), 100)
    assert refused(lambda: report(hr, employment, days_ago(25))) == {"first_day": ["case_overlaps"]}
    report(hr, employment, days_ago(20))  # sick again on the day of recovery: no overlap


def test_percentage_outside_0_100_is_refused(world, refused) -> None:
    employment = world.hire()
    errors = refused(lambda: report(world.hr, employment, days_ago(1), sick_percentage=120))
    assert errors == {"sick_percentage": ["percentage_range"]}


def test_a_medical_term_from_an_employer_user_is_refused(world, refused) -> None:
    """P8, docs/rules/privacy.md: the employer may never record medical data."""
    employment = world.hire()
    errors = refused(lambda: report(world.hr, employment, days_ago(1), note="Hij heeft rugpijn."))
    assert errors == {"note": ["medical_term"]}


def test_outsiders_cannot_report_for_another_employer(world) -> None:
    with pytest.raises(Http404):
        report(world.other_hr, world.hire(), days_ago(1))
    with pytest.raises(Http404):
        report(world.other_casemanager, world.hire(), days_ago(1))
    with pytest.raises(Http404):
        report(world.employee, world.hire(), days_ago(1))


# --- recoveries (P11, docs/rules/recovery.md) ------------------------------------------------------


def test_partial_then_full_recovery(world) -> None:
    hr = world.hr
    employment = world.hire()
    case = report(hr, employment, days_ago(40))
    half = recover(hr, case, days_ago(20), 50)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.current_sick_percentage == Decimal("50")
    assert half.hours == employment.hours_per_week / 2
    recover(hr, case, days_ago(5), 100)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.end_date == days_ago(5)
    assert case.current_sick_percentage == 0


def test_hours_give_the_percentage(world) -> None:
    hr = world.hr
    employment = world.hire()
    case = report(hr, employment, days_ago(10))
    recovery = recover(hr, case, days_ago(2), hours=employment.hours_per_week / 4)
    assert recovery.percentage == Decimal("25.00")


def test_recovery_dates_and_amounts_are_checked(world, refused) -> None:
    hr = world.hr
    employment = world.hire()
    case = report(hr, employment, days_ago(30))
    assert refused(lambda: recover(hr, case, days_ago(31), 50)) == {
        "date": ["recovery_before_first_day"]
    }
    assert refused(lambda: recover(hr, case, days_ago(3), 101)) == {
        "percentage": ["percentage_range"]
    }
    assert refused(lambda: recover(hr, case, days_ago(30), 100)) == {
        "date": ["full_recovery_on_first_day"]
    }
    assert refused(lambda: recover(hr, case, days_ago(3))) == {
        "percentage": ["recovery_amount_required"]
    }
    assert refused(lambda: recover(hr, case, days_ago(-30), 50)) == {
        "date": ["recovery_too_far_ahead"]
    }
    too_many = employment.hours_per_week + 1
    assert refused(lambda: recover(hr, case, days_ago(3), hours=too_many)) == {
        "hours": ["recovery_hours_above_contract"]
    }
    recover(hr, case, days_ago(10), 40)
    assert refused(lambda: recover(hr, case, days_ago(10), 60)) == {
        "date": ["recovery_before_previous"]
    }


def test_recovery_hours_follow_the_hours_on_that_date(world) -> None:
    """docs/rules/recovery.md: contract hours of the employment on the recovery date (effective-dated terms)."""
    hr = world.hr
    employment = world.hire()
    case = report(hr, employment, days_ago(30))
    update_employment(
        actor=hr,
        employment_id=employment.pk,
        data={"hours_per_week": Decimal("20")},
        valid_from=days_ago(15),
    )
    before = recover(hr, case, days_ago(20), 50)
    after = recover(hr, case, days_ago(10), 50)
    assert before.contract_hours == employment.hours_per_week
    assert after.contract_hours == Decimal("20") and after.hours == Decimal("10.00")


def test_hersteld_at_only_by_the_medic_and_the_case_stays_open(world) -> None:
    hr = world.hr
    case = report(hr, world.hire(), days_ago(30))
    for user in (world.hr, world.casemanager):
        with pytest.raises(PermissionDenied):
            recover(user, case, days_ago(5), 100, therapeutic=True)
    recovery = recover(world.medic, case, days_ago(5), 100, therapeutic=True)
    case.refresh_from_db()
    assert recovery.therapeutic and case.status == CaseStatus.OPEN


def test_recoveries_only_on_open_sickness_cases(world, refused) -> None:
    hr = world.hr
    preventive = services.add_case(
        actor=hr,
        employment_id=world.hire().pk,
        kind=CaseKind.PREVENTIVE,
        data={"first_day": days_ago(3), "note": "Gesprek over werkdruk gewenst."},
    )
    assert refused(lambda: recover(hr, preventive, days_ago(1), 100)) == {
        "__all__": ["recovery_only_for_sickness"]
    }


# --- chaining (docs/rules/samentelling.md) -------------------------------------------------------------


@pytest.mark.parametrize(("gap", "chained"), [(27, True), (28, False)])
def test_sick_again_within_four_weeks_is_counted_together(world, gap, chained) -> None:
    hr = world.hr
    employment = world.hire()
    first = report(hr, employment, days_ago(100))
    recover(hr, first, days_ago(80), 100)  # 20 sick days
    second = report(hr, employment, days_ago(80 - gap))
    assert (second.chained_to_id == first.pk) is chained
    if chained:
        assert second.week_anchor == second.first_day - dt.timedelta(days=20)
        facts = selectors.facts(second)
        assert [c.pk for c in facts.chain] == [first.pk, second.pk]
        assert facts.sick_days == 20 + (80 - gap) + 1
    else:
        assert second.week_anchor == second.first_day


def test_a_withdrawn_case_counts_nowhere(world, refused) -> None:
    hr = world.hr
    employment = world.hire()
    wrong = report(hr, employment, days_ago(10))
    assert refused(lambda: services.withdraw_case(actor=hr, case_id=wrong.pk, reason="")) == {
        "reason": ["reason_required"]
    }
    services.withdraw_case(actor=hr, case_id=wrong.pk, reason="Verkeerde werknemer gekozen.")
    right = report(hr, employment, days_ago(9))  # no overlap with a withdrawn case
    assert right.chained_to is None
    listed = selectors.case_list(hr, status="all")
    assert wrong not in listed and right in listed
    assert wrong in selectors.case_list(hr, status="withdrawn")
    event = AuditEvent.objects.filter(
        object_type="absence.absencecase", object_id=str(wrong.pk)
    ).first()
    assert event is not None and event.reason == "Verkeerde werknemer gekozen."


def test_a_case_others_are_chained_to_cannot_be_withdrawn(world, refused) -> None:
    hr = world.hr
    employment = world.hire()
    first = report(hr, employment, days_ago(50))
    recover(hr, first, days_ago(40), 100)
    report(hr, employment, days_ago(30))
    assert refused(lambda: services.withdraw_case(actor=hr, case_id=first.pk, reason="fout")) == {
        "__all__": ["case_has_chained_cases"]
    }


# --- corrections, conversion ----------------------------------------------------------


def test_a_correction_needs_a_reason_and_rechains(world, refused) -> None:
    hr = world.hr
    employment = world.hire()
    first = report(hr, employment, days_ago(100))
    recover(hr, first, days_ago(80), 100)
    second = report(hr, employment, days_ago(40))  # 40 days later: new D1
    assert second.chained_to is None
    assert refused(
        lambda: services.correct_case(actor=hr, case_id=second.pk, data={"first_day": days_ago(60)})
    ) == {"reason": ["reason_required"]}
    services.correct_case(
        actor=hr,
        case_id=second.pk,
        data={"first_day": days_ago(60), "reason": "Datum verkeerd ingevoerd."},
    )
    second.refresh_from_db()
    assert second.chained_to_id == first.pk  # 20 days after recovery: counted together
    event = AuditEvent.objects.filter(
        object_type="absence.absencecase", object_id=str(second.pk)
    ).first()
    assert event is not None and "first_day" in event.changes and event.reason


def test_a_preventive_case_converts_into_sickness_keeping_its_notes(world) -> None:
    hr = world.hr
    case = services.add_case(
        actor=hr,
        employment_id=world.hire().pk,
        kind=CaseKind.PREVENTIVE,
        data={"first_day": days_ago(10), "note": "Gesprek met de bedrijfsarts gewenst."},
    )
    converted = services.convert_to_sickness(actor=hr, case_id=case.pk, first_day=days_ago(3))
    assert converted.pk == case.pk and converted.kind == CaseKind.SICKNESS
    assert converted.first_day == days_ago(3)
    assert converted.notes.count() == 1


# --- pregnancy leave (P7, docs/rules/wazo.md) ------------------------------------------------


def test_pregnancy_leave_end_is_computed_and_recomputed_and_can_continue_as_sickness(world) -> None:
    hr = world.hr
    employment = world.hire(gender="V")
    start = days_ago(150)
    expected = start + dt.timedelta(days=41)  # start exactly 6 weeks before the day after E
    leave = services.add_case(
        actor=hr,
        employment_id=employment.pk,
        kind=CaseKind.PREGNANCY_LEAVE,
        data={"first_day": start, "expected_delivery": expected},
    )
    assert leave.leave_end == expected + dt.timedelta(days=70)  # 6 + 10 weeks
    born_early = expected - dt.timedelta(days=7)
    leave = services.record_delivery(actor=hr, case_id=leave.pk, actual_delivery=born_early)
    assert leave.leave_end == start + dt.timedelta(days=111)  # still 16 weeks in total
    closed, sickness = services.end_leave(actor=hr, case_id=leave.pk, continue_sick=True)
    assert closed.status == CaseStatus.CLOSED
    assert sickness.first_day == leave.leave_end + dt.timedelta(days=1)
    assert sickness.chained_to_id == leave.pk


def test_pregnancy_leave_start_outside_the_window_is_refused(world, refused) -> None:
    hr = world.hr
    employment = world.hire(gender="V")
    expected = days_ago(-60)
    errors = refused(
        lambda: services.add_case(
            actor=hr,
            employment_id=employment.pk,
            kind=CaseKind.PREGNANCY_LEAVE,
            data={"first_day": expected - dt.timedelta(days=43), "expected_delivery": expected},
        )
    )
    assert errors == {"first_day": ["leave_start_too_early"]}


def test_sickness_before_the_leave_is_chained_across_it(world) -> None:
    """docs/rules/samentelling.md: sickness directly up to and after the leave; leave days shift like gap days."""
    hr = world.hr
    employment = world.hire(gender="V")
    start = days_ago(150)
    sick = report(hr, employment, start - dt.timedelta(days=10))
    recover(hr, sick, start, 100)
    leave = services.add_case(
        actor=hr,
        employment_id=employment.pk,
        kind=CaseKind.PREGNANCY_LEAVE,
        data={"first_day": start, "expected_delivery": start + dt.timedelta(days=30)},
    )
    assert leave.chained_to_id == sick.pk
    _closed, after = services.end_leave(actor=hr, case_id=leave.pk, continue_sick=True)
    assert after.week_anchor == after.first_day - dt.timedelta(days=10)


# --- ziek uit dienst (docs/rules/privacy.md) -----------------------------------------------------


def test_employment_ending_during_an_open_case_keeps_it_open_and_names_the_report(world) -> None:
    hr = world.hr
    employment = world.hire()
    case = report(hr, employment, days_ago(60))
    end_employment(actor=hr, employment_id=employment.pk, end_date=days_ago(1))
    case.refresh_from_db()
    facts = selectors.facts(case)
    assert case.status == CaseStatus.OPEN
    assert facts.out_of_service and facts.reintegration_report == "short"  # 60 sick days


# --- journal and medical file --------------------------------------------------------


def test_the_employee_does_not_see_internal_notes_of_others(world) -> None:
    employee = world.employee
    case = world.report_sick()
    assert case is not None
    services.add_note(actor=world.hr, case_id=case.pk, text="Intern overleg.", internal=True)
    services.add_note(actor=world.hr, case_id=case.pk, text="Zie je maandag.")
    texts = list(selectors.notes(employee, case).values_list("text", flat=True))
    assert "Zie je maandag." in texts and "Intern overleg." not in texts
    assert "Intern overleg." in selectors.notes(world.hr, case).values_list("text", flat=True)


def test_only_the_medic_writes_and_reads_the_medical_file(world) -> None:
    case = world.report_sick()
    assert case is not None
    note = services.add_medical_note(actor=world.medic, case_id=case.pk, text="Hernia L5.")
    for user in (world.hr, world.casemanager, world.admin, world.employee):
        with pytest.raises(Http404):
            services.add_medical_note(actor=user, case_id=case.pk, text="x")
        assert not selectors.medical_notes(user, case).exists()
    assert note in selectors.medical_notes(world.medic, case)
    event = AuditEvent.objects.get(object_type="absence.medicalnote", object_id=str(note.pk))
    assert event.changes == {}, "medical text never enters the audit trail"


def test_the_medic_may_write_medical_terms_only_in_the_medical_file(world, refused) -> None:
    case = world.report_sick()
    assert case is not None
    medic = world.medic
    errors = refused(
        lambda: services.add_note(actor=medic, case_id=case.pk, text="Hernia geopereerd.")
    )
    assert set(errors) == {"text"} and set(errors["text"]) == {"medical_term"}
    services.add_medical_note(actor=medic, case_id=case.pk, text="Hernia geopereerd.")


def test_recovery_rows_are_audited(world) -> None:
    hr = world.hr
    case = report(hr, world.hire(), days_ago(10))
    recovery = recover(hr, case, days_ago(2), 50)
    assert Recovery.objects.filter(pk=recovery.pk).exists()
    assert selectors.history(hr, case).filter(object_type="absence.recovery").exists()


def test_sickness_in_the_flex_period_counts_as_leave(world) -> None:
    """docs/rules/wazo.md: sick days in the flex period count as leave, so they are not added after the birth."""
    hr = world.hr
    employment = world.hire(gender="V")
    expected = days_ago(60)
    start = expected - dt.timedelta(days=27)  # the latest start: 4 weeks before the day after E
    sick = report(hr, employment, expected - dt.timedelta(days=34))  # sick from 5 weeks before
    recover(hr, sick, start, 100)
    leave = services.add_case(
        actor=hr,
        employment_id=employment.pk,
        kind=CaseKind.PREGNANCY_LEAVE,
        data={"first_day": start, "expected_delivery": expected},
    )
    # counted from the first sick day: 35 days before birth, so 70 + 7 days after it
    assert leave.leave_end == expected + dt.timedelta(days=77)
