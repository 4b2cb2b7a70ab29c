"""The main menu and the access rule of every page it links to: one table for both.

A menu item is shown exactly when its page lets the user in, because the page's view is
decorated with `menu_page(<url name>)`, which asks the same rule. A new menu item without a
rule, or a rule only the menu knows, cannot happen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from hersteld.accounts.permissions import Role, may_use_api_tokens
from hersteld.core.restrict import AllScopes

Rule = Callable[[Any], bool]
V = TypeVar("V", bound=Callable[..., Any])


def anywhere(*permissions: str) -> Rule:
    """The user holds one of these permissions somewhere in his scope."""

    def rule(user: Any) -> bool:
        return any(user.has_perm_anywhere(permission) for permission in permissions)

    return rule


def on_a_whole_employer(permission: str) -> Rule:
    """The user holds the permission for at least one whole employer (or the tenant), not only
    for a department or his own record: the import replaces an employer's whole population."""

    def rule(user: Any) -> bool:
        scopes = user.scopes_for(permission)
        if isinstance(scopes, AllScopes):
            return True
        return any(s.department_path is None and s.employee_id is None for s in scopes)

    return rule


def api_user(user: Any) -> bool:
    """May create API tokens (the token page and the API documentation)."""
    return may_use_api_tokens(Role(user.role))


@dataclass(frozen=True)
class MenuItem:
    url_name: str
    label: Any
    rule: Rule | None  # None: every logged-in user
    new_tab: bool = False


MENU: tuple[MenuItem, ...] = (
    MenuItem("portal:home", _("Overview"), None),
    MenuItem("absence:case_list", _("Cases"), anywhere("absence.view")),
    MenuItem("poortwachter:worklist", _("Worklist"), anywhere("absence.view")),
    MenuItem("people:employment_list", _("Employments"), anywhere("people.view")),
    MenuItem("organisations:employer_list", _("Employers"), anywhere("organisations.view")),
    MenuItem("exchange-import", _("Import"), on_a_whole_employer("people.change")),
    MenuItem(
        "exchange:coupling_list",
        _("Couplings"),
        anywhere("exchange.manage", "exchange.view_error_log"),
    ),
    MenuItem("exchange:review_list", _("Proposals"), anywhere("exchange.review")),
    MenuItem("accounts:user_list", _("Users"), anywhere("accounts.manage")),
    MenuItem("accounts:tokens", _("API tokens"), api_user),
    MenuItem("api:openapi-view", _("API documentation"), api_user, new_tab=True),
)
BY_URL_NAME: dict[str, MenuItem] = {item.url_name: item for item in MENU}


def may_open(user: Any, url_name: str) -> bool:
    """Whether the menu shows this page to the user, and the page lets him in."""
    item = BY_URL_NAME[url_name]
    return item.rule is None or item.rule(user)


def menu_page(url_name: str) -> Callable[[V], V]:
    """Decorate the view a menu item links to: it refuses (403) whom the menu does not show it."""
    if url_name not in BY_URL_NAME:
        raise KeyError(f"{url_name} is not in the menu table")

    def decorate(view: V) -> V:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not may_open(request.user, url_name):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def items_for(request: HttpRequest) -> list[dict[str, Any]]:
    """The menu entries the user may open, with the current one marked."""
    user = request.user
    items = []
    for item in MENU:
        if not may_open(user, item.url_name):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # e.g. the API documentation switched off in this installation
            continue
        active = (
            request.path == url
            if item.url_name == "portal:home"
            else (request.path.startswith(url))
        )
        items.append({"url": url, "label": item.label, "active": active, "new_tab": item.new_tab})
    return items
