"""The employee's part of his plan van aanpak and evaluations (B5, issue 15): he writes his
own view on a draft and nothing else, signs a final version once (agreed, or not agreed with
a reason), the start page stops asking once he signed, and the PDF names the signature."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from hersteld.core.models import AuditEvent
from hersteld.documents import retention, selectors, services
from hersteld.documents.models import Document, DocumentSignature
from tests.support.documents import PLAN_FIELDS, pdf_text, sick_case
from tests.support.world import user

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world: Any) -> Any:
    return sick_case(world)


@pytest.fixture
def draft(world: Any, case: Any) -> Document:
    document = services.create_draft(
        actor=world.casemanager, case_id=case.pk, doc_type="PLAN_VAN_AANPAK"
    )
    fields = {k: v for k, v in PLAN_FIELDS.items() if k != "view_employee"}
    return services.save_draft(actor=world.casemanager, document_id=document.pk, fields=fields)


@pytest.fixture
def final(world: Any, draft: Document) -> Document:
    services.save_draft(
        actor=world.casemanager,
        document_id=draft.pk,
        fields={"view_employee": "Ik wil eerst halve dagen werken."},
    )
    return services.finalise(actor=world.casemanager, document_id=draft.pk)


def test_the_employee_writes_his_view_on_a_draft_and_it_is_audited(world, api, draft) -> None:
    response = api(world.employee.username).patch(
        f"/api/v1/documents/{draft.pk}",
        {"fields": {"view_employee": "Ik wil graag in mijn eigen team terugkomen."}},
    )
    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert draft.fields["view_employee"] == "Ik wil graag in mijn eigen team terugkomen."
    assert AuditEvent.objects.filter(
        object_id=str(draft.pk), actor=world.employee, action="update"
    ).exists()


def test_the_employee_cannot_change_another_field_of_the_plan(world, api, draft) -> None:
    before = dict(draft.fields)
    response = api(world.employee.username).patch(
        f"/api/v1/documents/{draft.pk}",
        {"fields": {"view_employee": "Mijn visie.", "goal": "external"}},
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"fields.goal"}
    draft.refresh_from_db()
    assert draft.fields == before  # not even his view: a refused save writes nothing


def test_the_employee_cannot_make_the_plan_final(world, api, draft) -> None:
    response = api(world.employee.username).post(f"/api/v1/documents/{draft.pk}/final", {})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert not draft.is_final


def test_the_employee_writes_his_view_in_the_portal_form(world, sign_in, draft) -> None:
    client = sign_in(world.employee)
    page = client.get(f"/documents/{draft.pk}/").content.decode()
    assert 'name="f-view_employee"' in page
    assert 'name="f-goal"' not in page  # the rest is shown, not editable
    response = client.post(f"/documents/{draft.pk}/", {"f-view_employee": "Halve dagen eerst."})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.fields["view_employee"] == "Halve dagen eerst."
    refused = client.post(f"/documents/{draft.pk}/", {"f-activities": "Niets meer doen."})
    assert refused.status_code == 422
    draft.refresh_from_db()
    assert draft.fields["activities"] == PLAN_FIELDS["activities"]


def test_the_employee_signs_a_final_plan_once(world, api, final) -> None:
    client = api(world.employee.username)
    first = client.post(f"/api/v1/documents/{final.pk}/sign", {"agreed": True, "remark": ""})
    assert first.status_code == 201, first.content
    assert first.json()["party"] == "employee"
    assert first.json()["agreed"] is True
    again = client.post(f"/api/v1/documents/{final.pk}/sign", {"agreed": False, "remark": "Toch"})
    assert again.status_code == 409
    assert "al ondertekend" in again.json()["detail"]
    assert DocumentSignature.objects.filter(document=final).count() == 1
    assert DocumentSignature.objects.get(document=final).agreed is True
    assert AuditEvent.objects.filter(
        object_id=str(final.pk), actor=world.employee, action="sign"
    ).exists()


def test_not_agreed_needs_a_reason(world, api, final) -> None:
    client = api(world.employee.username)
    refused = client.post(f"/api/v1/documents/{final.pk}/sign", {"agreed": False, "remark": " "})
    assert refused.status_code == 422
    assert not DocumentSignature.objects.exists()
    signed = client.post(
        f"/api/v1/documents/{final.pk}/sign",
        {"agreed": False, "remark": "De opbouw gaat mij te snel."},
    )
    assert signed.status_code == 201
    assert signed.json()["remark"] == "De opbouw gaat mij te snel."


def test_a_draft_cannot_be_signed(world, api, draft) -> None:
    response = api(world.employee.username).post(
        f"/api/v1/documents/{draft.pk}/sign", {"agreed": True}
    )
    assert response.status_code == 409
    assert not DocumentSignature.objects.exists()


def test_hr_signs_for_the_employer_and_the_doctor_signs_nothing_here(world, api, final) -> None:
    assert (
        api(world.medic.username)
        .post(f"/api/v1/documents/{final.pk}/sign", {"agreed": True})
        .status_code
        == 403
    )
    signed = api(world.hr.username).post(f"/api/v1/documents/{final.pk}/sign", {"agreed": True})
    assert signed.status_code == 201
    assert signed.json()["party"] == "employer"


def test_the_casemanager_signs_the_plan_for_the_employer_once(world, api, final) -> None:
    """documents.md: the plan van aanpak is signed by the casemanager for the employer and by
    the employee; a second signature for the employer, by HR, is refused."""
    signed = api(world.casemanager.username).post(
        f"/api/v1/documents/{final.pk}/sign", {"agreed": True}
    )
    assert signed.status_code == 201, signed.content
    assert signed.json()["party"] == "employer"
    assert signed.json()["name"] == world.casemanager.username
    again = api(world.hr.username).post(f"/api/v1/documents/{final.pk}/sign", {"agreed": True})
    assert again.status_code == 409
    assert DocumentSignature.objects.filter(document=final).count() == 1


def test_the_casemanager_signs_for_the_employer_only_where_the_type_says_so(world, case) -> None:
    plan = Document(case=case, doc_type="PLAN_VAN_AANPAK")
    evaluation = Document(case=case, doc_type="EERSTEJAARSEVALUATIE")
    assert services.signing_party(world.casemanager, plan) == "employer"
    assert services.signing_party(world.casemanager, evaluation) is None
    assert services.signing_party(world.other_casemanager, plan) is None  # another tenant
    assert services.signing_party(world.medic, plan) is None


def test_others_do_not_find_his_document(world, api, draft, final) -> None:
    colleague = user(world.admin, "employee", employee=world.colleague_employment.employee)
    for other in (world.other_hr, colleague):
        client = api(other.username)
        assert client.get(f"/api/v1/documents/{final.pk}").status_code == 404
        sign = client.post(f"/api/v1/documents/{final.pk}/sign", {"agreed": True})
        assert sign.status_code == 404
        view = client.patch(f"/api/v1/documents/{draft.pk}", {"fields": {"view_employee": "x"}})
        assert view.status_code == 404
    assert not DocumentSignature.objects.exists()


def test_a_signed_document_no_longer_waits_on_the_start_page(world, sign_in, final) -> None:
    client = sign_in(world.employee)
    assert f"/documents/{final.pk}/" in client.get("/").content.decode()
    page = client.get(f"/documents/{final.pk}/").content.decode()
    assert f'action="/documents/{final.pk}/sign/"' in page
    response = client.post(f"/documents/{final.pk}/sign/", {"agreed": "yes", "remark": ""})
    assert response.status_code == 302
    assert f"/documents/{final.pk}/" not in client.get("/").content.decode()
    page = client.get(f"/documents/{final.pk}/").content.decode()
    assert f'action="/documents/{final.pk}/sign/"' not in page
    assert "Digitaal ondertekend door" in page


def test_the_pdf_shows_the_digital_signature(world, api, final) -> None:
    client = api(world.employee.username)
    assert client.post(f"/api/v1/documents/{final.pk}/sign", {"agreed": True}).status_code == 201
    text = " ".join(pdf_text(client.get(f"/api/v1/documents/{final.pk}/pdf").content).split())
    name = world.employee.get_full_name() or world.employee.get_username()
    assert f"Digitaal ondertekend door {name} op" in text
    assert "voor gezien en akkoord" in text


def test_erasing_the_documents_removes_the_signatures_too(world, final) -> None:
    services.sign(actor=world.employee, document_id=final.pk, agreed=False, remark="Te snel.")
    (category,) = retention.categories()
    items = list(category.of_employee(world.own_employee.pk))
    assert [item.key for item in items] == [final.pk]
    category.erase(items)
    assert not DocumentSignature.objects.exists()


def test_the_gdpr_export_holds_his_signature(world, final) -> None:
    services.sign(actor=world.employee, document_id=final.pk, agreed=True)
    (records,) = selectors.subject_records(world.own_employee, world.casemanager, medical=False)
    (row,) = records.rows
    assert [(s["party"], s["agreed"]) for s in row["signatures"]] == [("employee", True)]


def test_the_database_holds_one_signature_per_party_per_version(world, final) -> None:
    signed = services.sign(actor=world.employee, document_id=final.pk, agreed=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentSignature.objects.create(
            document=final, party="employee", signer_name="x", signed_at=signed.signed_at
        )


def test_the_casemanager_finds_the_employer_signature_form_on_the_plan(
    world, sign_in, final
) -> None:
    client = sign_in(world.casemanager)
    page = client.get(f"/documents/{final.pk}/").content.decode()
    assert f'action="/documents/{final.pk}/sign/"' in page
    response = client.post(f"/documents/{final.pk}/sign/", {"agreed": "yes", "remark": ""})
    assert response.status_code == 302
    signature = DocumentSignature.objects.get(document=final)
    assert (signature.party, signature.user) == ("employer", world.casemanager)
