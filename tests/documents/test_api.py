"""UWV documents through the API (P12, issue 13): lifecycle, rights, the milestone link,
versions, immutability, the medical split and signed scans, on a `world`."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hersteld.core.models import AccessEvent, AuditEvent
from hersteld.documents.models import Document, DocumentScan
from hersteld.poortwachter.models import Todo
from tests.support.documents import (
    ANALYSIS_FIELDS,
    DIAGNOSIS,
    JPEG,
    PDF,
    PLAN_FIELDS,
    PNG,
    pdf_text,
    sick_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world: Any) -> Any:
    return sick_case(world)


def create(api: Any, user: Any, case: Any, doc_type: str) -> Any:
    return api(user.username).post(f"/api/v1/cases/{case.pk}/documents", {"type": doc_type})


def test_document_types_declare_the_issue_codes_fields_and_milestones(world, api) -> None:
    body = api(world.hr.username).get("/api/v1/document-types").json()
    by_code = {t["code"]: t for t in body}
    assert set(by_code) == {
        "PROBLEEMANALYSE",
        "BIJSTELLING_PROBLEEMANALYSE",
        "PLAN_VAN_AANPAK",
        "EVALUATIE",
        "EERSTEJAARSEVALUATIE",
        "MELDING_42_WEKEN",
        "ACTUEEL_OORDEEL",
        "EINDEVALUATIE",
        "VERKORT_RIV",
        "HERSTELMELDING_UWV",
        "ZW_AANVRAAG",
        "WAZO_AANVRAAG",
        "WIJZIGING_DEELHERSTEL_ZW",
        "MEDISCHE_INFORMATIE",
        "OORDEEL_WERKNEMER",
        "ZIEK_UIT_DIENST_MELDING",
        "MELDING_AANSLUITEND_ZIEK_WAZO",
    }
    fields = {
        code: {f["code"]: f for s in t["sections"] for f in s["fields"]}
        for code, t in by_code.items()
    }
    assert fields["PROBLEEMANALYSE"]["diagnosis"]["medical"] is True
    assert fields["PLAN_VAN_AANPAK"]["view_employer"]["view"] is True
    assert fields["PLAN_VAN_AANPAK"]["view_employee"]["view"] is True
    assert by_code["PLAN_VAN_AANPAK"]["signers"] == ["employer", "employee"]
    assert by_code["PROBLEEMANALYSE"]["drafters"] == ["medic"]
    assert by_code["ZW_AANVRAAG"]["read_permission"] == "absence.view_safety_net"
    milestones = {code: t["milestone"] for code, t in by_code.items() if t["milestone"]}
    assert milestones == {
        "PROBLEEMANALYSE": "PROBLEEMANALYSE",
        "PLAN_VAN_AANPAK": "PLAN_VAN_AANPAK",
        "EVALUATIE": "EVALUATIE",
        "EERSTEJAARSEVALUATIE": "EERSTEJAARSEVALUATIE",
        "MELDING_42_WEKEN": "MELDING_42_WEKEN",
        "ACTUEEL_OORDEEL": "ACTUEEL_OORDEEL",
        "EINDEVALUATIE": "EINDEVALUATIE",
    }


def test_a_plan_van_aanpak_is_prefilled_from_employee_employer_chain_and_analysis(
    world, api, case
) -> None:
    analysis = create(api, world.medic, case, "PROBLEEMANALYSE").json()
    medic = api(world.medic.username)
    medic.patch(f"/api/v1/documents/{analysis['id']}", {"fields": ANALYSIS_FIELDS})
    assert medic.post(f"/api/v1/documents/{analysis['id']}/final", {}).status_code == 200

    response = create(api, world.casemanager, case, "PLAN_VAN_AANPAK")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft" and body["version"] == 1
    fields = body["fields"]
    assert fields["employee_name"] == "W. Werknemer"
    assert fields["employer_name"] == world.employer.name
    assert fields["first_day"] == case.first_day.isoformat()
    assert fields["function_name"] == "Medewerker"
    assert fields["hours_per_week"] == 36
    assert fields["casemanager"] == world.casemanager.username
    assert fields["analysis_date"] == timezone.localdate().isoformat()
    assert fields["goal"] is None
    assert body["medical_fields"] is None  # a plan van aanpak has no medical part


def test_who_may_draft_which_type(world, api, case) -> None:
    assert create(api, world.hr, case, "PROBLEEMANALYSE").status_code == 403
    assert create(api, world.casemanager, case, "PROBLEEMANALYSE").status_code == 403
    assert create(api, world.medic, case, "PROBLEEMANALYSE").status_code == 201
    assert create(api, world.hr, case, "PLAN_VAN_AANPAK").status_code == 201
    assert create(api, world.employee, case, "PLAN_VAN_AANPAK").status_code == 403
    assert create(api, world.employee, case, "OORDEEL_WERKNEMER").status_code == 201
    # The vangnet claim names the category: arbodienst staff only.
    assert create(api, world.hr, case, "ZW_AANVRAAG").status_code == 403
    assert create(api, world.casemanager, case, "ZW_AANVRAAG").status_code == 201
    # Another employer's HR user and another arbodienst: the case does not exist for them.
    assert create(api, world.other_hr, case, "PLAN_VAN_AANPAK").status_code == 404
    assert create(api, world.other_admin, case, "PLAN_VAN_AANPAK").status_code == 404
    assert create(api, world.hr, case, "NO_SUCH_TYPE").status_code == 422


def test_finalising_a_plan_marks_its_milestone_done_with_a_link_both_ways(world, api, case) -> None:
    client = api(world.casemanager.username)
    doc = create(api, world.casemanager, case, "PLAN_VAN_AANPAK").json()
    assert (
        client.patch(f"/api/v1/documents/{doc['id']}", {"fields": PLAN_FIELDS}).status_code == 200
    )
    before = Todo.objects.get(case=case, code="PLAN_VAN_AANPAK")
    assert before.done_on is None
    assert not Todo.objects.filter(case=case, code="EVALUATIE", done_on__isnull=False).exists()

    final = client.post(f"/api/v1/documents/{doc['id']}/final", {})
    assert final.status_code == 200, final.json()
    body = final.json()
    assert body["status"] == "final"
    assert body["document_date"] == timezone.localdate().isoformat()
    todo = Todo.objects.get(case=case, code="PLAN_VAN_AANPAK")
    assert todo.done_on == timezone.localdate()
    assert body["todo_id"] == todo.pk
    assert list(todo.documents.values_list("pk", flat=True)) == [doc["id"]]
    # The plan recomputed: the first evaluation counts from the plan's done date (6 weeks).
    first_evaluation = Todo.objects.get(case=case, code="EVALUATIE", number=1)
    assert first_evaluation.due == timezone.localdate() + timezone.timedelta(days=42)
    assert body["identification"]["employee_name"] == "W. Werknemer"


def test_a_final_document_is_immutable_and_a_revision_names_the_one_it_replaces(
    world, api, case
) -> None:
    client = api(world.casemanager.username)
    doc = create(api, world.casemanager, case, "PLAN_VAN_AANPAK").json()
    assert client.post(f"/api/v1/documents/{doc['id']}/revise", {}).status_code == 409
    client.patch(f"/api/v1/documents/{doc['id']}", {"fields": PLAN_FIELDS})
    client.post(f"/api/v1/documents/{doc['id']}/final", {})
    audits = AuditEvent.objects.count()

    patched = client.patch(f"/api/v1/documents/{doc['id']}", {"fields": {"goal": "own_work"}})
    assert patched.status_code == 409
    assert client.post(f"/api/v1/documents/{doc['id']}/final", {}).status_code == 409
    assert Document.objects.get(pk=doc["id"]).fields["goal"] == "adapted_work"
    assert AuditEvent.objects.count() == audits

    revision = client.post(f"/api/v1/documents/{doc['id']}/revise", {})
    assert revision.status_code == 201
    body = revision.json()
    assert (body["version"], body["replaces_id"], body["status"]) == (2, doc["id"], "draft")
    assert body["fields"]["activities"] == PLAN_FIELDS["activities"]
    assert client.post(f"/api/v1/documents/{doc['id']}/revise", {}).status_code == 409
    changed = client.patch(f"/api/v1/documents/{body['id']}", {"fields": {"goal": "own_work"}})
    assert changed.status_code == 200
    assert client.post(f"/api/v1/documents/{body['id']}/final", {}).status_code == 200
    # The milestone stays linked to the first version; the revision completes no new step.
    assert Todo.objects.get(case=case, code="PLAN_VAN_AANPAK").documents.count() == 1


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"fields": {"no_such_field": "x"}}, "fields.no_such_field", "document_unknown_field"),
        ({"fields": {"goal": 5}}, "fields.goal", "invalid_choice"),
        ({"fields": {"first_day": "gisteren"}}, "fields.first_day", "document_field_kind"),
        ({"fields": {"hours_per_week": "veel"}}, "fields.hours_per_week", "document_field_kind"),
        ({"fields": {"activities": ["a"]}}, "fields.activities", "document_field_kind"),
        (
            {"fields": {"view_employer": "Hij heeft rugklachten."}},
            "fields.view_employer",
            "medical_term",
        ),
        ({"medical_fields": {"diagnosis": "x"}}, "medical_fields", "document_medical_not_allowed"),
    ],
)
def test_bad_input_answers_422_and_writes_nothing(world, api, case, payload, field, code) -> None:
    client = api(world.casemanager.username)
    doc = client.post(f"/api/v1/cases/{case.pk}/documents", {"type": "PLAN_VAN_AANPAK"}).json()
    before = (Document.objects.get(pk=doc["id"]).fields, AuditEvent.objects.count())
    response = client.patch(f"/api/v1/documents/{doc['id']}", payload)
    assert response.status_code == 422
    assert {(e["field"], e["code"]) for e in response.json()["errors"]} == {(field, code)}
    assert (Document.objects.get(pk=doc["id"]).fields, AuditEvent.objects.count()) == before


def test_the_guard_checks_employer_readable_fields_of_the_doctor_too(world, api, case) -> None:
    doc = create(api, world.medic, case, "PROBLEEMANALYSE").json()
    client = api(world.medic.username)
    response = client.patch(
        f"/api/v1/documents/{doc['id']}", {"fields": {"limitations": "Door de hernia niet tillen."}}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "fields.limitations"
    # In the medical part the doctor writes the diagnosis freely.
    ok = client.patch(
        f"/api/v1/documents/{doc['id']}", {"medical_fields": {"diagnosis": DIAGNOSIS}}
    )
    assert ok.status_code == 200
    assert ok.json()["medical_fields"]["diagnosis"] == DIAGNOSIS


def test_finalising_needs_the_required_fields_and_signers(world, api, case) -> None:
    doc = create(api, world.casemanager, case, "PLAN_VAN_AANPAK").json()
    client = api(world.casemanager.username)
    client.patch(f"/api/v1/documents/{doc['id']}", {"fields": {"goal": "own_work"}})
    response = client.post(f"/api/v1/documents/{doc['id']}/final", {})
    assert response.status_code == 422
    errors = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert errors == {
        ("fields.activities", "required"),
        ("fields.evaluation_moments", "required"),
        ("fields.signer_employer", "document_signer_required"),
        ("fields.signer_employee", "document_signer_required"),
    }
    assert Document.objects.get(pk=doc["id"]).status == "draft"
    assert Todo.objects.get(case=case, code="PLAN_VAN_AANPAK").done_on is None


def test_empty_views_are_allowed_but_shown_missing_for_d1_after_july_2023(world, api, case) -> None:
    doc = create(api, world.hr, case, "PLAN_VAN_AANPAK").json()
    client = api(world.hr.username)
    fields = {**PLAN_FIELDS, "view_employer": "", "view_employee": "  "}
    client.patch(f"/api/v1/documents/{doc['id']}", {"fields": fields})
    final = client.post(f"/api/v1/documents/{doc['id']}/final", {})
    assert final.status_code == 200
    assert final.json()["missing_views"] == ["view_employer", "view_employee"]


def _final_analysis(world: Any, api: Any, case: Any) -> int:
    doc = create(api, world.medic, case, "PROBLEEMANALYSE").json()
    client = api(world.medic.username)
    client.patch(
        f"/api/v1/documents/{doc['id']}",
        {"fields": ANALYSIS_FIELDS, "medical_fields": {"diagnosis": DIAGNOSIS}},
    )
    assert client.post(f"/api/v1/documents/{doc['id']}/final", {}).status_code == 200
    return int(doc["id"])


def test_the_diagnosis_never_reaches_an_employer_user(world, api, case) -> None:
    pk = _final_analysis(world, api, case)
    assert Todo.objects.get(case=case, code="PROBLEEMANALYSE").done_on == timezone.localdate()
    for user in (world.hr, world.manager, world.casemanager, world.employee):
        client = api(user.username)
        body = client.get(f"/api/v1/documents/{pk}")
        assert body.status_code == 200
        assert body.json()["medical_fields"] is None
        assert "hernia" not in body.content.decode().lower()
        listed = client.get(f"/api/v1/cases/{case.pk}/documents")
        assert "hernia" not in listed.content.decode().lower()
        if user not in (world.hr, world.employee):
            continue
        pdf = client.get(f"/api/v1/documents/{pk}/pdf")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        text = pdf_text(pdf.content)
        assert "W. Werknemer" in text
        assert "hernia" not in text.lower()
    medic_pdf = pdf_text(api(world.medic.username).get(f"/api/v1/documents/{pk}/pdf").content)
    assert "hernia" in medic_pdf.lower()
    # Not even the doctor's re-integratieverslag holds the medical part.
    report = api(world.medic.username).get(f"/api/v1/cases/{case.pk}/reintegration-report.pdf")
    report_text = pdf_text(report.content)
    assert "Probleemanalyse" in report_text
    assert "hernia" not in report_text.lower()


def test_every_read_is_an_access_event_and_a_medical_read_is_named(world, api, case) -> None:
    pk = _final_analysis(world, api, case)
    before = AccessEvent.objects.filter(object_type="documents.document", object_id=str(pk))
    count = before.count()
    api(world.hr.username).get(f"/api/v1/documents/{pk}")
    api(world.medic.username).get(f"/api/v1/documents/{pk}")
    purposes = list(
        AccessEvent.objects.filter(object_type="documents.document", object_id=str(pk))
        .order_by("id")
        .values_list("actor_name", "purpose")[count:]
    )
    assert purposes == [
        (world.hr.username, "document"),
        (world.medic.username, "document"),
        (world.medic.username, "medical"),
    ]


def test_medical_information_is_for_the_doctor_and_the_employee_only(world, api, case) -> None:
    doc = create(api, world.medic, case, "MEDISCHE_INFORMATIE").json()
    api(world.medic.username).patch(
        f"/api/v1/documents/{doc['id']}", {"medical_fields": {"medical_information": DIAGNOSIS}}
    )
    assert api(world.hr.username).get(f"/api/v1/documents/{doc['id']}").status_code == 404
    assert api(world.casemanager.username).get(f"/api/v1/documents/{doc['id']}").status_code == 404
    own = api(world.employee.username).get(f"/api/v1/documents/{doc['id']}")
    assert own.json()["medical_fields"]["medical_information"] == DIAGNOSIS


def _final_plan(world: Any, api: Any, case: Any) -> int:
    doc = create(api, world.casemanager, case, "PLAN_VAN_AANPAK").json()
    client = api(world.casemanager.username)
    client.patch(f"/api/v1/documents/{doc['id']}", {"fields": PLAN_FIELDS})
    client.post(f"/api/v1/documents/{doc['id']}/final", {})
    return int(doc["id"])


@pytest.mark.parametrize(
    ("content", "kind"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (PDF, "application/pdf")]
)
def test_a_signed_scan_is_accepted_by_its_content(world, api, case, content, kind) -> None:
    pk = _final_plan(world, api, case)
    upload = SimpleUploadedFile("getekend.bin", content, content_type="text/plain")
    response = api(world.casemanager.username).client.post(
        f"/api/v1/documents/{pk}/scan", {"file": upload}
    )
    assert response.status_code == 201
    assert response.json()["content_type"] == kind
    assert DocumentScan.objects.get(document_id=pk).size == len(content)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"GIF89a" + b"\x00" * 20, "scan_type"),
        (b"", "scan_empty"),
        (PNG + b"\x00" * 2048, "scan_too_large"),
    ],
)
def test_a_scan_that_is_not_a_pdf_jpeg_or_png_or_too_large_is_refused(
    world, api, case, settings, content, code
) -> None:
    settings.DOCUMENT_SCAN_MAX_BYTES = 1024
    pk = _final_plan(world, api, case)
    upload = SimpleUploadedFile("scan.png", content, content_type="image/png")
    response = api(world.casemanager.username).client.post(
        f"/api/v1/documents/{pk}/scan", {"file": upload}
    )
    assert response.status_code == 422
    assert [e["code"] for e in response.json()["errors"]] == [code]
    assert not DocumentScan.objects.exists()


def test_a_draft_takes_no_scan(world, api, case) -> None:
    doc = create(api, world.casemanager, case, "PLAN_VAN_AANPAK").json()
    upload = SimpleUploadedFile("scan.png", PNG, content_type="image/png")
    response = api(world.casemanager.username).client.post(
        f"/api/v1/documents/{doc['id']}/scan", {"file": upload}
    )
    assert response.status_code == 409


def test_a_draft_pdf_carries_the_watermark_and_the_identification(world, api, case) -> None:
    doc = create(api, world.casemanager, case, "PLAN_VAN_AANPAK").json()
    text = pdf_text(
        api(world.casemanager.username).get(f"/api/v1/documents/{doc['id']}/pdf").content
    )
    assert "CONCEPT" in text
    # The print stylesheet applies: the page number stands in the page margin.
    assert "pagina 1 / 1" in text
    assert text.count("W. Werknemer") >= 1
    assert world.employer.name in text
    assert case.first_day.strftime("%d-%m-%Y") in text
    final = _final_plan(world, api, case)
    final_text = pdf_text(
        api(world.casemanager.username).get(f"/api/v1/documents/{final}/pdf").content
    )
    assert "CONCEPT" not in final_text
    assert "C. Casemanager" in final_text and "W. Werknemer" in final_text


def test_the_report_holds_final_documents_in_order_with_the_employee_view_last(
    world, api, case
) -> None:
    _final_analysis(world, api, case)
    view = create(api, world.employee, case, "OORDEEL_WERKNEMER").json()
    employee = api(world.employee.username)
    employee.patch(
        f"/api/v1/documents/{view['id']}",
        {"fields": {"opinion": "Ik vind dat het goed gaat.", "signer_employee": "W. Werknemer"}},
    )
    assert employee.post(f"/api/v1/documents/{view['id']}/final", {}).status_code == 200
    _final_plan(world, api, case)
    create(api, world.casemanager, case, "EVALUATIE")  # a draft: not in the report
    text = pdf_text(
        api(world.hr.username).get(f"/api/v1/cases/{case.pk}/reintegration-report.pdf").content
    )
    order = [
        text.index(name)
        for name in ("Probleemanalyse\n", "Plan van aanpak\n", "Oordeel werknemer\n")
    ]
    assert "Re-integratieverslag" in text
    body = text[text.index("Inhoud") if "Inhoud" in text else 0 :]
    assert order == sorted(order), body[:400]
    assert "Evaluatie / bijstelling" not in text


@pytest.mark.parametrize("count", [1, 6])
def test_the_chain_list_takes_a_fixed_number_of_queries(
    world, api, case, django_assert_max_num_queries, count
) -> None:
    for _ in range(count):
        doc = create(api, world.casemanager, case, "PLAN_VAN_AANPAK").json()
        api(world.casemanager.username).patch(
            f"/api/v1/documents/{doc['id']}", {"fields": PLAN_FIELDS}
        )
    client = api(world.hr.username)
    # One query more than before B5: the digital signatures, prefetched for the whole list.
    with django_assert_max_num_queries(10):
        response = client.get(f"/api/v1/cases/{case.pk}/documents")
    assert len(response.json()) == count
