"""The department scope of a user in a real browser (issue 11 items 1, 13, 14 and 19).

Saving only the e-mail of the department manager keeps his department; a new user limited
to a department can be created; a scope change shows old against new before it happens; the
menu of a department manager and of an employee offers only what they may open.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hersteld.accounts.models import User
from hersteld.organisations.models import Department
from tests.support.browser import PHONE, log_in, pass_second_factor, path_re, shot

pytestmark = pytest.mark.e2e

MANAGER = "manager.devries.bakkerij"
PASSWORD = "een-lang-wachtwoord-2026"


def department(code: str) -> Department:
    return Department.objects.get(code=code, employer__name="Bakkerij De Vries")


def as_user(page: Page, username: str) -> None:
    log_in(page, username)
    pass_second_factor(page)


def both_widths(page: Page, name: str) -> None:
    shot(page, f"{name}-laptop")
    page.set_viewport_size(PHONE)
    shot(page, f"{name}-phone")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_saving_the_e_mail_of_a_department_manager_keeps_his_department(page: Page) -> None:
    manager = User.objects.get(username=MANAGER)
    as_user(page, "admin.noord")
    page.goto(f"/users/{manager.pk}/")
    summary = page.locator("dl.scope-summary")
    expect(summary).to_contain_text("BAK Bakkerij")
    # The permission list shows Dutch labels; the code is only a tooltip.
    rights = page.locator("ul.permissions")
    expect(rights).to_contain_text("Verzuimgevallen inzien")
    expect(rights).not_to_contain_text("absence.view")
    expect(rights.locator('li[title="absence.view"]')).to_have_count(1)
    both_widths(page, "users-detail")
    details = page.locator("form:has(#id_email)")
    details.locator("#id_email").fill("henk.smit@devries.example")
    details.locator("button.primary").click()
    expect(page).to_have_url(path_re(f"/users/{manager.pk}/"))
    expect(page.locator(".msg-success")).to_be_visible()
    manager.refresh_from_db()
    assert manager.email == "henk.smit@devries.example"
    assert manager.department == department("BAK")
    expect(page.locator("dl.scope-summary")).to_contain_text("BAK Bakkerij")


def test_an_admin_creates_a_user_limited_to_one_department(page: Page) -> None:
    as_user(page, "admin.noord")
    page.goto("/users/add/")
    role = page.locator("#id_role")
    expect(role.locator('option[value="operator"]')).to_have_count(0)
    page.fill("#id_username", "chef.winkel")
    role.select_option("employer_user")
    page.locator("#id_employer").select_option(label="Bakkerij De Vries")
    winkel = page.locator(f'#id_department option[value="{department("WNK").pk}"]')
    expect(winkel).to_be_enabled()
    page.locator("#id_department").select_option(str(department("WNK").pk))
    # Departments of another employer are not offered for this employer.
    other = Department.objects.exclude(employer__name="Bakkerij De Vries").filter(
        employer__arbodienst__slug="arbo-noord"
    )[0]
    expect(page.locator(f'#id_department option[value="{other.pk}"]')).to_be_disabled()
    page.fill("#id_password", PASSWORD)
    both_widths(page, "users-add")
    page.locator("main form button.primary").click()
    created = User.objects.get(username="chef.winkel")
    expect(page).to_have_url(path_re(f"/users/{created.pk}/"))
    assert created.department == department("WNK")
    assert created.employer.name == "Bakkerij De Vries"


def test_a_scope_change_shows_old_and_new_before_it_happens(page: Page) -> None:
    manager = User.objects.get(username=MANAGER)
    as_user(page, "admin.noord")
    page.goto(f"/users/{manager.pk}/")
    page.get_by_role("link", name="Bereik wijzigen").click()
    expect(page).to_have_url(path_re(f"/users/{manager.pk}/scope/"))
    # The department the server selected stays selected after the script ran.
    expect(page.locator("#id_department")).to_have_value(str(department("BAK").pk))
    page.locator("#id_department").select_option(str(department("WNK").pk))
    page.fill("#id_reason", "Henk gaat de winkel leiden")
    page.locator("main form button.primary").click()
    compare = page.locator("table.scope-compare")
    expect(compare).to_contain_text("BAK Bakkerij")
    expect(compare).to_contain_text("WNK Winkel")
    both_widths(page, "users-scope-confirm")
    manager.refresh_from_db()
    assert manager.department == department("BAK")  # nothing changed yet
    page.locator("main form button.primary").click()
    expect(page).to_have_url(path_re(f"/users/{manager.pk}/"))
    manager.refresh_from_db()
    assert manager.department == department("WNK")


def menu_texts(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("#mainnav a").all_inner_texts()]


@pytest.mark.parametrize(
    ("username", "absent", "present"),
    [
        (MANAGER, {"Import", "Gebruikers"}, {"Verzuim", "API-documentatie"}),
        ("werknemer.devries", {"Import", "API-documentatie", "API-tokens"}, set()),
    ],
)
def test_the_menu_offers_only_what_the_user_may_open(
    page: Page, username: str, absent: set[str], present: set[str], live_server: Any
) -> None:
    as_user(page, username)
    shown = set(menu_texts(page))
    assert not shown & absent, shown
    assert present <= shown, shown
    name = username.replace(".", "-")
    shot(page, f"menu-{name}-laptop")
    page.set_viewport_size(PHONE)
    page.locator(".menu-toggle").click()
    expect(page.locator("#mainnav")).to_be_visible()
    shot(page, f"menu-{name}-phone")
    for item in page.locator("#mainnav a").all():
        href = item.get_attribute("href") or ""
        if href.startswith("/api/"):
            continue
        response = page.request.get(href)
        assert response.status == 200, (username, href, response.status)
