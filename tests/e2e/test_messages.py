"""Messages in the browser (P14): HR writes to the employee, who reads and answers on a phone.

The employee opens the inbox from the "1 nieuw bericht" link in the menu, reads the message
in the dossier's Berichten tab, answers with a photo attached, and HR sees that he read it.
The people are "hr" and "employee" of a `named_world`, the case the employee's.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hersteld.messaging import services
from hersteld.messaging.models import Message
from tests.support.browser import LAPTOP, PHONE, log_in, pass_second_factor, shot

pytestmark = pytest.mark.e2e

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"page is {width} px wide on a {viewport} px screen"


def test_the_employee_reads_and_answers_a_message_on_a_phone(
    page: Page, tmp_path: Path, named_world: Any
) -> None:
    employee = named_world.employee
    case = named_world.report_sick()
    hr = named_world.hr
    services.send(
        actor=hr, case_id=case.pk, text="Kun je maandag een uur langskomen?", topic="Werkhervatting"
    )

    page.set_viewport_size(PHONE)
    log_in(page, "employee")
    pass_second_factor(page)
    page.get_by_role("button", name="Menu").click()  # the menu folds away on a phone
    page.get_by_role("link", name=re.compile("1 nieuw bericht")).first.click()
    expect(page.locator("#inbox")).to_contain_text("Kun je maandag een uur langskomen?")
    no_sideways_scroll(page)
    shot(page, "messages_inbox_phone")

    page.locator("#inbox a").first.click()
    expect(page.locator("#conversation")).to_contain_text("Werkhervatting")
    no_sideways_scroll(page)
    photo = tmp_path / "rooster.png"
    photo.write_bytes(PNG)
    page.fill("#id_text", "Ja, maandag om tien uur.")
    page.set_input_files("#id_attachments", str(photo))
    page.locator("#message-form button.primary").click()
    expect(page.locator("#conversation")).to_contain_text("Ja, maandag om tien uur.")
    expect(page.locator("#conversation")).to_contain_text("rooster.png")
    no_sideways_scroll(page)
    shot(page, "messages_thread_phone")
    assert Message.objects.filter(case=case, author=employee, attachments__isnull=False).exists()


def test_hr_sees_that_the_employee_read_the_message(page: Page, named_world: Any) -> None:
    employee = named_world.employee
    case = named_world.report_sick()
    hr = named_world.hr
    message = services.send(actor=hr, case_id=case.pk, text="Het rooster staat klaar.")
    services.mark_read(actor=employee, message_id=message.pk)

    page.set_viewport_size(LAPTOP)
    log_in(page, "hr")
    pass_second_factor(page)
    page.goto(f"/cases/{case.pk}/?tab=messages")
    expect(page.locator("#conversation .receipts").last).to_contain_text("gelezen door")
    shot(page, "messages_thread_laptop")
    page.goto("/messages/")
    shot(page, "messages_inbox_laptop")
