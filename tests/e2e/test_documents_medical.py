"""The medical part of a probleemanalyse stays with the company doctor (P12, issue 13).

In a `named_world`, its "medic" drafts a probleemanalyse in the dossier of the world's
employee, fills the functional assessment and the medical part (a diagnosis with a
word found nowhere else) and makes it final. Then "hr", HR of that employer, opens the
same document and downloads its PDF: the functional text is there, the diagnosis is not,
neither in the page nor in the PDF text. Screenshots of the doctor's form and of HR's view
at laptop and phone width.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hersteld.documents.models import Document
from tests.support.browser import (
    LAPTOP,
    PHONE,
    autosave,
    log_in,
    pass_second_factor,
    shot,
)
from tests.support.documents import pdf_text, sick_case

pytestmark = pytest.mark.e2e

# Words that occur only in the medical part; neither may reach the employer.
DIAGNOSIS = "Hernia L5-S1 testwoord"
MEDICAL_DETAIL = "Fysiotherapie tweemaal per week, geheimdetail"
SECRET_WORDS = ("Hernia", "testwoord", "L5-S1", "Fysiotherapie", "geheimdetail")

# The functional assessment, written without medical terms (the employer reads it).
FUNCTIONAL = {
    "limitations": "Niet tillen boven tien kilo, niet lang staan.",
    "capabilities": "Vier uur per dag licht werk, vanaf volgende week.",
    "prognosis": "Terugkeer in eigen werk binnen drie maanden verwacht.",
    "advice": "Aangepast eigen werk, opbouw per twee weken.",
}
SIGNER = "P. de Boer"


def both_widths(page: Page, name: str) -> None:
    for size, suffix in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        shot(page, f"{name}_{suffix}")
    page.set_viewport_size(LAPTOP)


def test_hr_reads_the_functional_part_of_a_probleemanalyse_but_never_the_diagnosis(
    page: Page, tmp_path: Path, named_world: Any
) -> None:
    case = sick_case(named_world)

    # The company doctor drafts, fills and finalises the probleemanalyse.
    log_in(page, "medic")
    pass_second_factor(page)
    page.goto(f"/cases/{case.pk}/?tab=documents")
    expect(page.locator("#documents")).to_be_visible()
    page.get_by_role("link", name="Nieuw document").click()
    page.get_by_label("Probleemanalyse", exact=True).check()
    page.get_by_role("button", name="Concept starten").click()
    expect(page.locator("form[data-autosave]")).to_be_visible()
    match = re.search(r"/documents/(\d+)/", page.url)
    assert match is not None, page.url
    pk = int(match.group(1))
    expect(page.get_by_text("Medisch deel (alleen bedrijfsarts)")).to_be_visible()

    autosave(page, "#id-diagnosis", DIAGNOSIS)
    autosave(page, "#id-medical_detail", MEDICAL_DETAIL)
    autosave(page, "#id-medical_cause", "yes", select=True)
    for code, text in FUNCTIONAL.items():
        autosave(page, f"#id-{code}", text)
    autosave(page, "#id-signer_medic", SIGNER)
    expect(page.locator("[data-autosave-status]")).to_contain_text("Opgeslagen om")
    page.get_by_role("button", name="Concept opslaan").click()
    expect(page.locator("#id-diagnosis")).to_have_value(DIAGNOSIS)
    expect(page.locator("#form-errors")).to_have_count(0)
    both_widths(page, "documents_medical_form")

    page.get_by_role("button", name="Definitief maken").click()
    expect(page.locator(".msg-success")).to_contain_text("definitief")
    document = Document.objects.get(pk=pk)
    assert document.doc_type == "PROBLEEMANALYSE"
    assert document.status == "final"
    assert document.medical_fields["diagnosis"] == DIAGNOSIS
    assert "diagnosis" not in document.fields
    assert document.fields["limitations"] == FUNCTIONAL["limitations"]
    # The doctor himself still reads the diagnosis on the final document.
    expect(page.locator("main")).to_contain_text(DIAGNOSIS)

    # HR of the employer opens the same document: functional part yes, medical part no.
    page.context.clear_cookies()
    log_in(page, "hr")
    pass_second_factor(page)
    page.goto(f"/documents/{pk}/")
    main = page.locator("main")
    expect(main).to_contain_text("Probleemanalyse")
    for text in FUNCTIONAL.values():
        expect(main).to_contain_text(text)
    expect(main).to_contain_text(SIGNER)
    html = page.content()
    for word in SECRET_WORDS:
        assert word not in html, word
    expect(page.locator("#id-diagnosis")).to_have_count(0)
    # Not even an empty heading of the medical part (the PDF drops it the same way).
    expect(main).not_to_contain_text("Medisch deel")
    both_widths(page, "documents_medical_hr_view")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF downloaden").click()
    pdf_path = tmp_path / "probleemanalyse.pdf"
    download_info.value.save_as(pdf_path)
    content = pdf_path.read_bytes()
    assert content.startswith(b"%PDF-")
    # pdftotext -layout may wrap a long line; compare on single spaces.
    text = " ".join(pdf_text(content).split())
    for functional in FUNCTIONAL.values():
        assert functional in text, functional
    assert case.employee.display_name in text
    assert "Medisch deel" not in text
    for word in SECRET_WORDS:
        assert word not in text, word
