"""The menu shows a page exactly when the page lets the user in (issue 11 items 13 and 19).

The menu asks each page's declared access (hersteld.web.access); these tests open every page as
every persona and compare with what the menu showed, so a rule that only one side knows fails.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hersteld.portal.menu import MENU

pytestmark = pytest.mark.django_db

PERSONAS = [
    "operator",
    "admin",
    "casemanager",
    "medic",
    "hr",
    "manager",
    "employee",
]


def menu_links(client: Any) -> set[str]:
    response = client.get("/")
    assert response.status_code == 200
    return {item["url"] for item in response.context["nav_items"]}


@pytest.mark.parametrize("username", PERSONAS)
def test_every_menu_page_opens_exactly_when_the_menu_shows_it(
    world, sign_in, username: str
) -> None:
    client = sign_in(getattr(world, username))
    shown = menu_links(client)
    # The API documentation is the API's own page (its access is the API's settings); the
    # menu link follows the token rule, checked below.
    for item in (item for item in MENU if not item.url_name.startswith("api:")):
        url = reverse(item.url_name)
        status = client.get(url).status_code
        if url in shown:
            assert status == 200, f"{username} sees {url} in the menu but gets {status}"
        else:
            assert status in (302, 401, 403), f"{username} opens hidden {url}: {status}"


def test_a_department_manager_is_not_offered_the_import(world, sign_in) -> None:
    client = sign_in(world.manager)
    assert "/exchange/import/" not in menu_links(client)
    assert client.get("/exchange/import/").status_code == 403
    assert "/cases/" in menu_links(client)


def test_an_employer_wide_hr_user_is_offered_the_import(world, sign_in) -> None:
    assert "/exchange/import/" in menu_links(sign_in(world.hr))


def test_an_employee_sees_neither_api_tokens_nor_the_api_documentation(world, sign_in) -> None:
    client = sign_in(world.employee)
    links = menu_links(client)
    assert "/api/docs" not in links and "/profile/tokens/" not in links
    assert "API-documentatie" not in client.get("/").content.decode()
    assert client.get("/profile/tokens/").status_code == 403


@pytest.mark.parametrize("username", ["hr", "casemanager", "admin"])
def test_users_who_may_create_tokens_see_the_api_documentation(
    world, sign_in, username: str
) -> None:
    links = menu_links(sign_in(getattr(world, username)))
    assert {"/api/docs", "/profile/tokens/"} <= links


def test_an_employee_gets_no_api_token_through_the_api(world, client: Any) -> None:
    from tests.support.world import PASSWORD

    response = client.post(
        "/api/v1/auth/token",
        {"username": world.employee.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 403
