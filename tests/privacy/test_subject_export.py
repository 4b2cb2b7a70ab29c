"""The GDPR export of one employee (issue 15, B4): a ZIP with a JSON file per kind of record
about him, a manifest and a PDF summary; produced by arbodienst staff of his tenant; the
medical content only for a requester with medical.view (docs/rules/privacy.md).

The world: the employee of Wereldbakkers has a sickness case that began today, with one
recovery, one case note, one medical note, a probleemanalyse with a diagnosis, a held
consult with a consult note and a final report, two messages (the dossier thread and the
medical thread), an SMS consent and a medical information request. His colleague has a case
of his own with a note and a message; none of it may appear.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from hersteld.absence import services as absence
from hersteld.consults import services as consults
from hersteld.core.models import AccessEvent, AuditEvent
from hersteld.documents import services as documents
from hersteld.messaging import services as messaging
from hersteld.people import selectors as people_selectors
from hersteld.poortwachter.models import Todo
from tests.support.consults import backdate, clinic, next_weekday_at, plan
from tests.support.documents import DIAGNOSIS, pdf_text

pytestmark = pytest.mark.django_db

MEDICAL_NOTE = "Vertelt over slapeloosheid sinds de operatie."
CONSULT_NOTE = "Spreekuur: klachten nemen af, fysiotherapie loopt."
MEDICAL_MESSAGE = "Ik stuur u de brief van de specialist."
CASE_MESSAGE = "Kunt u donderdag bellen over de werkhervatting?"
COLLEAGUE_NOTE = "Collega belt volgende week terug."
COLLEAGUE_MESSAGE = "Bericht in het dossier van de collega."
QUESTION = "Wat is de verwachte duur van de behandeling?"
PURPOSE = "Inzageverzoek van de werknemer (art. 15 AVG)"


@dataclass
class Dossier:
    world: Any
    case: Any
    colleague_case: Any


@pytest.fixture
def dossier(world: Any) -> Dossier:
    c = clinic(world)
    case = c.case
    today = timezone.localdate()
    absence.add_recovery(
        actor=world.casemanager, case_id=case.pk, data={"date": today, "percentage": 50}
    )
    absence.add_note(actor=world.casemanager, case_id=case.pk, text="Werknemer gebeld.")
    absence.add_medical_note(actor=world.medic, case_id=case.pk, text=MEDICAL_NOTE)
    draft = documents.create_draft(actor=world.medic, case_id=case.pk, doc_type="PROBLEEMANALYSE")
    documents.save_draft(
        actor=world.medic,
        document_id=draft.pk,
        fields={"limitations": "Niet tillen boven 10 kilo."},
        medical_fields={"diagnosis": DIAGNOSIS},
    )
    consult = plan(c, next_weekday_at(4, 10))
    backdate(consult, timezone.now() - dt.timedelta(hours=1))
    consults.record_held(actor=world.medic, consult_id=consult.pk)
    consults.add_note(actor=world.medic, consult_id=consult.pk, text=CONSULT_NOTE)
    consults.save_report(
        actor=world.medic,
        consult_id=consult.pk,
        data={"text": "Gesprek over de opbouw.", "capabilities": "Zittend werk, 4 uur per dag."},
    )
    consults.finalise_report(actor=world.medic, consult_id=consult.pk)
    messaging.send(actor=world.casemanager, case_id=case.pk, text=CASE_MESSAGE)
    messaging.send(actor=world.employee, case_id=case.pk, text=MEDICAL_MESSAGE, thread="medical")
    consults.give_sms_consent(actor=world.employee, phone="0612345678")
    consults.request_information(
        actor=world.medic,
        employee_id=world.own_employee.pk,
        data={
            "scope": "Behandeling rug",
            "physician": "Huisarts Wereldstad",
            "question": QUESTION,
            "consent_at": timezone.now() - dt.timedelta(hours=2),
        },
    )
    colleague_case = world.report_sick(world.colleague_employment, actor=world.casemanager)
    absence.add_note(actor=world.casemanager, case_id=colleague_case.pk, text=COLLEAGUE_NOTE)
    messaging.send(actor=world.casemanager, case_id=colleague_case.pk, text=COLLEAGUE_MESSAGE)
    # HR opens the employee page: a read in his access log.
    people_selectors.employee(world.hr, world.own_employee.pk)
    return Dossier(world=world, case=case, colleague_case=colleague_case)


def export(client: Any, employee_id: int, **params: Any) -> Any:
    query = {"purpose": PURPOSE, "request_date": "2026-11-20", **params}
    return client.get(f"/api/v1/employees/{employee_id}/export", **query)


def unpack(response: Any) -> dict[str, Any]:
    """The files of the ZIP: JSON parsed, the PDF as its text."""
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    out: dict[str, Any] = {}
    for name in archive.namelist():
        data = archive.read(name)
        out[name] = pdf_text(data) if name.endswith(".pdf") else json.loads(data)
    return out


def test_the_zip_holds_each_kind_with_the_right_counts(dossier: Dossier, api_as: Any) -> None:
    world = dossier.world
    response = export(api_as(world.medic), world.own_employee.pk)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="avg-inzage-')
    files = unpack(response)
    todos = Todo.objects.filter(case__employee=world.own_employee).count()
    expected = {
        "employee.json": 1,
        "user_account.json": 1,
        "employments.json": 1,
        "employment_terms.json": 1,
        "absence_cases.json": 1,
        "recoveries.json": 1,
        "case_notes.json": 1,
        "medical_notes.json": 1,
        "poortwachter_todos.json": todos,
        "documents.json": 1,
        "consults.json": 1,
        "consult_reports.json": 1,
        "consult_notes.json": 1,
        "messages.json": 2,
        "consents.json": 1,
        "information_requests.json": 1,
    }
    assert todos > 0
    for name, count in expected.items():
        assert len(files[name]) == count, name
    assert {"manifest.json", "samenvatting.pdf", "access_log.json", "audit_events.json"} <= set(
        files
    )
    manifest = files["manifest.json"]
    assert manifest["employee"]["id"] == world.own_employee.pk
    assert manifest["produced_by"]["username"] == world.medic.username
    assert manifest["purpose"] == PURPOSE
    assert manifest["request_date"] == "2026-11-20"
    assert manifest["medical_content_included"] is True
    counts = {item["file"]: item["count"] for item in manifest["files"]}
    for name, rows in files.items():
        if name.endswith(".json") and name != "manifest.json":
            assert counts[name] == len(rows), name
    # HR's read of the employee page is in the access log; the changes are in the audit rows.
    readers = {line["who"] for line in files["access_log.json"]}
    assert (world.hr.get_full_name() or world.hr.username) in readers
    assert {row["object_type"] for row in files["audit_events.json"]} >= {
        "absence.absencecase",
        "absence.recovery",
    }


def test_no_other_employees_data_is_in_it(dossier: Dossier, api_as: Any) -> None:
    world = dossier.world
    response = export(api_as(world.medic), world.own_employee.pk)
    raw = b"".join(
        zipfile.ZipFile(io.BytesIO(response.content)).read(name)
        for name in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        if name.endswith(".json")
    ).decode()
    files = unpack(response)

    assert COLLEAGUE_NOTE not in raw
    assert COLLEAGUE_MESSAGE not in raw
    assert "Collega" not in raw  # the colleague's surname
    assert {case["id"] for case in files["absence_cases.json"]} == {dossier.case.pk}
    assert all(row["case"] == dossier.case.pk for row in files["poortwachter_todos.json"])
    colleague = world.colleague_employment.employee_id
    assert not AuditEvent.objects.filter(employee_id=colleague, action="export").exists()
    assert {row["object_id"] for row in files["audit_events.json"]} >= {str(dossier.case.pk)}
    assert str(dossier.colleague_case.pk) not in {
        row["object_id"]
        for row in files["audit_events.json"]
        if row["object_type"] == "absence.absencecase"
    }


def test_the_medic_gets_the_medical_content(dossier: Dossier, api_as: Any) -> None:
    files = unpack(export(api_as(dossier.world.medic), dossier.world.own_employee.pk))

    assert files["medical_notes.json"][0]["text"] == MEDICAL_NOTE
    assert files["consult_notes.json"][0]["text"] == CONSULT_NOTE
    assert files["documents.json"][0]["medical_fields"]["diagnosis"] == DIAGNOSIS
    assert {m["thread"] for m in files["messages.json"]} == {"case", "medical"}
    assert files["information_requests.json"][0]["question"] == QUESTION
    assert "question" in files["consults.json"][0]
    assert all(not item["omitted"] for item in files["manifest.json"]["files"])
    assert DIAGNOSIS in files["samenvatting.pdf"].replace("\n", " ")


def test_a_casemanager_without_medical_view_gets_no_medical_content(
    dossier: Dossier, api_as: Any
) -> None:
    response = export(api_as(dossier.world.casemanager), dossier.world.own_employee.pk)
    raw = b"".join(
        zipfile.ZipFile(io.BytesIO(response.content)).read(name)
        for name in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    )
    files = unpack(response)

    assert response.status_code == 200
    for secret in (MEDICAL_NOTE, CONSULT_NOTE, DIAGNOSIS, MEDICAL_MESSAGE, QUESTION):
        assert secret.encode() not in raw
        assert secret not in files["samenvatting.pdf"]
    assert files["medical_notes.json"] == []
    assert files["consult_notes.json"] == []
    assert files["information_requests.json"] == []
    assert "medical_fields" not in files["documents.json"][0]
    assert files["documents.json"][0]["fields"]["limitations"] == "Niet tillen boven 10 kilo."
    assert [m["thread"] for m in files["messages.json"]] == ["case"]
    assert "question" not in files["consults.json"][0]
    manifest = files["manifest.json"]
    assert manifest["medical_content_included"] is False
    omitted = {item["file"]: item["omitted"] for item in manifest["files"]}
    assert omitted["medical_notes.json"] == ["*"]
    assert "diagnosis" in omitted["documents.json"]
    # No audit row about the medical file: the medical note's creation is left out.
    assert "absence.medicalnote" not in {row["object_type"] for row in files["audit_events.json"]}


def test_the_pdf_summary_lists_the_records_in_dutch(dossier: Dossier, api_as: Any) -> None:
    world = dossier.world
    text = unpack(export(api_as(world.casemanager), world.own_employee.pk))["samenvatting.pdf"]
    flat = " ".join(text.split())

    assert "AVG-inzageverzoek" in flat
    assert world.own_employee.display_name in flat
    assert "20-11-2026" in flat  # the request date, as a Dutch date
    assert "Verzuimgevallen (1)" in flat
    assert "Berichten (1)" in flat
    assert CASE_MESSAGE in flat
    assert "medisch dossier" in flat  # it says the medical file is left out


def test_the_export_is_audited_and_in_his_access_log(dossier: Dossier, api_as: Any) -> None:
    world = dossier.world
    employee = world.own_employee
    export(api_as(world.casemanager), employee.pk)

    audit = AuditEvent.objects.get(employee_id=employee.pk, action="export")
    assert audit.actor_id == world.casemanager.pk
    assert audit.reason == PURPOSE
    assert audit.changes["medical_content_included"] == [None, False]
    read = AccessEvent.objects.get(employee_id=employee.pk, purpose="export")
    assert read.actor_id == world.casemanager.pk
    assert read.channel == "api"
    lines = api_as(world.casemanager).get(f"/api/v1/employees/{employee.pk}/access-log").json()
    assert any(line["purpose"] == "dossier geëxporteerd (AVG-inzage)" for line in lines["items"])


@pytest.mark.parametrize("who", ["hr", "manager", "employee", "other_admin", "other_casemanager"])
def test_others_than_staff_of_his_tenant_get_404(dossier: Dossier, api_as: Any, who: str) -> None:
    world = dossier.world
    response = export(api_as(getattr(world, who)), world.own_employee.pk)

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_employee_gets_404_on_his_own_export_too(dossier: Dossier, sign_in: Any) -> None:
    world = dossier.world
    response = sign_in(world.employee).get(f"/employees/{world.own_employee.pk}/export/")
    assert response.status_code == 404


def test_a_purpose_is_required_and_a_request_date_not_in_the_future(
    dossier: Dossier, api_as: Any
) -> None:
    world = dossier.world
    client = api_as(world.casemanager)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    empty = export(client, world.own_employee.pk, purpose="  ")
    future = export(client, world.own_employee.pk, request_date=tomorrow.isoformat())
    long = export(client, world.own_employee.pk, purpose="x" * 201)
    # The purpose stands in his history, which HR reads: the medical-term guard runs on it.
    medical = export(client, world.own_employee.pk, purpose="Vraag over zijn hernia")

    assert empty.status_code == future.status_code == long.status_code == 422
    assert medical.status_code == 422
    assert medical.json()["errors"][0]["code"] == "medical_term"
    assert empty.json()["errors"][0]["field"] == "purpose"
    assert future.json()["errors"][0]["code"] == "request_date_future"
    assert long.json()["errors"][0]["code"] == "too_long"
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_portal_button_and_form_download_the_zip(dossier: Dossier, sign_in: Any) -> None:
    world = dossier.world
    pk = world.own_employee.pk
    staff = sign_in(world.casemanager)

    page = staff.get(f"/employees/{pk}/").content.decode()
    assert "AVG-inzage exporteren" in page
    assert (
        "AVG-inzage exporteren" not in sign_in(world.hr).get(f"/employees/{pk}/").content.decode()
    )
    form = staff.get(f"/employees/{pk}/export/")
    assert form.status_code == 200
    assert "U mag het medisch dossier niet inzien" in form.content.decode()
    refused = staff.post(f"/employees/{pk}/export/", {"request_date": "", "purpose": PURPOSE})
    assert refused.status_code == 422
    assert not AuditEvent.objects.filter(action="export").exists()
    done = staff.post(
        f"/employees/{pk}/export/", {"request_date": "2026-11-20", "purpose": PURPOSE}
    )
    assert done.status_code == 200
    assert done["Content-Type"] == "application/zip"
    files = unpack(done)
    assert files["manifest.json"]["produced_by"]["username"] == world.casemanager.username
    assert AccessEvent.objects.get(employee_id=pk, purpose="export").channel == "ui"
    hr_history = sign_in(world.hr).get(f"/employees/{pk}/?tab=history").content.decode()
    assert "AVG-inzageverzoek" not in hr_history  # the employer does not learn of it
    history = staff.get(f"/employees/{pk}/?tab=history").content.decode()
    assert "geëxporteerd (AVG-inzageverzoek)" in history
    assert "Medisch dossier meegenomen" in history
    assert PURPOSE in history


def test_the_openapi_schema_documents_the_zip_and_the_refusals(world: Any, api_as: Any) -> None:
    schema = api_as(world.casemanager).get("/api/openapi.json").json()
    operation = schema["paths"]["/api/v1/employees/{employee_id}/export"]["get"]

    assert "application/zip" in operation["responses"]["200"]["content"]
    assert {"401", "403", "404", "422"} <= set(operation["responses"])


def test_the_history_tab_shows_a_documents_changed_fields_in_one_line(
    dossier: Dossier, sign_in: Any
) -> None:
    """A document's fields are audited as a dict, its medical writes as a list of names:
    the employee's history tab reads both as text (it answered 500 before)."""
    world = dossier.world
    page = sign_in(world.medic).get(f"/employees/{world.own_employee.pk}/?tab=history")

    assert page.status_code == 200
    body = page.content.decode()
    assert "limitations: Niet tillen boven 10 kilo." in body
    assert "diagnosis" in body  # the name of the medical field written, never its content
    assert DIAGNOSIS not in body
