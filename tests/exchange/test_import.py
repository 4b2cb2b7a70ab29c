"""Bulk import (X9): CSV, XLSX and SIVI files, dry run, rerun, row errors, resume, rights, UI, CLI."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.http import Http404
from django.urls import include, path

from hersteld import urls as project_urls
from hersteld.core import bulk
from hersteld.core.models import AuditEvent
from hersteld.exchange import codec, import_tasks, imports
from hersteld.exchange.import_tasks import import_run
from hersteld.exchange.imports import runs as import_runs
from hersteld.exchange.imports import sources as import_sources
from hersteld.exchange.models import Change, ExternalKey, ImportRun, ImportStatus
from hersteld.organisations.models import Department, Employer
from hersteld.people.models import Employee, Employment, EmploymentTerms
from tests.support.exchange import HEADER, csv_file, example, example_departments, row

# The import pages, also before the project's urls.py includes them.
urlpatterns = [
    *project_urls.urlpatterns,
    path("", include("hersteld.exchange.import_urls")),
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def employer(world: Any) -> Employer:
    """The world's employer, with the department codes the rows and files use."""
    example_departments(world, "BAK", "WNK", "ADM")
    return Employer.objects.select_related("arbodienst").get(pk=world.employer.pk)


def run_file(
    employer: Employer,
    content: bytes,
    *,
    user: Any = None,
    filename: str = "personeel.csv",
    dry_run: bool = False,
    again: bool = False,
    chunk_size: int = 2,
) -> imports.Summary:
    run = imports.start_run(
        employer=employer,
        user=user,
        filename=filename,
        content=content,
        dry_run=dry_run,
        again=again,
    )
    return imports.run_import(run, content, user=user, chunk_size=chunk_size)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Employee, Employment, EmploymentTerms, ExternalKey, AuditEvent, Change)
    }


# --- happy paths ----------------------------------------------------------------------------


def test_a_csv_file_creates_people_employments_terms_keys_audit_and_feed(
    employer: Employer,
) -> None:
    before = counts()
    summary = run_file(employer, csv_file(row(1, bsn="111222333"), row(2), row(3, afdeling="WNK")))
    run = summary.run
    assert (run.status, run.rows_done, run.rows_created, run.rows_failed) == ("done", 3, 3, 0)
    after = counts()
    assert after["Employee"] - before["Employee"] == 3
    assert after["Employment"] - before["Employment"] == 3
    assert after["EmploymentTerms"] - before["EmploymentTerms"] == 3
    assert after["ExternalKey"] - before["ExternalKey"] == 6
    assert after["AuditEvent"] - before["AuditEvent"] == 6
    assert after["Change"] - before["Change"] == 6

    job = Employment.objects.select_related("employee", "department").get(personnel_number="IMP-1")
    person = job.employee
    assert (person.initials, person.surname_prefix, person.surname) == ("J.", "van", "Importman1")
    assert person.birth_date == dt.date(1980, 3, 12)
    assert (person.postcode, person.phone, person.bsn) == ("1234 AB", "+31612345678", "111222333")
    assert (person.house_number, person.house_number_addition) == (12, "a")
    assert person.marital_status == "unknown"
    assert job.department.code == "BAK"
    assert (job.hours_per_week, job.annual_salary) == (Decimal("32.50"), Decimal("36000.00"))
    assert job.contract_type == "permanent"
    assert list(job.terms.values_list("valid_from", "hours_per_week")) == [
        (dt.date(2020, 1, 1), Decimal("32.50"))
    ]
    keys = ExternalKey.objects.filter(employer=employer, key__in=["W-IMP-1", "IMP-1"])
    assert {(k.kind, k.object_id) for k in keys} == {
        ("employee", person.pk),
        ("employment", job.pk),
    }
    event = AuditEvent.objects.get(object_type="people.employment", object_id=str(job.pk))
    assert (event.action, event.actor_id, event.actor_name) == ("create", None, "import")
    assert event.changes["personnel_number"] == [None, "IMP-1"]
    assert event.employee_id == person.pk and event.employer_id == employer.pk
    feed = Change.objects.filter(object_type="employee", object_id=person.pk).get()
    assert (feed.action, feed.department_id, feed.employee_id) == (
        "create",
        job.department_id,
        person.pk,
    )
    assert "surname" in feed.fields


def test_the_bulk_rows_are_the_rows_the_portal_writes(employer: Employer, world: Any) -> None:
    """The bulk path writes what `add_employment` writes: same audit changes, terms and feed."""
    from hersteld.people import services

    user = world.hr
    run_file(employer, csv_file(row(1, bsn="111222333")), user=user)
    imported = Employment.objects.get(personnel_number="IMP-1")
    department = Department.objects.get(employer=employer, code="BAK")
    portal = services.add_employment(
        actor=user,
        data={
            "initials": "J.",
            "first_name": "Jan",
            "surname_prefix": "van",
            "surname": "Importman1",
            "birth_date": dt.date(1980, 3, 12),
            "gender": "M",
            "marital_status": "unknown",
            "bsn": "123456782",
            "postcode": "1234ab",
            "street": "Dorpsstraat",
            "house_number": 12,
            "house_number_addition": "a",
            "city": "Utrecht",
            "country": "NL",
            "phone": "06 12345678",
            "email": "imp1@example.org",
            "department": department,
            "personnel_number": "PORTAL-1",
            "start_date": dt.date(2020, 1, 1),
            "hours_per_week": Decimal("32.5"),
            "annual_salary": Decimal("36000.00"),
            "contract_type": "permanent",
            "function_name": "Bakker",
        },
    )

    def written(job: Employment) -> dict[str, Any]:
        events = {
            event.object_type: event
            for event in AuditEvent.objects.filter(employee_id=job.employee_id, action="create")
        }
        feed = {
            change.object_type: sorted(change.fields)
            for change in Change.objects.filter(employee_id=job.employee_id)
        }
        terms = list(job.terms.values_list("valid_from", "department_id", "hours_per_week"))
        return {
            "employee": {k: v for k, v in events["people.employee"].changes.items() if k != "bsn"},
            "employment": {
                k: v
                for k, v in events["people.employment"].changes.items()
                if k != "personnel_number"
            },
            "actors": {(e.actor_id, e.actor_name, e.object_repr != "") for e in events.values()},
            "feed": feed,
            "terms": terms,
        }

    assert written(imported) == written(portal)


def test_the_audit_names_the_importing_user(employer: Employer, world: Any) -> None:
    user = world.hr
    run_file(employer, csv_file(row(1)), user=user)
    job = Employment.objects.get(personnel_number="IMP-1")
    event = AuditEvent.objects.get(object_type="people.employment", object_id=str(job.pk))
    assert (event.actor_id, event.actor_name) == (user.pk, user.username)
    assert ImportRun.objects.get().created_by == user


def test_one_person_with_two_employments_in_one_file(employer: Employer) -> None:
    before = Employee.objects.count()
    same = {"werknemer_id": "W-IMP-1", "achternaam": "Importman1", "afdeling": "WNK"}
    content = csv_file(row(1), row(2, **same), row(3), row(4, **same, personeelsnummer="IMP-4"))
    summary = run_file(employer, content, chunk_size=2)  # within a chunk and across chunks
    assert (summary.run.rows_created, summary.run.rows_updated) == (4, 0)
    jobs = Employment.objects.filter(personnel_number__in=["IMP-1", "IMP-2", "IMP-4"])
    assert len({job.employee_id for job in jobs}) == 1
    assert Employee.objects.count() - before == 2


def test_copy_writes_exactly_what_bulk_create_writes(employer: Employer, monkeypatch: Any) -> None:
    """On PostgreSQL new rows go in by COPY; the same file through `bulk_create` (the SQLite
    path) gives the same rows, audit events and feed rows, ids and timestamps aside."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("COPY is the PostgreSQL path")
    same = {"werknemer_id": "W-IMP-1", "achternaam": "Importman1", "afdeling": "WNK"}
    content = csv_file(
        row(1, bsn="111222333"),
        row(2, **same),  # the same person, within the chunk
        row(3, einddatum="2024-06-30", contractsoort="tijdelijk", jaarsalaris=""),
        row(4, geboortedatum="31-02-1980"),  # fails
        row(5, **same, personeelsnummer="IMP-5", telefoon="020 1234567"),  # across chunks
        row(6, huisnummer="7", tussenvoegsel="", roepnaam="", e_mail=""),
    )
    models = (Employee, Employment, EmploymentTerms, ExternalKey, AuditEvent, Change)
    last = {model: max(model.objects.values_list("id", flat=True), default=0) for model in models}
    labels = {"people.employee": Employee, "people.employment": Employment}
    skip = {"id", "created_at", "updated_at", "occurred_at"}

    def written() -> dict[str, list[dict[str, Any]]]:
        new = {
            model: list(model.objects.filter(id__gt=last[model]).order_by("id").values())
            for model in models
        }
        # An id becomes its place among the ids this run created in the same table.
        place = {model: {r["id"]: i for i, r in enumerate(rows)} for model, rows in new.items()}

        def ref(model: Any, value: Any) -> Any:
            return ("new", place[model][int(value)]) if int(value) in place[model] else value

        out: dict[str, list[dict[str, Any]]] = {}
        requests: dict[str, int] = {}
        for model, rows in new.items():
            kept = []
            for values in rows:
                values = {k: v for k, v in values.items() if k not in skip}
                if "employee_id" in values and values["employee_id"] is not None:
                    values["employee_id"] = ref(Employee, values["employee_id"])
                if model is EmploymentTerms:
                    values["employment_id"] = ref(Employment, values["employment_id"])
                if model is ExternalKey:
                    kind = Employee if values["kind"] == "employee" else Employment
                    values["object_id"] = ref(kind, values["object_id"])
                if model in (AuditEvent, Change) and values["object_type"] in labels:
                    values["object_id"] = ref(labels[values["object_type"]], values["object_id"])
                if model is AuditEvent:  # a new id per run; which events share one counts
                    values["request_id"] = requests.setdefault(values["request_id"], len(requests))
                if model is Change and values["object_type"] in ("employee", "employment"):
                    kind = Employee if values["object_type"] == "employee" else Employment
                    values["object_id"] = ref(kind, values["object_id"])
                kept.append(values)
            out[model.__name__] = kept
        return out

    def imported(copy: bool) -> tuple[dict[str, Any], tuple[int, int, int]]:
        monkeypatch.setattr(bulk, "use_copy", lambda: copy)
        point = transaction.savepoint()
        run = run_file(employer, content, chunk_size=2).run
        rows, counts = written(), (run.rows_created, run.rows_updated, run.rows_failed)
        transaction.savepoint_rollback(point)
        return rows, counts

    by_copy, by_bulk = imported(copy=True), imported(copy=False)
    assert by_copy[1] == (5, 0, 1)
    assert {name: len(rows) for name, rows in by_copy[0].items()} == {
        "Employee": 3,
        "Employment": 5,
        "EmploymentTerms": 5,
        "ExternalKey": 8,
        "AuditEvent": 9,  # 8 created, and the phone of row 5 through update_employee
        "Change": 9,
    }
    assert by_copy == by_bulk


def test_a_copy_that_breaks_a_constraint_raises_integrity_error(employer: Employer) -> None:
    from django.db import IntegrityError, connection, transaction
    from django.utils import timezone

    if connection.vendor != "postgresql":
        pytest.skip("COPY is the PostgreSQL path")
    run_file(employer, csv_file(row(1)))
    columns = ("id", "created_at", *imports.KEY_COLUMNS)
    (pk,) = bulk.reserve_ids(ExternalKey, 1)
    taken = (pk, timezone.now(), employer.pk, "employee", "W-IMP-1", 1, None)
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.copy_insert(ExternalKey, columns, [taken])
    with pytest.raises(ValueError, match="created_at"):
        bulk.copy_insert(ExternalKey, ("id", *imports.KEY_COLUMNS), [])


def test_an_xlsx_file_with_typed_cells(employer: Employer) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "personnel_number",
            "employee_id",
            "Initials",
            "SURNAME",
            "birth_date",
            "gender",
            "bsn",
            "postcode",
            "house_number",
            "phone",
            "department_code",
            "hours_per_week",
            "start_date",
            "annual_salary",
        ]
    )
    sheet.append(
        [
            5001,
            "W-X1",
            "A.B.",
            "Excel",
            dt.datetime(1985, 6, 1),
            "v",
            12345672,
            "1234 AB",
            7,
            612345678,
            "ADM",
            24.5,
            dt.date(2021, 2, 1),
            41000,
        ]
    )
    sheet.append(
        [
            5002,
            "W-X2",
            "C.",
            "Excel",
            "01-06-1985",
            "M",
            None,
            None,
            None,
            None,
            "ADM",
            40,
            "2021-02-01",
            None,
        ]
    )
    data = io.BytesIO()
    book.save(data)
    summary = run_file(employer, data.getvalue(), filename="personeel.xlsx")
    assert summary.run.file_format == "xlsx"
    assert (summary.run.rows_created, summary.run.rows_failed) == (2, 0), summary.run.errors
    job = Employment.objects.select_related("employee").get(personnel_number="5001")
    assert job.employee.birth_date == dt.date(1985, 6, 1)
    assert job.employee.gender == "V"
    assert job.employee.bsn == "012345672"  # the leading zero a number cell loses
    assert job.employee.phone == "+31612345678"
    assert (job.hours_per_week, job.annual_salary) == (Decimal("24.50"), Decimal("41000.00"))
    assert job.start_date == dt.date(2021, 2, 1)


def _department(employer: Employer, code: str) -> None:
    if not Department.objects.filter(employer=employer, code=code).exists():
        department = Department.objects.create(employer=employer, code=code, name=code, path="")
        department.path = f"{department.pk:06d}."
        department.save(update_fields=["path"])


def test_a_sivi_werknemergegevens_file_and_then_a_dienstverbanden_file(employer: Employer) -> None:
    # WerknemerGegevens for the person of the example messages, made from the sick report.
    report = codec.parse(example("sick-report.xml"), codec.SIVI_CONTENT_TYPE)
    item = report.items[0]
    employee_message = codec.Message(
        dataclasses.replace(report.envelope, message_type="employee", message_ref="IMPORT-1"),
        dataclasses.replace(report.employer, payroll_tax_number="999999999L01"),
        (codec.Item(item.employee, item.employment),),
    )
    _department(employer, item.employment.department_code)
    summary = run_file(employer, codec.to_sivi(employee_message), filename="werknemers.xml")
    assert summary.run.file_format == "sivi"
    assert summary.run.rows_created == 1, summary.run.errors
    person_key = ExternalKey.objects.get(
        employer=employer, kind="employee", key=item.employee.external_id
    )
    job_key = ExternalKey.objects.get(
        employer=employer, kind="employment", key=item.employment.external_id
    )
    job = Employment.objects.get(pk=job_key.object_id)
    assert job.employee_id == person_key.object_id
    assert job_key.source_time == report.envelope.sent_at

    # Dienstverbanden: no person data, the person is known by IdWrknmr; it ends the employment.
    ended = codec.parse(example("out-of-service.xml"), codec.SIVI_CONTENT_TYPE).items[0]
    assert ended.employment.external_id == item.employment.external_id
    summary = run_file(employer, example("out-of-service.xml"), filename="dienstverbanden.xml")
    assert summary.run.rows_failed == 0, summary.run.errors
    job.refresh_from_db()
    assert job.end_date == ended.employment.end_date


def test_the_new_employee_example(employer: Employer) -> None:
    message = codec.parse(example("new-employee.xml"), codec.SIVI_CONTENT_TYPE)
    for item in message.items:
        _department(employer, item.employment.department_code)
    summary = run_file(employer, example("new-employee.xml"), filename="new-employee.xml")
    assert summary.run.rows_created == len(message.items), summary.run.errors
    for item in message.items:
        key = ExternalKey.objects.get(
            employer=employer, kind="employee", key=item.employee.external_id
        )
        assert Employee.objects.get(pk=key.object_id).surname == item.employee.surname


def test_a_dienstverbanden_row_for_an_unknown_person_fails_with_its_element_path(
    employer: Employer,
) -> None:
    summary = run_file(employer, example("out-of-service.xml"), filename="dienstverbanden.xml")
    (error,) = summary.run.errors
    assert (error["row"], error["code"]) == (1, "unknown_employee")
    assert error["column"] == "Wrknmr[1]/IdWrknmr"


def test_an_absence_message_or_a_broken_file_is_refused_as_a_whole(employer: Employer) -> None:
    before = counts()
    with pytest.raises(imports.ImportFileError) as refused:
        run_file(employer, example("sick-report.xml"), filename="verzuim.xml")
    assert refused.value.errors[0].code == "sivi_message_type"
    with pytest.raises(imports.ImportFileError) as broken:
        run_file(employer, b"<WerknemerGegevens><kapot", filename="kapot.xml")
    assert broken.value.errors[0].code == "sivi_invalid"
    with pytest.raises(imports.ImportFileError) as missing:
        run_file(employer, b"achternaam;voorletters\nJansen;J.\n")
    assert missing.value.errors[0].code == "missing_column"
    assert counts() == before
    assert set(ImportRun.objects.values_list("status", flat=True)) == {ImportStatus.FAILED}


# --- dry run, rerun, errors, resume ----------------------------------------------------------


def test_a_dry_run_checks_every_row_and_writes_nothing(employer: Employer) -> None:
    before = counts()
    content = csv_file(row(1), row(2, bsn="123456789"), row(3), row(4, werknemer_id="W-IMP-1"))
    summary = run_file(employer, content, dry_run=True, chunk_size=2)
    assert counts() == before
    assert not ImportRun.objects.exists()
    run = summary.run
    assert (run.rows_done, run.rows_created, run.rows_failed) == (4, 3, 1)
    assert run.errors[0]["code"] == "bsn_checksum"
    # The real import of the same file gives the same outcome.
    real = run_file(employer, content).run
    assert (real.rows_created, real.rows_failed) == (3, 1)


def test_a_rerun_creates_nobody_twice_and_updates_only_what_changed(employer: Employer) -> None:
    content = csv_file(row(1), row(2), row(3))
    run_file(employer, content)
    before = counts()
    with pytest.raises(imports.AlreadyImported):
        run_file(employer, content)
    again = run_file(employer, content, again=True).run
    assert (again.rows_done, again.rows_created, again.rows_updated) == (3, 0, 0)
    assert counts() == before

    changed = csv_file(row(1), row(2, uren="36", telefoon="0687654321"), row(3), row(4))
    run = run_file(employer, changed).run
    assert (run.rows_created, run.rows_updated, run.rows_failed) == (1, 1, 0)
    job = Employment.objects.select_related("employee").get(personnel_number="IMP-2")
    assert job.hours_per_week == Decimal("36")
    assert job.employee.phone == "+31687654321"
    updates = AuditEvent.objects.filter(action="update", actor_name="import")
    assert {event.object_type for event in updates} == {"people.employee", "people.employment"}
    assert Employee.objects.filter(surname="Importman2").count() == 1


def test_an_existing_employment_without_a_key_is_matched_by_personnel_number(
    world: Any, employer: Employer
) -> None:
    job = world.own_employment  # added in the portal: no external key
    assert not ExternalKey.objects.filter(employer=employer).exists()
    person = job.employee
    content = csv_file(
        row(
            1,
            personeelsnummer=job.personnel_number,
            werknemer_id="W-HAND-1",
            voorletters=person.initials,
            achternaam=person.surname,
            tussenvoegsel=person.surname_prefix,
            geboortedatum=person.birth_date.isoformat(),
            geslacht=person.gender,
            afdeling=job.department.code,
        )
    )
    before = Employee.objects.count()
    run_file(employer, content)
    assert Employee.objects.count() == before
    assert ExternalKey.objects.get(key="W-HAND-1").object_id == person.pk
    assert ExternalKey.objects.get(kind="employment", key=job.personnel_number).object_id == job.pk


def test_failed_rows_are_reported_with_row_column_and_a_dutch_message(employer: Employer) -> None:
    content = csv_file(
        row(1),
        row(2, bsn="123456789"),
        row(3, afdeling="ONBEKEND"),
        row(4, geboortedatum="31-02-1980"),
        row(5, uren="veel", postcode="12345"),
        row(6, personeelsnummer="IMP-1"),
    )
    summary = run_file(employer, content)
    assert (summary.run.rows_created, summary.run.rows_failed) == (1, 5)
    found = {(e["row"], e["column"], e["code"]) for e in summary.run.errors}
    assert found == {
        (3, "BSN", "bsn_checksum"),
        (4, "Afdeling", "unknown_department"),
        (5, "Geboortedatum", "date_format"),
        (6, "Uren per week", "number_format"),
        (6, "Postcode", "postcode_format"),
        (7, "Personeelsnummer", "duplicate_in_file"),
    }
    messages = {e["code"]: e["message"] for e in summary.run.errors}
    assert "elfproef" in messages["bsn_checksum"]
    assert "ONBEKEND" in messages["unknown_department"]
    assert "regel 2" in messages["duplicate_in_file"]
    assert not Employment.objects.filter(personnel_number__in=["IMP-2", "IMP-3"]).exists()


def test_the_error_report_is_csv(employer: Employer) -> None:
    summary = run_file(employer, csv_file(row(1, afdeling="X")))
    out = io.StringIO()
    assert imports.error_report(summary.run.errors, out) == 1
    lines = list(csv.reader(io.StringIO(out.getvalue())))
    assert lines[0] == ["row", "column", "code", "message"]
    assert lines[1][:3] == ["2", "Afdeling", "unknown_department"]


def test_an_interrupted_import_resumes_and_imports_every_row_exactly_once(
    employer: Employer, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = csv_file(*(row(n) for n in range(1, 8)), row(8, afdeling="X"))
    original = imports.Importer._write
    calls = {"n": 0}

    def flaky(self: imports.Importer, chunk: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("connection lost")
        original(self, chunk)

    monkeypatch.setattr(imports.Importer, "_write", flaky)
    with pytest.raises(RuntimeError):
        run_file(employer, content, chunk_size=3)
    run = ImportRun.objects.get()
    assert (run.status, run.rows_done, run.rows_created) == (ImportStatus.FAILED, 3, 3)
    assert run.errors[-1]["code"] == "stopped"
    assert Employment.objects.filter(personnel_number__startswith="IMP-").count() == 3

    summary = run_file(employer, content, chunk_size=3)  # the same file: resumes after row 3
    assert summary.run.pk == run.pk and summary.rows == 5
    run.refresh_from_db()
    assert (run.status, run.rows_done, run.rows_created, run.rows_failed) == ("done", 8, 7, 1)
    assert [e["code"] for e in run.errors] == ["unknown_department"]
    numbers = list(
        Employment.objects.filter(personnel_number__startswith="IMP-").values_list(
            "personnel_number", flat=True
        )
    )
    assert sorted(numbers) == sorted(f"IMP-{n}" for n in range(1, 8))
    ids = [
        str(pk)
        for pk in Employment.objects.filter(personnel_number__in=numbers).values_list(
            "pk", flat=True
        )
    ]
    assert (
        AuditEvent.objects.filter(object_type="people.employment", object_id__in=ids).count() == 7
    )
    assert Change.objects.filter(object_type="employment", object_id__in=ids).count() == 7
    with pytest.raises(imports.AlreadyImported):
        run_file(employer, content)


# --- rights ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_hr", "foreign_hr", "manager", "employee"])
def test_only_people_change_on_the_whole_employer_may_import(
    employer: Employer, world: Any, who: str
) -> None:
    with pytest.raises(Http404):
        imports.employer_for_import(getattr(world, who), employer.pk)
    assert imports.employer_for_import(world.hr, employer.pk) == employer
    assert imports.employer_for_import(world.casemanager, employer.pk) == employer


def test_a_run_checks_the_rights_again(employer: Employer, world: Any) -> None:
    run = imports.start_run(
        employer=employer, user=world.hr, filename="a.csv", content=csv_file(row(1))
    )
    with pytest.raises(Http404):
        imports.run_import(run, csv_file(row(1)), user=world.other_hr)
    assert not Employment.objects.filter(personnel_number="IMP-1").exists()


# --- portal -----------------------------------------------------------------------------------


def upload(client: Any, employer: Employer, content: bytes, **extra: Any) -> Any:
    file = io.BytesIO(content)
    file.name = "personeel.csv"
    return client.post("/exchange/import/", {"employer": employer.pk, "file": file, **extra})


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any) -> Any:
    """The task runs in the test (not in a thread or a worker), whatever broker CI configures."""
    monkeypatch.setattr(import_tasks, "start", import_run)
    return django_capture_on_commit_callbacks


def test_the_upload_page_imports_and_shows_progress_summary_and_errors(
    employer: Employer, world: Any, sign_in: Any, in_process: Any
) -> None:
    client = sign_in(world.hr)
    page = client.get("/exchange/import/")
    assert page.status_code == 200
    assert list(page.context["form"].fields["employer"].queryset) == [employer]
    with in_process(execute=True):
        response = upload(client, employer, csv_file(row(1), row(2, afdeling="X")))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/exchange/import/{run.pk}/"
    assert (run.status, run.rows_created, run.rows_failed) == ("done", 1, 1)
    assert run.content == b""  # the file is not kept once the import is done

    detail = client.get(f"/exchange/import/{run.pk}/")
    assert detail.status_code == 200
    assert b"<progress" in detail.content and b"import.js" in detail.content
    assert b'id="import-errors"' in detail.content and b"unknown_department" in detail.content
    status = client.get(f"/exchange/import/{run.pk}/status/").json()
    assert status["status"] == "done" and status["finished"] is True
    assert (status["rows_done"], status["rows_created"], status["rows_failed"]) == (2, 1, 1)
    report = client.get(f"/exchange/import/{run.pk}/errors.csv")
    assert report["Content-Type"].startswith("text/csv")
    assert "unknown_department" in report.content.decode("utf-8-sig")


def test_a_dry_run_upload_writes_no_people(
    employer: Employer, world: Any, sign_in: Any, in_process: Any
) -> None:
    before = counts()
    with in_process(execute=True):
        upload(sign_in(world.hr), employer, csv_file(row(1)), dry_run="on")
    run = ImportRun.objects.get()
    assert run.dry_run and run.status == "done" and run.rows_created == 1
    assert counts() == before


def test_an_upload_refuses_a_bad_file_or_a_file_imported_before(
    employer: Employer, world: Any, sign_in: Any, in_process: Any
) -> None:
    client = sign_in(world.hr)
    bad = upload(client, employer, b"naam;leeftijd\nJan;40\n")
    assert bad.status_code == 422 and "file" in bad.context["form"].errors
    with in_process(execute=True):
        upload(client, employer, csv_file(row(1)))
    twice = upload(client, employer, csv_file(row(1)))
    assert twice.status_code == 422 and twice.context["previous"] is not None
    with in_process(execute=True):
        again = upload(client, employer, csv_file(row(1)), again="on")
    assert again.status_code == 302
    assert ImportRun.objects.count() == 2


def test_a_failed_run_can_be_continued_from_its_page(
    employer: Employer, world: Any, sign_in: Any, in_process: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = sign_in(world.hr)
    monkeypatch.setattr(import_runs, "DEFAULT_CHUNK_SIZE", 1)
    monkeypatch.setattr(import_tasks, "SQLITE_CHUNK_SIZE", 1)
    original = imports.Importer._write

    def broken(self: imports.Importer, chunk: Any) -> None:
        if self.run.rows_done >= 1:
            raise RuntimeError("disk full")
        original(self, chunk)

    monkeypatch.setattr(imports.Importer, "_write", broken)
    with in_process(execute=True):
        upload(client, employer, csv_file(row(1), row(2)))
    run = ImportRun.objects.get()
    assert (run.status, run.rows_done) == ("failed", 1) and run.content
    assert client.get(f"/exchange/import/{run.pk}/").context["can_continue"]
    monkeypatch.setattr(imports.Importer, "_write", original)
    with in_process(execute=True):
        client.post(f"/exchange/import/{run.pk}/")
    run.refresh_from_db()
    assert (run.status, run.rows_done, run.rows_created) == ("done", 2, 2)


@pytest.mark.parametrize("who", ["other_hr", "foreign_hr", "manager"])
def test_an_outsider_finds_no_run(
    employer: Employer, world: Any, sign_in: Any, in_process: Any, who: str
) -> None:
    with in_process(execute=True):
        upload(sign_in(world.hr), employer, csv_file(row(1, afdeling="X")))
    run = ImportRun.objects.get()
    client = sign_in(getattr(world, who))
    for suffix in ("", "status/", "errors.csv"):
        assert client.get(f"/exchange/import/{run.pk}/{suffix}").status_code == 404
    assert client.post(f"/exchange/import/{run.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 403),
        ("employee", 403),
        ("operator", 403),
        ("other_hr", 200),
    ],
)
def test_the_upload_page_needs_people_change_on_a_whole_employer(
    world: Any, sign_in: Any, who: str, status: int
) -> None:
    assert sign_in(getattr(world, who)).get("/exchange/import/").status_code == status


def test_an_employer_outside_the_scope_cannot_be_chosen(
    employer: Employer, world: Any, sign_in: Any, in_process: Any
) -> None:
    with in_process(execute=True):
        response = upload(sign_in(world.other_hr), employer, csv_file(row(1)))
    assert response.status_code == 422 and "employer" in response.context["form"].errors
    assert not ImportRun.objects.exists()


# --- the command ---------------------------------------------------------------------------


def test_the_command_imports_reports_and_refuses_a_second_time(
    employer: Employer, tmp_path: Any
) -> None:
    source = tmp_path / "personeel.csv"
    source.write_bytes(csv_file(row(1), row(2, bsn="123456789")))
    report = tmp_path / "fouten.csv"
    out = io.StringIO()
    call_command(
        "import", str(source), "--employer", str(employer.pk), "--errors", str(report), stdout=out
    )
    assert "Import of personeel.csv" in out.getvalue()
    assert Employment.objects.filter(personnel_number="IMP-1").exists()
    lines = list(csv.reader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert lines[1][:3] == ["3", "BSN", "bsn_checksum"]
    again = io.StringIO()
    call_command("import", str(source), "--employer", str(employer.pk), stdout=again)
    assert "already imported" in again.getvalue()


def test_the_command_dry_run_and_user(world: Any, employer: Employer, tmp_path: Any) -> None:
    source = tmp_path / "personeel.csv"
    source.write_bytes(csv_file(row(1)))
    before = counts()
    out = io.StringIO()
    call_command(
        "import",
        str(source),
        "--employer",
        str(employer.pk),
        "--dry-run",
        "--user",
        world.hr.username,
        stdout=out,
    )
    assert "nothing was written" in out.getvalue()
    assert counts() == before and not ImportRun.objects.exists()
    with pytest.raises(CommandError, match="may not change"):
        call_command(
            "import", str(source), "--employer", str(employer.pk), "--user", world.other_hr.username
        )
    with pytest.raises(CommandError, match="cannot be imported"):
        bad = tmp_path / "kapot.csv"
        bad.write_bytes(b"naam\nJan\n")
        call_command("import", str(bad), "--employer", str(employer.pk), stdout=io.StringIO())


# --- files that are not what they claim (E3) ---------------------------------------------------


def workbook(*rows: list[Any]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_row(number: int) -> list[Any]:
    return row(number).split(";")


def rewritten(content: bytes, part: str, change: Any) -> bytes:
    """The workbook with one part's bytes changed."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == part else data)
    return out.getvalue()


def not_a_workbook() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notities.txt", "geen werkmap")
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
DTD = b'<!DOCTYPE worksheet [<!ENTITY a "b">]>'
BROKEN_WORKBOOKS = [
    pytest.param(
        lambda: rewritten(workbook(xlsx_row(1)), SHEET, lambda d: DTD + d),
        "workbook_doctype",
        "DOCTYPE",
        id="dtd-in-the-sheet",
    ),
    pytest.param(
        lambda: rewritten(workbook(xlsx_row(1)), SHEET, lambda d: d[: len(d) // 2]),
        "broken_workbook",
        "beschadigd",
        id="truncated-sheet",
    ),
    pytest.param(
        lambda: rewritten(
            workbook(xlsx_row(1)),
            SHEET,
            lambda d: b'<?xml version="1.0" encoding="utf-7"?>' + d,
        ),
        "broken_workbook",
        "beschadigd",
        id="utf-7-sheet",
    ),
    pytest.param(not_a_workbook, "not_a_workbook", "geen Excel-werkmap", id="zip-not-xlsx"),
]


@pytest.mark.parametrize(("make", "code", "dutch"), BROKEN_WORKBOOKS)
def test_a_broken_or_unsafe_workbook_is_refused_with_a_dutch_error_in_portal_and_cli(
    employer: Employer,
    world: Any,
    sign_in: Any,
    in_process: Any,
    tmp_path: Any,
    make: Any,
    code: str,
    dutch: str,
) -> None:
    content = make()
    before = counts()
    file = io.BytesIO(content)
    file.name = "personeel.xlsx"
    response = sign_in(world.hr).post("/exchange/import/", {"employer": employer.pk, "file": file})
    assert response.status_code == 422
    (shown,) = response.context["form"].errors["file"]
    assert dutch in shown
    with pytest.raises(imports.ImportFileError) as refused:
        imports.check_file("personeel.xlsx", content, employer)
    assert [error.code for error in refused.value.errors] == [code]
    source = tmp_path / "personeel.xlsx"
    source.write_bytes(content)
    out = io.StringIO()
    with pytest.raises(CommandError, match="cannot be imported"):
        call_command("import", str(source), "--employer", str(employer.pk), stdout=out)
    assert dutch in out.getvalue()
    assert counts() == before and not ImportRun.objects.exclude(status="failed").exists()


def test_a_missing_or_doubled_column_is_named_in_the_sentence(employer: Employer) -> None:
    """Not a literal "%(column)s": the sentence names the column."""
    header_without_surname = HEADER.replace(";Achternaam", "")
    values = row(1).split(";")
    del values[5]
    with pytest.raises(imports.ImportFileError) as missing:
        imports.check_file(
            "p.csv", f"{header_without_surname}\n{';'.join(values)}\n".encode(), employer
        )
    (error,) = missing.value.errors
    assert (error.code, error.column) == ("missing_column", "surname")
    assert (
        error.message
        == "Het bestand heeft geen kolom surname (achternaam) (zie de handleiding Importeren)."
    )
    with pytest.raises(imports.ImportFileError) as doubled:
        imports.check_file(
            "p.csv", csv_file(row(1)).replace(b"Roepnaam", b"Voornaam;Roepnaam", 1), employer
        )
    (error,) = doubled.value.errors
    assert error.code == "duplicate_column"
    assert "Voornaam" in error.message and "Roepnaam" in error.message
    assert "first_name" in error.message and "%(" not in error.message


def test_no_import_message_keeps_a_placeholder_with_the_parameters_it_is_given() -> None:
    """Every sentence with the parameters its callers pass (read from the sentences' own names)."""
    import re

    checked = 0
    for code, text in imports.MESSAGES.items():
        names = set(re.findall(r"%\((\w+)\)s", str(text)))
        shown = imports.message(code, {name: f"<{name}>" for name in names})
        assert "%(" not in shown, code
        for name in names:
            assert f"<{name}>" in shown, (code, name)
            checked += 1
    assert checked, "no sentence with a parameter was checked"


# --- the portal's row limit and the import outside the request (E4) -------------------------


def test_an_upload_over_the_row_limit_is_refused_before_any_work(
    employer: Employer, world: Any, sign_in: Any, in_process: Any, settings: Any
) -> None:
    settings.IMPORT_MAX_ROWS = 3
    client = sign_in(world.hr)
    for content, name in [
        (csv_file(*(row(n) for n in range(1, 5))), "personeel.csv"),
        (workbook(*(xlsx_row(n) for n in range(1, 5))), "personeel.xlsx"),
    ]:
        file = io.BytesIO(content)
        file.name = name
        response = client.post("/exchange/import/", {"employer": employer.pk, "file": file})
        assert response.status_code == 422
        (shown,) = response.context["form"].errors["file"]
        assert "meer dan 3 regels" in shown and "hersteld import" in shown
    assert not ImportRun.objects.exists()
    with in_process(execute=True):
        exactly = upload(client, employer, csv_file(*(row(n) for n in range(1, 4))))
    assert exactly.status_code == 302
    assert ImportRun.objects.get().rows_created == 3


def test_counting_rows_stops_at_the_limit_plus_one() -> None:
    import itertools

    endless = itertools.count()
    with pytest.raises(imports.ImportFileError) as refused:
        imports.count_rows(endless, 10)
    assert refused.value.errors[0].code == "too_many_rows"
    assert next(endless) == 11  # rows 0..10 were read, no more


def test_the_command_has_no_row_limit(employer: Employer, tmp_path: Any, settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 1
    source = tmp_path / "personeel.csv"
    source.write_bytes(csv_file(row(1), row(2)))
    call_command("import", str(source), "--employer", str(employer.pk), stdout=io.StringIO())
    assert Employment.objects.filter(personnel_number__in=["IMP-1", "IMP-2"]).count() == 2


def test_without_a_broker_the_upload_returns_before_the_import_runs_in_a_thread(
    employer: Employer,
    world: Any,
    sign_in: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    tasks_in_process: None,
) -> None:
    """tasks_in_process: Celery would run tasks in-process (no broker): the import uses a thread."""
    import threading

    started: list[tuple[str, tuple[Any, ...]]] = []

    def recorded(*args: Any) -> None:
        started.append((threading.current_thread().name, args))

    monkeypatch.setattr(import_tasks, "_in_thread", recorded)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(sign_in(world.hr), employer, csv_file(row(1)))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert run.status == ImportStatus.PENDING and run.rows_done == 0
    [(thread, args)] = started
    assert thread == f"import-run-{run.pk}" and thread != threading.current_thread().name
    import_run(*args)  # what the thread does
    run.refresh_from_db()
    assert (run.status, run.rows_created) == (ImportStatus.DONE, 1)


def test_a_run_no_thread_started_is_picked_up_by_process_exchange(
    employer: Employer, world: Any
) -> None:
    content = csv_file(row(1))
    run = imports.start_run(
        employer=employer,
        user=world.hr,
        filename="p.csv",
        content=content,
        keep_content=True,
    )
    ImportRun.objects.filter(pk=run.pk).update(
        created_at=run.created_at - import_tasks.STALE_AFTER - dt.timedelta(seconds=1)
    )
    out = io.StringIO()
    call_command("process_exchange", stdout=out)
    run.refresh_from_db()
    assert (run.status, run.rows_created) == (ImportStatus.DONE, 1)
    assert "imports started: 1" in out.getvalue()
    call_command("process_exchange", stdout=io.StringIO())  # a done run is not started again
    assert Employment.objects.filter(personnel_number="IMP-1").count() == 1


def test_a_workbook_is_counted_by_its_rows_also_across_read_chunks(
    employer: Employer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exactly at the limit passes, one more is refused; tiny chunks cut every tag somewhere."""
    monkeypatch.setattr(import_sources, "XML_CHUNK_BYTES", 7)
    at_limit = workbook(*(xlsx_row(n) for n in range(1, 6)))
    imports.check_workbook(at_limit, max_rows=5)
    with pytest.raises(imports.ImportFileError) as refused:
        imports.check_workbook(at_limit, max_rows=4)
    assert refused.value.errors[0].code == "too_many_rows"


def test_a_sheet_that_skips_to_row_300000_counts_as_300000_rows(employer: Employer) -> None:
    """openpyxl fills the gap with empty rows; the count goes by the row numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    sheet.cell(row=300_000, column=1, value="IMP-LAST")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(imports.ImportFileError) as refused:
        imports.check_file("p.xlsx", out.getvalue(), employer, max_rows=10_000)
    assert refused.value.errors[0].code == "too_many_rows"


def test_a_sivi_file_with_an_encoding_the_parser_cannot_use_is_refused_not_a_500(
    employer: Employer,
) -> None:
    body = b'<?xml version="1.0" encoding="utf-7"?><WerknemerGegevens/>'
    with pytest.raises(imports.ImportFileError) as refused:
        imports.check_file("personeel.xml", body, employer)
    (error,) = refused.value.errors
    assert error.code == "sivi_invalid" and "unsupported_encoding" in error.message


def test_a_run_left_running_by_a_stopped_process_continues_when_uploaded_again(
    employer: Employer, world: Any, sign_in: Any, in_process: Any
) -> None:
    content = csv_file(row(1), row(2))
    run = imports.start_run(employer=employer, user=world.hr, filename="p.csv", content=content)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    with in_process(execute=True):
        response = upload(sign_in(world.hr), employer, content)
    assert response["Location"] == f"/exchange/import/{run.pk}/"
    run.refresh_from_db()
    assert (run.status, run.rows_created) == (ImportStatus.DONE, 2)
