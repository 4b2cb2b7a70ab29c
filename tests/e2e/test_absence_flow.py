"""Acceptance flow of the absence issue, in the browser on a `named_world`:

1. an employer's HR user reports an employee sick; a medical term in the note is refused and
   replaced with one click by its neutral alternative, then the report is saved;
2. HR records a partial and then a full recovery (the case closes) and cannot mark a
   recovery "Hersteld AT";
3. the company doctor records a therapeutic (AT) recovery and a medical note, with medical
   terms, in the medical file; HR sees neither the medical tab nor the note;
4. the case list on a phone.

Elements are found by id, name, address and data attribute; the few texts compared are the
ones the portal itself translates (``nl()``), so the test holds whatever the translation says.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from playwright.sync_api import Page, expect

from hersteld.absence import rules, services
from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus, MedicalNote
from hersteld.people.models import Employment
from hersteld.people.selectors import terms_on
from tests.support.browser import LAPTOP, PHONE, log_in, pass_second_factor, path_re, shot, submit

pytestmark = pytest.mark.e2e

NOTE_WITH_TERM = "Werknemer heeft rugpijn en blijft thuis."
NOTE_REPLACED = "Werknemer heeft klachten en blijft thuis."
ACTION_NOTE = "Graag vandaag terugbellen over de overdracht van het werk."
MEDICAL_NOTE = "Lage rugklachten, fysiotherapie loopt."
DOSSIER_URL = re.compile(r"/cases/(\d+)/\?tab=overview$")


def nl(text: Any) -> str:
    """The sentence as the (Dutch) portal shows it; the English msgid while it is untranslated."""
    with translation.override("nl"):
        return str(text)


def employment_without_case(world: Any) -> Employment:
    """A new employment of the world's employer, in service since 2020, without any case."""
    return world.hire(surname="Zonderverzuim")


def working_week(employment: Employment) -> Decimal:
    terms = terms_on(employment, timezone.localdate())
    return Decimal(terms.hours_per_week if terms else employment.hours_per_week)


def employee_user_case(world: Any) -> AbsenceCase:
    """The long open sickness case of the world's employee (300 days, half recovered)."""
    return world.long_case()


def log_in_as(page: Page, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)
    pass_second_factor(page)


def post_to(page: Page, path: str) -> Any:
    """Wait for the POST to `path` (with or without query string) that the next action sends."""
    return page.expect_response(
        lambda r: r.request.method == "POST" and r.url.split("?")[0].endswith(path)
    )


def current_tab(page: Page) -> Any:
    return page.locator("ul.tabs a[aria-current='page']")


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"  # type: ignore[index]


def test_hr_reports_sick_and_replaces_a_medical_term(page: Page, named_world: Any) -> None:
    employment = employment_without_case(named_world)
    employee = employment.employee
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=4)

    log_in_as(page, "hr")

    # --- The employee, then "Add case" of the employment.
    page.goto(f"/employees/{employee.pk}/")
    section = page.locator(f"#employment-{employment.pk}")
    expect(section).to_be_visible()
    add_case = section.locator(f"a[href$='/cases/add/{employment.pk}/']")
    expect(add_case).to_have_count(1)
    shot(page, "absence_employee_before")
    add_case.click()
    expect(page).to_have_url(path_re(f"/cases/add/{employment.pk}/"))
    shot(page, "absence_case_kind")

    # --- Sickness absence: the form, with the extra fields behind "More options".
    page.locator("main a[href='?kind=sickness']").click()
    expect(page).to_have_url(re.compile(r"/cases/add/\d+/\?kind=sickness$"))
    form = page.locator("form#case-form")
    expect(form).to_be_visible()
    more = form.locator("details.more")
    expect(more).not_to_have_attribute("open", "")
    expect(page.locator("#id_relatedness")).to_be_hidden()
    # Only arbodienst staff record these (docs/rules/vangnet.md).
    expect(page.locator("#id_expected_recovery")).to_have_count(0)
    expect(page.locator("#id_full_recovery_expected")).to_have_count(0)
    shot(page, "absence_case_form_empty")

    page.fill("#id_first_day", first_day.isoformat())
    more.locator("summary").click()
    expect(more).to_have_attribute("open", "")
    page.select_option("#id_relatedness", "work_accident")
    page.check("input[name='requested_action'][value='direct']")
    page.fill("#id_requested_action_note", ACTION_NOTE)
    page.fill("#id_note", NOTE_WITH_TERM)
    shot(page, "absence_case_form_filled")

    # --- The medical term is refused: findings with an alternative, nothing saved.
    with post_to(page, f"/cases/add/{employment.pk}/") as response:
        submit(page, "form#case-form")
    assert response.value.status == 422
    findings = page.locator("#medical-findings")
    expect(findings).to_be_visible()
    replace = findings.locator("button[data-term='rugpijn']")
    expect(replace).to_have_count(1)
    expect(replace).to_have_attribute("data-replace-field", "id_note")
    expect(replace).to_have_attribute("data-suggestion", "klachten")
    # What was typed is kept, the extra options included.
    expect(page.locator("#id_note")).to_have_value(NOTE_WITH_TERM)
    expect(page.locator("#id_first_day")).to_have_value(first_day.isoformat())
    expect(page.locator("#id_relatedness")).to_have_value("work_accident")
    expect(page.locator("input[name='requested_action'][value='direct']")).to_be_checked()
    expect(page.locator("#id_requested_action_note")).to_have_value(ACTION_NOTE)
    shot(page, "absence_case_findings")
    assert not AbsenceCase.objects.filter(employment=employment).exists()

    # The same page on a phone.
    page.set_viewport_size(PHONE)
    expect(findings).to_be_visible()
    shot(page, "absence_case_findings_phone")
    page.set_viewport_size(LAPTOP)

    # --- One click takes over the neutral word.
    replace.click()
    expect(page.locator("#id_note")).to_have_value(NOTE_REPLACED)
    expect(replace).to_be_disabled()
    shot(page, "absence_case_replaced")

    submit(page, "form#case-form")
    expect(page).to_have_url(DOSSIER_URL)
    expect(page.locator(".messages .msg-success")).to_contain_text(employee.display_name)
    expect(current_tab(page)).to_have_attribute("href", "?tab=overview")
    shot(page, "absence_case_dossier")

    case = AbsenceCase.objects.get(employment=employment)
    assert page.url.endswith(f"/cases/{case.pk}/?tab=overview")
    assert case.kind == CaseKind.SICKNESS
    assert case.status == CaseStatus.OPEN
    assert case.first_day == first_day
    assert case.relatedness == "work_accident"
    assert case.requested_action == "direct"
    assert case.requested_action_note == ACTION_NOTE
    note = case.notes.get()
    assert "klachten" in note.text
    assert "rugpijn" not in note.text

    # The note is on the notes tab of the dossier.
    page.locator("ul.tabs a[href='?tab=notes']").click()
    expect(page.locator("ol.journal")).to_contain_text(NOTE_REPLACED)
    shot(page, "absence_case_notes")


def test_hr_records_partial_and_full_recovery(page: Page, named_world: Any) -> None:
    employment = employment_without_case(named_world)
    today = timezone.localdate()
    hr = named_world.hr
    case = services.add_case(
        actor=hr,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": today - dt.timedelta(days=6)},
    )
    week = working_week(employment)
    half = rules.hours_for_percentage(week, Decimal(50))

    log_in_as(page, "hr")
    page.goto(f"/cases/{case.pk}/")
    recovery_link = page.locator(f"main a[href$='/cases/{case.pk}/recoveries/add/']")
    expect(recovery_link).to_have_count(1)
    recovery_link.click()
    expect(page).to_have_url(path_re(f"/cases/{case.pk}/recoveries/add/"))
    expect(page.locator("form#recovery-form")).to_be_visible()
    # Only the company doctor decides on "Hersteld AT".
    expect(page.locator("#id_therapeutic")).to_have_count(0)
    shot(page, "absence_recovery_form")

    # --- 50%: the page computes the hours from the working week.
    page.fill("#id_date", (today - dt.timedelta(days=3)).isoformat())
    page.fill("#id_percentage", "50")
    expect(page.locator("#id_hours")).to_have_value(f"{half:.2f}")
    shot(page, "absence_recovery_partial_filled")
    submit(page, "form#recovery-form")
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/\?tab=recoveries$"))
    expect(page.locator(".messages .msg-success")).to_be_visible()
    rows = page.locator("#recoveries tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("50%")
    shot(page, "absence_recoveries_partial")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.current_sick_percentage == 50
    assert case.recoveries.get().hours == half

    # --- 100% today: fully recovered, the case is closed.
    page.locator(f"main a[href$='/cases/{case.pk}/recoveries/add/']").first.click()
    expect(page).to_have_url(path_re(f"/cases/{case.pk}/recoveries/add/"))
    expect(page.locator("#id_therapeutic")).to_have_count(0)
    page.fill("#id_date", today.isoformat())
    page.fill("#id_percentage", "100")
    expect(page.locator("#id_hours")).to_have_value(f"{week:.2f}")
    submit(page, "form#recovery-form")
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/\?tab=recoveries$"))
    expect(rows).to_have_count(2)
    expect(page.locator("#recoveries")).to_contain_text("100%")
    status = page.locator("main h1 .badge")
    expect(status).to_have_class(re.compile(r"\bdone\b"))
    expect(status).to_have_text(nl(CaseStatus.CLOSED.label))
    # A closed case takes no more recoveries.
    expect(page.locator(f"a[href$='/cases/{case.pk}/recoveries/add/']")).to_have_count(0)
    shot(page, "absence_recoveries_closed")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.end_date == today
    assert list(case.recoveries.order_by("date").values_list("percentage", flat=True)) == [50, 100]


def test_medic_records_therapeutic_recovery_and_medical_note_hidden_from_hr(
    page: Page, named_world: Any
) -> None:
    case = employee_user_case(named_world)
    today = timezone.localdate()
    last = case.recoveries.order_by("-date").first()
    recovery_day = today - dt.timedelta(days=7)
    assert last is None or last.date < recovery_day

    # --- The company doctor: password and TOTP.
    log_in(page, "medic")
    pass_second_factor(page)
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator("ul.tabs a[href='?tab=medical']")).to_have_count(1)
    shot(page, "absence_medic_dossier")

    page.locator(f"main a[href$='/cases/{case.pk}/recoveries/add/']").first.click()
    expect(page).to_have_url(path_re(f"/cases/{case.pk}/recoveries/add/"))
    therapeutic = page.locator("#id_therapeutic")
    expect(therapeutic).to_have_count(1)
    page.fill("#id_date", recovery_day.isoformat())
    page.fill("#id_percentage", "50")
    therapeutic.check()
    shot(page, "absence_medic_recovery_at")
    submit(page, "form#recovery-form")
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/\?tab=recoveries$"))
    at_row = page.locator("#recoveries tbody tr", has_text=recovery_day.strftime("%d-%m-%Y"))
    expect(at_row).to_have_count(1)
    expect(at_row).to_contain_text("50%")
    expect(at_row).to_contain_text(nl(gettext_lazy("Hersteld AT (therapeutic)")))
    shot(page, "absence_medic_recoveries")
    recovery = case.recoveries.get(date=recovery_day)
    assert recovery.therapeutic
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN  # AT keeps the case open

    # --- The medical file takes medical terms: no guard there.
    page.locator("ul.tabs a[href='?tab=medical']").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/\?tab=medical$"))
    medical_form = page.locator("form#medical-form")
    expect(medical_form).to_be_visible()
    medical_form.locator("#id_text").fill(MEDICAL_NOTE)
    with post_to(page, f"/cases/{case.pk}/") as response:
        submit(page, "form#medical-form")
    assert response.value.status == 302
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/\?tab=medical$"))
    expect(page.locator("#medical-findings")).to_have_count(0)
    expect(page.locator("ol.journal")).to_contain_text(MEDICAL_NOTE)
    shot(page, "absence_medic_medical_file")
    assert MedicalNote.objects.filter(case=case, text=MEDICAL_NOTE).exists()

    # --- HR of the employer: no medical tab, and the note is nowhere.
    log_in_as(page, "hr")
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator("ul.tabs a[href='?tab=overview']")).to_have_count(1)
    expect(page.locator("a[href$='tab=medical']")).to_have_count(0)
    page.goto(f"/cases/{case.pk}/?tab=medical")
    expect(current_tab(page)).to_have_attribute("href", "?tab=overview")
    expect(page.locator("form#medical-form")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(MEDICAL_NOTE)
    shot(page, "absence_hr_medical_tab_refused")
    for tab in ("notes", "history"):
        page.goto(f"/cases/{case.pk}/?tab={tab}")
        expect(current_tab(page)).to_have_attribute("href", f"?tab={tab}")
        expect(page.locator("main")).not_to_contain_text(MEDICAL_NOTE)
        expect(page.locator("main")).not_to_contain_text("fysiotherapie")
        shot(page, f"absence_hr_{tab}")


def test_case_list_on_a_phone(page: Page, named_world: Any) -> None:
    named_world.busy()  # three open cases at the employer, one at the other employer
    open_cases = AbsenceCase.objects.filter(employer=named_world.employer, status=CaseStatus.OPEN)
    expected = open_cases.count()
    assert expected > 1

    log_in_as(page, "hr")
    page.set_viewport_size(PHONE)
    page.goto("/cases/")
    rows = page.locator("#case-table tbody tr")
    expect(rows).to_have_count(expected)
    shot(page, "absence_case_list_phone")
    no_horizontal_scroll(page)
    for case in open_cases:
        row = page.locator(
            "#case-table tbody tr", has=page.locator(f"a[href$='/cases/{case.pk}/']")
        )
        expect(row).to_be_visible()
        box = row.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        expect(row.locator("td[data-label]").first).to_contain_text(case.employee.display_name)
