"""Dutch formats on the pages people read most, and the medical-term replacement that must
not leave "klachten en klachten" (issue 11 items 15 and 16).

1. The replacement's merge rule (portal.js `Hersteld.mergeRepeat`) by table, in the browser.
2. HR types a note whose replacement produces a repeated word and clicks the alternatives:
   the repeat is merged, and every finding after it still finds its word.
3. The history tab, the employee page, a case dossier and the employment list show a record
   made for the test in Dutch format, as "hr" and "casemanager" of a `named_world`, laptop
   and phone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hersteld.people.models import Employment
from tests.support.browser import LAPTOP, PHONE, log_in, pass_second_factor, shot, submit
from tests.support.formats import format_record

pytestmark = pytest.mark.e2e

# (text, start and length of the word just put in, text after the merge)
MERGES = [
    ("klachten en klachten", 0, 8, "klachten"),
    ("klachten en klachten", 12, 8, "klachten"),
    ("Klachten, klachten sinds maandag", 0, 8, "Klachten sinds maandag"),
    ("Klachten en klachten.", 12, 8, "Klachten."),
    ("Hij heeft klachten KLACHTEN.", 10, 8, "Hij heeft klachten."),
    ("Hij heeft klachten, en klachten.", 10, 8, "Hij heeft klachten."),
    ("Hij is ziek en ziek thuis.", 7, 4, "Hij is ziek thuis."),
    # not the same word, or not next to each other: unchanged
    ("klachten en klachtenlijst", 0, 8, "klachten en klachtenlijst"),
    ("klachten of klachten", 0, 8, "klachten of klachten"),
    ("klachten. Klachten", 0, 8, "klachten. Klachten"),
    ("klachten\nklachten", 0, 8, "klachten\nklachten"),
    ("Heeft klachten en blijft thuis.", 6, 8, "Heeft klachten en blijft thuis."),
]


def log_in_as(page: Page, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)
    pass_second_factor(page)


def test_the_merge_rule_by_table(page: Page) -> None:
    page.goto("/accounts/login/")
    page.wait_for_function("() => Boolean(window.Hersteld && window.Hersteld.mergeRepeat)")
    got = [
        page.evaluate("([t, s, l]) => window.Hersteld.mergeRepeat(t, s, l).text", [t, s, n])
        for t, s, n, _ in MERGES
    ]
    assert got == [expected for *_, expected in MERGES]


def test_replacing_terms_merges_a_repeated_neutral_word(page: Page, named_world: Any) -> None:
    employment = named_world.hire()  # in service since 2020, without a case
    log_in_as(page, "hr")
    page.goto(f"/cases/add/{employment.pk}/?kind=sickness")
    page.fill("#id_first_day", (timezone.localdate() - dt.timedelta(days=2)).isoformat())
    page.fill("#id_note", "Rugpijn en klachten sinds maandag; hoofdpijn, rugpijn, misselijk.")
    submit(page, "form#case-form")
    findings = page.locator("#medical-findings")
    expect(findings).to_be_visible()
    note = page.locator("#id_note")

    findings.locator("button[data-term='Rugpijn']").click()
    expect(note).to_have_value("Klachten sinds maandag; hoofdpijn, rugpijn, misselijk.")
    findings.locator("button[data-term='hoofdpijn']").click()
    expect(note).to_have_value("Klachten sinds maandag; klachten, rugpijn, misselijk.")
    findings.locator("button[data-term='rugpijn']").click()
    expect(note).to_have_value("Klachten sinds maandag; klachten, misselijk.")
    findings.locator("button[data-term='misselijk']").click()  # moved twice, still found
    expect(note).to_have_value("Klachten sinds maandag; klachten, ziek.")
    shot(page, "medical_terms_merged")
    page.set_viewport_size(PHONE)
    shot(page, "medical_terms_merged_phone")


@pytest.fixture
def record(named_world: Any) -> tuple[Employment, int]:
    employment, case = format_record(
        "FMT-E2E", hr=named_world.hr, department=named_world.department
    )
    return employment, case.pk


@pytest.mark.parametrize("username", ["hr", "casemanager"])
def test_pages_show_the_record_in_dutch_format(page: Page, record, username: str) -> None:
    employment, case_id = record
    log_in_as(page, username)
    who = username.replace(".", "_")
    pages = [
        (f"/employees/{employment.employee_id}/?tab=history", "history", "€ 52.000,50"),
        (f"/employees/{employment.employee_id}/", "employee", "€ 52.000,50"),
        (f"/cases/{case_id}/", "case", "50%"),
        (f"/cases/{case_id}/?tab=history", "case_history", "09-02-2026"),
        ("/employments/?q=Formatproef", "employments", "37,5"),
    ]
    for url, name, expected in pages:
        page.set_viewport_size(LAPTOP)
        page.goto(url)
        main = page.locator("main")
        expect(main).to_contain_text(expected)
        text = main.inner_text()
        for raw in ("41310", "52000.5", "37.50", "50.00", "2026-02-02", "2024-03-01"):
            assert raw not in text, f"{raw} on {url}"
        shot(page, f"formats_{name}_{who}")
        page.set_viewport_size(PHONE)
        expect(main).to_contain_text(expected)
        shot(page, f"formats_{name}_{who}_phone")
