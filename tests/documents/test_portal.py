"""UWV documents in the portal (P12): the dossier tab, a new document, the draft form that saves
on every change, making final, the worklist link, and the medical part kept from HR."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hersteld.documents import services
from hersteld.documents.models import Document, DocumentScan
from hersteld.poortwachter.models import Todo
from tests.support.documents import ANALYSIS_FIELDS, DIAGNOSIS, PLAN_FIELDS, PNG, sick_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world: Any) -> Any:
    return sick_case(world)


def test_the_documents_tab_lists_the_chain_documents(world, sign_in, case) -> None:
    document = services.create_draft(
        actor=world.casemanager, case_id=case.pk, doc_type="PLAN_VAN_AANPAK"
    )
    page = sign_in(world.hr).get(f"/cases/{case.pk}/?tab=documents")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="?tab=documents"' in html
    assert f"/documents/{document.pk}/" in html
    assert f"/cases/{case.pk}/reintegration-report.pdf" in html


def test_new_document_offers_only_what_the_user_drafts_needed_ones_first(
    world, sign_in, case
) -> None:
    hr_page = sign_in(world.hr).get(f"/cases/{case.pk}/documents/new/").content.decode()
    medic_page = sign_in(world.medic).get(f"/cases/{case.pk}/documents/new/").content.decode()
    assert 'value="PROBLEEMANALYSE"' not in hr_page
    assert 'value="ZW_AANVRAAG"' not in hr_page
    assert 'value="PLAN_VAN_AANPAK"' in hr_page
    assert 'value="PROBLEEMANALYSE"' in medic_page
    assert 'value="PLAN_VAN_AANPAK"' not in medic_page
    # The plan needs a plan van aanpak and a 42-week report before anything else HR drafts.
    first = hr_page.index('value="PLAN_VAN_AANPAK"')
    assert first < hr_page.index('value="VERKORT_RIV"')
    assert first < hr_page.index('value="WAZO_AANVRAAG"')


def test_the_draft_form_saves_every_change_and_refuses_a_medical_term(world, sign_in, case) -> None:
    client = sign_in(world.casemanager)
    response = client.post(f"/cases/{case.pk}/documents/new/", {"type": "PLAN_VAN_AANPAK"})
    document = Document.objects.get(case=case)
    assert response["Location"] == f"/documents/{document.pk}/"

    saved = client.post(f"/documents/{document.pk}/", {"f-goal": "own_work"}, HTTP_X_AUTOSAVE="1")
    assert saved.status_code == 200
    document.refresh_from_db()
    assert document.fields["goal"] == "own_work"

    refused = client.post(
        f"/documents/{document.pk}/",
        {"f-view_employee": "Ik heb last van depressie."},
        HTTP_X_AUTOSAVE="1",
    )
    assert refused.status_code == 422
    assert "depressie" in refused.content.decode()
    document.refresh_from_db()
    assert "view_employee" not in document.fields or not document.fields["view_employee"]


def test_making_final_in_the_portal_and_then_uploading_a_scan(world, sign_in, case) -> None:
    document = services.create_draft(
        actor=world.casemanager, case_id=case.pk, doc_type="PLAN_VAN_AANPAK"
    )
    services.save_draft(actor=world.casemanager, document_id=document.pk, fields=PLAN_FIELDS)
    client = sign_in(world.casemanager)
    client.post(f"/documents/{document.pk}/final/")
    document.refresh_from_db()
    assert document.status == "final"
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "data-autosave" not in page  # a final document has no form
    assert client.post(f"/documents/{document.pk}/", {"f-goal": "external"}).status_code == 409
    upload = SimpleUploadedFile("getekend.png", PNG, content_type="image/png")
    client.post(f"/documents/{document.pk}/scan/", {"file": upload})
    assert DocumentScan.objects.get(document=document).content_type == "image/png"
    pdf = client.get(f"/documents/{document.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")


def test_the_worklist_done_button_opens_the_document_of_the_step(world, sign_in, case) -> None:
    todo = Todo.objects.get(case=case, code="PLAN_VAN_AANPAK")
    client = sign_in(world.casemanager)
    page = client.get("/worklist/?days=366").content.decode()
    assert f"/todos/{todo.pk}/document/" in page
    opened = client.get(f"/todos/{todo.pk}/document/")
    document = Document.objects.get(case=case, doc_type="PLAN_VAN_AANPAK")
    assert opened["Location"] == f"/documents/{document.pk}/"
    # A second click opens the same draft, not a new one.
    assert client.get(f"/todos/{todo.pk}/document/")["Location"] == f"/documents/{document.pk}/"
    assert Document.objects.filter(case=case).count() == 1


def test_hr_never_sees_the_diagnosis_on_the_page(world, sign_in, case) -> None:
    document = services.create_draft(actor=world.medic, case_id=case.pk, doc_type="PROBLEEMANALYSE")
    services.save_draft(
        actor=world.medic,
        document_id=document.pk,
        fields=ANALYSIS_FIELDS,
        medical_fields={"diagnosis": DIAGNOSIS},
    )
    services.finalise(actor=world.medic, document_id=document.pk)
    assert Todo.objects.get(case=case, code="PROBLEEMANALYSE").done_on == timezone.localdate()
    hr_page = sign_in(world.hr).get(f"/documents/{document.pk}/").content.decode()
    assert ANALYSIS_FIELDS["limitations"] in hr_page
    assert "hernia" not in hr_page.lower()
    medic_page = sign_in(world.medic).get(f"/documents/{document.pk}/").content.decode()
    assert DIAGNOSIS in medic_page


def test_a_medical_looking_value_from_the_records_does_not_block_the_form(
    world, sign_in, case
) -> None:
    """A function taken over from the employment is not the author's writing: the form may
    send it back unchanged; typing such a word yourself is still refused."""
    world.own_employment.function_name = "Fysiotherapeut"
    world.own_employment.save(update_fields=["function_name"])
    document = services.create_draft(
        actor=world.casemanager, case_id=case.pk, doc_type="PLAN_VAN_AANPAK"
    )
    assert document.fields["function_name"] == "Fysiotherapeut"
    client = sign_in(world.casemanager)
    post = {"f-function_name": "Fysiotherapeut", "f-goal": "own_work"}
    assert client.post(f"/documents/{document.pk}/", post, HTTP_X_AUTOSAVE="1").status_code == 200
    typed = {"f-activities": "Afspraak met de fysiotherapeut."}
    assert client.post(f"/documents/{document.pk}/", typed, HTTP_X_AUTOSAVE="1").status_code == 422
