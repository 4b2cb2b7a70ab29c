"""The department scope of a user in a real browser (issue 11 items 1, 13, 14 and 19).

Saving only the e-mail of the department manager keeps his department; a new user limited
to a department can be created; a scope change shows old against new before it happens; the
menu of a department manager and of an employee offers only what they may open.
The users are those of a `named_world`: its "admin", its "manager" (limited to the top
department) and its "employee"; the new scope is the sibling department.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hersteld.accounts.models import User
from tests.support.browser import PHONE, log_in, pass_second_factor, path_re, shot

pytestmark = pytest.mark.e2e

MANAGER = "manager"
PASSWORD = "een-lang-wachtwoord-2026"


def as_user(page: Page, username: str) -> None:
    log_in(page, username)
    pass_second_factor(page)


def both_widths(page: Page, name: str) -> None:
    shot(page, f"{name}-laptop")
    page.set_viewport_size(PHONE)
    shot(page, f"{name}-phone")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_saving_the_e_mail_of_a_department_manager_keeps_his_department(
    page: Page, named_world: Any
) -> None:
    top = named_world.department
    manager = User.objects.get(username=MANAGER)
    as_user(page, "admin")
    page.goto(f"/users/{manager.pk}/")
    summary = page.locator("dl.scope-summary")
    expect(summary).to_contain_text(f"{top.code} {top.name}")
    # The permission list shows Dutch labels; the code is only a tooltip.
    rights = page.locator("ul.permissions")
    expect(rights).to_contain_text("Verzuimgevallen inzien")
    expect(rights).not_to_contain_text("absence.view")
    expect(rights.locator('li[title="absence.view"]')).to_have_count(1)
    both_widths(page, "users-detail")
    details = page.locator("form:has(#id_email)")
    details.locator("#id_email").fill("henk.smit@example.org")
    details.locator("button.primary").click()
    expect(page).to_have_url(path_re(f"/users/{manager.pk}/"))
    expect(page.locator(".msg-success")).to_be_visible()
    manager.refresh_from_db()
    assert manager.email == "henk.smit@example.org"
    assert manager.department == top
    expect(page.locator("dl.scope-summary")).to_contain_text(f"{top.code} {top.name}")


def test_an_admin_creates_a_user_limited_to_one_department(page: Page, named_world: Any) -> None:
    employer, shop = named_world.employer, named_world.sibling_department
    as_user(page, "admin")
    page.goto("/users/add/")
    role = page.locator("#id_role")
    expect(role.locator('option[value="operator"]')).to_have_count(0)
    page.fill("#id_username", "chef.winkel")
    role.select_option("employer_user")
    page.locator("#id_employer").select_option(label=employer.name)
    winkel = page.locator(f'#id_department option[value="{shop.pk}"]')
    expect(winkel).to_be_enabled()
    page.locator("#id_department").select_option(str(shop.pk))
    # Departments of another employer (of the same arbodienst) are not offered for this one.
    other = named_world.other_department
    expect(page.locator(f'#id_department option[value="{other.pk}"]')).to_be_disabled()
    page.fill("#id_password", PASSWORD)
    both_widths(page, "users-add")
    page.locator("main form button.primary").click()
    created = User.objects.get(username="chef.winkel")
    expect(page).to_have_url(path_re(f"/users/{created.pk}/"))
    assert created.department == shop
    assert created.employer == employer


def test_a_scope_change_shows_old_and_new_before_it_happens(page: Page, named_world: Any) -> None:
    top, shop = named_world.department, named_world.sibling_department
    manager = User.objects.get(username=MANAGER)
    as_user(page, "admin")
    page.goto(f"/users/{manager.pk}/")
    page.get_by_role("link", name="Bereik wijzigen").click()
    expect(page).to_have_url(path_re(f"/users/{manager.pk}/scope/"))
    # The department the server selected stays selected after the script ran.
    expect(page.locator("#id_department")).to_have_value(str(top.pk))
    page.locator("#id_department").select_option(str(shop.pk))
    page.fill("#id_reason", "Henk gaat de winkel leiden")
    page.locator("main form button.primary").click()
    compare = page.locator("table.scope-compare")
    expect(compare).to_contain_text(f"{top.code} {top.name}")
    expect(compare).to_contain_text(f"{shop.code} {shop.name}")
    both_widths(page, "users-scope-confirm")
    manager.refresh_from_db()
    assert manager.department == top  # nothing changed yet
    page.locator("main form button.primary").click()
    expect(page).to_have_url(path_re(f"/users/{manager.pk}/"))
    manager.refresh_from_db()
    assert manager.department == shop


def menu_texts(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("#mainnav a").all_inner_texts()]


@pytest.mark.parametrize(
    ("username", "absent", "present"),
    [
        (MANAGER, {"Import", "Gebruikers"}, {"Verzuim", "API-documentatie"}),
        ("employee", {"Import", "API-documentatie", "API-tokens"}, set()),
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
