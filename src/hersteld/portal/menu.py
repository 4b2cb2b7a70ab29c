"""The main menu: one row per page; a page is shown exactly when its route admits the user.

The rule lives in one place, the route's own declaration (`@requires` in
hersteld.web.access): the menu resolves each URL name to its view and asks that declaration.
A menu item whose page declares nothing fails the route test (tests/test_routes.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import gettext_lazy as _

from hersteld.web.access import declared_access


@dataclass(frozen=True)
class MenuItem:
    url_name: str
    label: Any
    new_tab: bool = False
    # For a page that is not a portal view (the API documentation): the portal page whose
    # access it shares.
    same_as: str | None = None


MENU: tuple[MenuItem, ...] = (
    MenuItem("portal:home", _("Overview")),
    MenuItem("absence:case_list", _("Cases")),
    MenuItem("poortwachter:worklist", _("Worklist")),
    MenuItem("messaging:inbox", _("Messages")),
    MenuItem("people:my_access_log", _("Who viewed my file")),
    MenuItem("consults:list", _("Consults")),
    MenuItem("consults:agenda", _("Agenda")),
    MenuItem("people:employment_list", _("Employments")),
    MenuItem("organisations:employer_list", _("Employers")),
    MenuItem("statistics:overview", _("Absence figures")),
    MenuItem("exchange-import", _("Import")),
    MenuItem("exchange:coupling_list", _("Couplings")),
    MenuItem("exchange:review_list", _("Proposals")),
    MenuItem("exchange:vault_reveal", _("Datakluis")),
    MenuItem("consults:billing", _("Billing")),
    MenuItem("organisations:retention_reports", _("Retention")),
    MenuItem("accounts:user_list", _("Users")),
    MenuItem("accounts:tokens", _("API tokens")),
    MenuItem("api:openapi-view", _("API documentation"), new_tab=True, same_as="accounts:tokens"),
)


def may_open(user: Any, item: MenuItem) -> bool:
    """Whether the item's page (or the page it shares access with) admits the user."""
    access = declared_access(resolve(reverse(item.same_as or item.url_name)).func)
    return access is not None and access.admits(user)


def may_reach(user: Any, url_name: str) -> bool:
    """Whether the page named `url_name` admits the user (for a link outside the menu)."""
    return may_open(user, MenuItem(url_name, ""))


def items_for(request: HttpRequest) -> list[dict[str, Any]]:
    """The menu entries the user may open, with the current one marked."""
    items = []
    for item in MENU:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # e.g. the API documentation switched off in this installation
            continue
        if not may_open(request.user, item):
            continue
        active = (
            request.path == url if item.url_name == "portal:home" else request.path.startswith(url)
        )
        items.append({"url": url, "label": item.label, "active": active, "new_tab": item.new_tab})
    return items
