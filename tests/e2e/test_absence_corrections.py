"""Issue 11 items 8, 10 and 20 in the browser: the same-cause question after a leave, the
confirmation of a pregnancy leave for someone registered as male, and correcting or removing
the latest recovery. Each page is shot at laptop and phone width. The people are hired into
`named_world` for the test; its "hr" and "medic" log in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hersteld.absence import services
from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus, Recovery
from tests.support.browser import LAPTOP, PHONE, log_in, pass_second_factor, shot, submit

pytestmark = pytest.mark.e2e


def both_widths(page: Page, name: str) -> None:
    page.set_viewport_size(LAPTOP)
    shot(page, f"{name}-laptop")
    page.set_viewport_size(PHONE)
    shot(page, f"{name}-phone")
    page.set_viewport_size(LAPTOP)


def login_as(page: Page, username: str) -> None:
    log_in(page, username)
    pass_second_factor(page)


def test_the_company_doctor_answers_same_cause(page: Page, named_world: Any) -> None:
    hr = named_world.hr
    employment = named_world.hire(gender="V", surname="Verlof")
    start = dt.date(2025, 3, 3)
    before = services.add_case(
        actor=hr,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": dt.date(2025, 1, 6)},
    )
    services.add_recovery(actor=hr, case_id=before.pk, data={"date": start, "percentage": 100})
    leave = services.add_case(
        actor=hr,
        employment_id=employment.pk,
        kind=CaseKind.PREGNANCY_LEAVE,
        data={"first_day": start, "expected_delivery": dt.date(2025, 4, 13)},
    )
    _leave, after = services.end_leave(actor=hr, case_id=leave.pk, continue_sick=True)

    login_as(page, "medic")
    page.goto(f"/cases/{after.pk}/")
    expect(page.locator("#same-cause")).to_be_visible()
    both_widths(page, "same-cause-question")
    page.locator("#same-cause a.button").click()
    page.locator("input[name=same_cause][value=no]").check()
    both_widths(page, "same-cause-form")
    submit(page)
    expect(page.locator("#same-cause")).to_be_visible()
    both_widths(page, "same-cause-answered")
    after.refresh_from_db()
    assert after.same_cause == "no" and after.chained_to_id is None


def test_hr_confirms_a_pregnancy_leave_for_someone_registered_as_male(
    page: Page, named_world: Any
) -> None:
    employment = named_world.hire(gender="M")
    login_as(page, "hr")
    page.goto(f"/cases/add/{employment.pk}/?kind=pregnancy_leave")
    expect(page.locator("#sex-warning")).to_be_visible()
    both_widths(page, "leave-male-warning")
    page.fill("#id_first_day", "2025-03-03")
    page.fill("#id_expected_delivery", "2025-04-13")
    submit(page, "#case-form")
    expect(page.locator("#form-errors")).to_be_visible()
    both_widths(page, "leave-male-refused")
    page.locator("#id_confirm_sex_mismatch").check()
    submit(page, "#case-form")
    expect(page.locator("h1")).to_contain_text("Zwangerschapsverlof")
    assert AbsenceCase.objects.filter(employment=employment).count() == 1


def test_hr_corrects_and_removes_the_latest_recovery(page: Page, named_world: Any) -> None:
    hr = named_world.hr
    employment = named_world.hire(surname="Hersteld")
    case = services.add_case(
        actor=hr,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": dt.date(2025, 1, 6)},
    )
    services.add_recovery(
        actor=hr, case_id=case.pk, data={"date": dt.date(2025, 2, 1), "percentage": 50}
    )
    full: Any = services.add_recovery(
        actor=hr, case_id=case.pk, data={"date": dt.date(2025, 2, 10), "percentage": 100}
    )
    login_as(page, "hr")
    page.goto(f"/cases/{case.pk}/?tab=recoveries")
    both_widths(page, "recovery-list-actions")
    page.locator(f"a[href='/recoveries/{full.pk}/correct/']").click()
    page.fill("#id_date", "2025-02-12")
    page.fill("#id_reason", "Datum verkeerd doorgegeven.")
    both_widths(page, "recovery-correct")
    submit(page)
    page.wait_for_url(lambda url: "/correct/" not in url)
    full.refresh_from_db()
    assert full.date == dt.date(2025, 2, 12)
    page.goto(f"/cases/{case.pk}/?tab=recoveries")
    page.locator(f"a[href='/recoveries/{full.pk}/remove/']").click()
    page.fill("#id_reason", "Per abuis gemeld.")
    both_widths(page, "recovery-remove-confirm")
    page.locator("main form button.danger").click()
    page.goto(f"/cases/{case.pk}/?tab=recoveries")
    both_widths(page, "recovery-after-removal")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert not Recovery.objects.filter(pk=full.pk).exists()
