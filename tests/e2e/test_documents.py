"""UWV documents in the browser (P12, issue 13), on a `named_world`.

The casemanager opens the dossier of the world's employee (sick for 60 days), starts a plan
van aanpak from the tab "Documenten", fills it in (each change is saved at once, and the test
waits for every save before the next step), adds both views and both signers, makes it
final, downloads the PDF and uploads the signed scan. Screenshots of the tab and the draft
form at laptop and phone width, and page 1 of the PDF (pdftoppm).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hersteld.documents.models import Document, DocumentScan
from tests.support.browser import (
    LAPTOP,
    PHONE,
    SCREENSHOT_DIR,
    autosave,
    log_in,
    pass_second_factor,
    shot,
)
from tests.support.documents import PLAN_FIELDS, PNG, pdf_text, sick_case

pytestmark = pytest.mark.e2e


TEXT_FIELDS = (
    "activities",
    "evaluation_moments",
    "view_employer",
    "view_employee",
    "signer_employer",
    "signer_employee",
)


def test_a_casemanager_drafts_finalises_prints_and_attaches_a_plan_van_aanpak(
    page: Page, tmp_path: Path, named_world: Any
) -> None:
    case = sick_case(named_world)
    log_in(page, "casemanager")
    pass_second_factor(page)

    page.goto(f"/cases/{case.pk}/?tab=documents")
    expect(page.locator("#documents")).to_be_visible()
    page.get_by_role("link", name="Nieuw document").click()
    page.get_by_label("Plan van aanpak", exact=True).check()
    page.get_by_role("button", name="Concept starten").click()
    expect(page.locator("form[data-autosave]")).to_be_visible()

    # Each change is saved at once: the status line says so. The next field is filled only
    # after the save of the previous one has answered (portal.js sends one at a time).
    autosave(page, "#id-goal", PLAN_FIELDS["goal"], select=True)
    expect(page.locator("[data-autosave-status]")).to_contain_text("Opgeslagen om")
    for code in TEXT_FIELDS:
        autosave(page, f"#id-{code}", PLAN_FIELDS[code])
    expect(page.locator("[data-autosave-status]")).to_contain_text("Opgeslagen om")
    expect(page.locator("[data-autosave-status]")).not_to_have_class(re.compile(r"\berror\b"))
    document = Document.objects.get(case__employee=case.employee, doc_type="PLAN_VAN_AANPAK")
    # The draft holds every field as typed, before anything else is clicked.
    assert {code: document.fields.get(code) for code in ("goal", *TEXT_FIELDS)} == PLAN_FIELDS
    expect(page.locator("[data-autosave-status]")).to_contain_text("Opgeslagen om")
    page.wait_for_function(
        "() => document.querySelector('[data-autosave-status]').textContent.includes('Opgeslagen')"
    )
    for width, suffix in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page.set_viewport_size(width)
        shot(page, f"documents_draft_{suffix}")
    page.set_viewport_size(LAPTOP)

    page.get_by_role("button", name="Definitief maken").click()
    expect(page.locator(".msg-success")).to_contain_text("definitief")
    document.refresh_from_db()
    assert document.status == "final"
    assert document.fields["view_employee"] == PLAN_FIELDS["view_employee"]

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF downloaden").click()
    pdf_path = tmp_path / "plan.pdf"
    download_info.value.save_as(pdf_path)
    content = pdf_path.read_bytes()
    assert content.startswith(b"%PDF-")
    assert case.employee.display_name in pdf_text(content)
    tool = shutil.which("pdftoppm")
    assert tool is not None
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            tool,
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf_path),
            str(SCREENSHOT_DIR / "documents_pdf_page1"),
        ],
        check=True,
    )

    scan = tmp_path / "getekend.png"
    scan.write_bytes(PNG)
    page.set_input_files("#id-scan", str(scan))
    page.get_by_role("button", name="Getekende scan uploaden").click()
    expect(page.locator(".msg-success")).to_contain_text("scan")
    assert DocumentScan.objects.get(document=document).content_type == "image/png"

    page.goto(f"/cases/{case.pk}/?tab=documents")
    row = page.locator("#documents tbody tr", has_text="Plan van aanpak")
    expect(row).to_contain_text("definitief")
    expect(row).to_contain_text("getekende scan")
    for width, suffix in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page.set_viewport_size(width)
        shot(page, f"documents_tab_{suffix}")
