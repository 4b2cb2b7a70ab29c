"""The employee signs his plan van aanpak on a phone (B5, issue 15), on a `named_world`:
the document page at 390 px with the sign form, then signed; his view on a draft evaluation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hersteld.documents import services
from hersteld.documents.models import Document, DocumentSignature
from tests.support.browser import LAPTOP, PHONE, log_in, pass_second_factor, shot
from tests.support.documents import PLAN_FIELDS, sick_case

pytestmark = pytest.mark.e2e


def final_plan(w: Any, case: Any) -> Document:
    """The casemanager's plan van aanpak for `case`, filled in and made final."""
    document = services.create_draft(
        actor=w.casemanager, case_id=case.pk, doc_type="PLAN_VAN_AANPAK"
    )
    services.save_draft(actor=w.casemanager, document_id=document.pk, fields=PLAN_FIELDS)
    return services.finalise(actor=w.casemanager, document_id=document.pk)


def test_the_employee_signs_his_plan_on_a_phone(page: Page, named_world: Any) -> None:
    w = named_world
    case = sick_case(w)
    document = final_plan(w, case)

    log_in(page, w.employee.username)
    pass_second_factor(page)
    page.set_viewport_size(PHONE)
    page.goto(f"/documents/{document.pk}/")
    expect(page.get_by_role("button", name="Ondertekenen")).to_be_visible()
    shot(page, "employee-sign-plan-390")
    page.set_viewport_size(LAPTOP)
    shot(page, "employee-sign-plan-1280")

    page.set_viewport_size(PHONE)
    page.get_by_label("Voor gezien, niet akkoord").check()
    page.get_by_label("Toelichting (verplicht als u niet akkoord gaat)").fill(
        "De opbouw gaat mij te snel."
    )
    page.get_by_role("button", name="Ondertekenen").click()
    expect(page.get_by_text("Digitaal ondertekend door")).to_be_visible()
    shot(page, "employee-signed-plan-390")
    signature = DocumentSignature.objects.get(document=document)

    # A draft evaluation: he writes only his own view.
    evaluation = services.create_draft(actor=w.casemanager, case_id=case.pk, doc_type="EVALUATIE")
    page.goto(f"/documents/{evaluation.pk}/")
    page.get_by_label("Visie van de werknemer").fill("Ik wil in mijn eigen team blijven.")
    shot(page, "employee-view-evaluation-390")
    page.get_by_role("button", name="Mijn visie opslaan").click()
    expect(page.get_by_text("Het concept is opgeslagen.")).to_be_visible()
    evaluation.refresh_from_db()
    assert evaluation.fields["view_employee"] == "Ik wil in mijn eigen team blijven."
    assert signature.agreed is False
    assert signature.remark == "De opbouw gaat mij te snel."


def test_the_casemanager_signs_the_plan_for_the_employer(page: Page, named_world: Any) -> None:
    """documents.md: the casemanager draws up the plan van aanpak for the employer and signs
    it for the employer; the page says for whom he signs."""
    w = named_world
    case = sick_case(w)
    document = final_plan(w, case)

    log_in(page, w.casemanager.username)
    pass_second_factor(page)
    page.goto(f"/documents/{document.pk}/")
    expect(page.get_by_text("Ondertekenen namens de werkgever")).to_be_visible()
    shot(page, "casemanager-sign-plan-1280")
    page.get_by_role("button", name="Ondertekenen").click()
    expect(page.get_by_text("Digitaal ondertekend door")).to_be_visible()
    page.set_viewport_size(PHONE)
    shot(page, "casemanager-signed-plan-390")
    signature = DocumentSignature.objects.get(document=document)
    assert (signature.party, signature.user) == ("employer", w.casemanager)
