"""The retention job (issue 15, B4): each term with its start point, the legal hold, the dry
run, and a report without personal data. Every run is given its day; records are written
on chosen days in the past (tests.support.retention.on)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone

from hersteld.absence.models import AbsenceCase
from hersteld.absence.services import set_hold
from hersteld.core import retention
from hersteld.core.models import RetentionLine, RetentionRun
from hersteld.messaging.models import Message
from hersteld.people.models import Employee
from tests.support.retention import on, past_case, run

pytestmark = pytest.mark.django_db

D = dt.date
DAY = dt.timedelta(days=1)


# --- the re-integration file: 2 years after the case ended (2021-02-01) ---------------------


def test_the_case_file_is_kept_through_two_years_after_the_end_of_the_case(world: Any) -> None:
    past = past_case(world, employment_end=None)

    run(world, D(2023, 1, 31))
    run(world, D(2023, 2, 1))
    assert past.notes() == 1
    assert run(world, D(2023, 2, 2)).get("case_files") == 1
    assert past.notes() == 0
    case = AbsenceCase.objects.get(pk=past.case.pk)
    assert case.file_erased_on is not None
    # The case row stays for the administration and the figures; the person is still there.
    assert case.end_date == D(2021, 2, 1)
    assert Employee.objects.get(pk=past.employee.pk).anonymised_on is None


def test_messages_of_the_dossier_go_with_the_case_file(world: Any) -> None:
    from hersteld.messaging.services import send

    past = past_case(world, employment_end=None)
    with on(D(2021, 1, 10)):
        send(actor=world.casemanager, case_id=past.case.pk, text="Hoe gaat het?")
    assert Message.objects.filter(case=past.case).count() == 1

    run(world, D(2023, 2, 1))
    assert Message.objects.filter(case=past.case).count() == 1
    assert run(world, D(2023, 2, 2)).get("messages") == 1
    assert Message.objects.filter(case=past.case).count() == 0


# --- own-risk bearers: ERD-ZW 5 years, ERD-WGA 10 years after the end of the case -------------


@pytest.mark.parametrize(
    ("flag", "last_day"),
    [("own_risk_zw", D(2026, 2, 1)), ("own_risk_wga", D(2031, 2, 1))],
)
def test_an_own_risk_bearer_keeps_the_case_file_longer(
    world: Any, flag: str, last_day: dt.date
) -> None:
    type(world.employer).objects.filter(pk=world.employer.pk).update(**{flag: True})
    past = past_case(world, employment_end=None)

    run(world, D(2023, 2, 2))
    run(world, last_day - DAY)
    run(world, last_day)
    assert past.notes() == 1
    run(world, last_day + DAY)
    assert past.notes() == 0


# --- the medical file: 20 years after its last change (2021-01-20) -------------------------


def test_the_medical_file_is_kept_twenty_years_after_its_last_change(world: Any) -> None:
    past = past_case(world, employment_end=None)

    run(world, D(2041, 1, 19))
    run(world, D(2041, 1, 20))
    assert past.medical_notes() == 1
    assert past.notes() == 0  # the case file went long before
    assert run(world, D(2041, 1, 21)).get("medical_notes") == 1
    assert past.medical_notes() == 0


def test_a_later_medical_note_restarts_the_medical_term(world: Any) -> None:
    from hersteld.absence.services import add_medical_note

    past = past_case(world, employment_end=None)
    with on(D(2021, 6, 1)):
        add_medical_note(actor=world.medic, case_id=past.case.pk, text="Nacontrole.")

    run(world, D(2041, 1, 21))
    assert past.medical_notes() == 2
    run(world, D(2041, 6, 2))
    assert past.medical_notes() == 0


# --- the administration: 2 years after the employment ended (2021-12-31) --------------------


def test_the_person_is_anonymised_two_years_after_the_employment_when_nothing_else_keeps_him(
    world: Any,
) -> None:
    past = past_case(world, medical_on=None)
    name, bsn_before = past.employee.surname, past.employee.bsn

    run(world, D(2023, 12, 31))
    assert Employee.objects.get(pk=past.employee.pk).anonymised_on is None
    assert run(world, D(2024, 1, 1)).get("people") == 1

    person = Employee.objects.get(pk=past.employee.pk)
    assert person.anonymised_on is not None
    assert person.surname == "Geanonimiseerd" and person.surname != name
    assert (person.first_name, person.street, person.city, person.phone, person.email) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert person.bsn == "" or bsn_before == ""
    assert person.birth_date == D(1985, 1, 1)
    # The cases stay (anonymous) for the absence figures; the audit rows keep pointing at him.
    assert AbsenceCase.objects.filter(employee=person).count() == 1
    # Once anonymised, a later run leaves him alone.
    assert "people" not in run(world, D(2024, 1, 2))


def test_the_medical_term_keeps_the_person_until_it_ends(world: Any) -> None:
    past = past_case(world)  # medical note of 2021-01-20

    run(world, D(2030, 1, 1))
    assert Employee.objects.get(pk=past.employee.pk).anonymised_on is None
    run(world, D(2041, 1, 21))
    assert Employee.objects.get(pk=past.employee.pk).anonymised_on is not None


def test_a_person_still_in_service_is_never_anonymised(world: Any) -> None:
    past = past_case(world, employment_end=None, medical_on=None)
    run(world, D(2060, 1, 1))
    assert Employee.objects.get(pk=past.employee.pk).anonymised_on is None


# --- the legal hold --------------------------------------------------------------------------


def test_nothing_of_a_held_case_nor_of_its_employee_goes(world: Any) -> None:
    past = past_case(world)
    other = past_case(world, surname="Anders")
    set_hold(actor=world.casemanager, case_id=past.case.pk, reason="Geschil bij de rechter")

    run(world, D(2060, 1, 1))
    assert past.notes() == 1 and past.medical_notes() == 1
    assert Employee.objects.get(pk=past.employee.pk).anonymised_on is None
    # Someone else's records go as usual.
    assert other.notes() == 0
    assert Employee.objects.get(pk=other.employee.pk).anonymised_on is not None


# --- the dry run and the report --------------------------------------------------------------


def test_a_dry_run_counts_what_would_go_and_writes_nothing(world: Any) -> None:
    past = past_case(world)

    counts = run(world, D(2060, 1, 1), dry_run=True)
    assert counts["case_files"] == 1 and counts["medical_notes"] == 1 and counts["people"] == 1
    assert past.notes() == 1 and past.medical_notes() == 1
    assert Employee.objects.get(pk=past.employee.pk).anonymised_on is None
    assert RetentionRun.objects.count() == 0


def test_the_command_dry_run_prints_and_writes_nothing(world: Any) -> None:
    past = past_case(world)
    out = StringIO()
    call_command("retention", "--dry-run", "--date", "2060-01-01", stdout=out)
    assert "Dry run" in out.getvalue()
    assert "Wereldbakkers" in out.getvalue()
    assert past.notes() == 1
    assert RetentionRun.objects.count() == 0


def test_the_report_names_category_employer_and_number_but_nobody(world: Any) -> None:
    past = past_case(world)
    person = past.employee
    call_command("retention", "--date", "2060-01-01", stdout=StringIO())

    report = RetentionRun.objects.get()
    assert report.as_of == D(2060, 1, 1) and report.finished_at is not None
    lines = {
        line.category: line
        for line in RetentionLine.objects.filter(run=report, arbodienst=world.tenant)
    }
    assert lines["case_files"].employer_id == world.employer.pk
    assert lines["case_files"].count == 1
    # Only a category, a tenant, an employer and a number: no column could hold a person.
    assert {field.name for field in RetentionLine._meta.concrete_fields} == {
        "id",
        "run",
        "arbodienst",
        "employer",
        "category",
        "count",
    }
    written = json.dumps(
        [model_to_dict(report)] + [model_to_dict(line) for line in lines.values()], default=str
    )
    for personal in (person.surname, person.email, person.street, person.city):
        assert personal not in written


def test_reports_are_kept_five_years(world: Any) -> None:
    with on(D(2030, 1, 1)):
        retention.run(D(2030, 1, 1))
    retention.run(D(2035, 1, 1))
    assert RetentionRun.objects.filter(as_of=D(2030, 1, 1)).exists()
    retention.run(D(2035, 1, 2))
    assert not RetentionRun.objects.filter(as_of=D(2030, 1, 1)).exists()


def test_one_arbodienst_at_a_time(world: Any) -> None:
    past = past_case(world)
    run(world, D(2060, 1, 1), arbodienst_id=world.other_tenant.pk)
    assert past.notes() == 1
    run(world, D(2060, 1, 1), arbodienst_id=world.tenant.pk)
    assert past.notes() == 0


def test_shorter_terms_of_the_arbodienst_apply(world: Any) -> None:
    type(world.tenant).objects.filter(pk=world.tenant.pk).update(retention_reintegration=1)
    past = past_case(world, employment_end=None)
    run(world, D(2022, 2, 1))
    assert past.notes() == 1
    run(world, D(2022, 2, 2))
    assert past.notes() == 0


def test_the_daily_job_and_celery_beat_run_the_retention_job(world: Any, settings: Any) -> None:
    from hersteld.core.tasks import retention_run

    assert settings.CELERY_BEAT_SCHEDULE["core-retention"]["task"] == "core.retention"
    call_command("run_daily", "--date", "2026-12-02", stdout=StringIO())
    assert RetentionRun.objects.filter(as_of=D(2026, 12, 2)).count() == 1
    retention_run()
    assert RetentionRun.objects.count() == 2


# --- consult notes: part of the medical file, 20 years after they were written --------------


def consult_note(world: Any, written: dt.date) -> Any:
    from hersteld.consults.models import ConsultNote
    from hersteld.consults.services import add_note, record_held
    from tests.support.consults import backdate, clinic, next_weekday_at, plan

    c = clinic(world)
    consult = backdate(plan(c, next_weekday_at(2, 10)), timezone.now() - dt.timedelta(hours=2))
    record_held(actor=world.medic, consult_id=consult.pk)
    with on(written):
        note = add_note(actor=world.medic, consult_id=consult.pk, text="Belastbaarheid besproken.")
    return ConsultNote.objects.filter(pk=note.pk), c.case


def test_a_consult_note_is_kept_twenty_years_after_it_was_written(world: Any) -> None:
    note, _case = consult_note(world, D(2021, 3, 1))
    run(world, D(2041, 3, 1))
    assert note.exists()
    assert run(world, D(2041, 3, 2)).get("consult_notes") == 1
    assert not note.exists()


def test_a_hold_keeps_the_consult_notes(world: Any) -> None:
    note, case = consult_note(world, D(2021, 3, 1))
    set_hold(actor=world.casemanager, case_id=case.pk, reason="Geschil")
    run(world, D(2060, 1, 1))
    assert note.exists()


# --- consult reports and questions: with the case file, or (open spreekuur) the medical term ---


def held_with_report(world: Any) -> Any:
    from hersteld.consults.services import record_held, save_report
    from tests.support.consults import backdate, clinic, next_weekday_at, plan

    c = clinic(world)
    consult = backdate(plan(c, next_weekday_at(2, 10)), timezone.now() - dt.timedelta(hours=2))
    record_held(actor=world.medic, consult_id=consult.pk)
    save_report(
        actor=world.medic, consult_id=consult.pk, data={"capabilities": "Halve dagen werken."}
    )
    return consult


def test_a_consult_report_goes_once_the_case_file_is_erased(world: Any) -> None:
    from hersteld.consults.models import Report

    consult = held_with_report(world)
    reports = Report.objects.filter(consult=consult)
    assert reports.count() == 1

    run(world, D(2060, 1, 1))  # the case is still open: its file is kept
    assert reports.count() == 1
    AbsenceCase.objects.filter(pk=consult.case_id).update(file_erased_on=D(2060, 1, 1))
    assert run(world, D(2060, 1, 2)).get("consult_reports") == 1
    assert reports.count() == 0


def test_an_open_spreekuur_question_is_kept_for_the_medical_term(world: Any) -> None:
    from hersteld.consults.models import Consult
    from tests.support.consults import requested_and_held

    with on(D(2021, 3, 1)):
        _clinic, consult = requested_and_held(world)
    Consult.objects.filter(pk=consult.pk).update(
        created_at=timezone.make_aware(dt.datetime(2021, 3, 1, 9))
    )
    asked = Consult.objects.filter(pk=consult.pk, question="Ik wil praten over werkdruk.")

    run(world, D(2041, 3, 1))
    assert asked.exists()
    assert run(world, D(2041, 3, 2)).get("consult_questions") == 1
    assert not asked.exists()
    assert Consult.objects.filter(pk=consult.pk).exists()  # the consult itself stays
