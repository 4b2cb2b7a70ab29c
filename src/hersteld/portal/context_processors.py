from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, permission needed anywhere in scope ("a|b": either) or None)
NAVIGATION: tuple[tuple[str, Any, str | None], ...] = (
    ("portal:home", _("Overview"), None),
    ("absence:case_list", _("Cases"), "absence.view"),
    ("poortwachter:worklist", _("Worklist"), "absence.view"),
    ("people:employment_list", _("Employments"), "people.view"),
    ("organisations:employer_list", _("Employers"), "organisations.view"),
    ("exchange-import", _("Import"), "people.change"),
    ("exchange:coupling_list", _("Couplings"), "exchange.manage|exchange.view_error_log"),
    ("exchange:review_list", _("Proposals"), "exchange.review"),
    ("accounts:user_list", _("Users"), "accounts.manage"),
    ("accounts:tokens", _("API tokens"), None),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(user, "has_perm_anywhere"):
        return {"nav_items": []}
    needs_second_factor = user.mfa_required or request.session.get("mfa_pending")
    if needs_second_factor and not user.is_verified():
        return {"nav_items": [], "second_factor_pending": True}
    items = []
    for name, label, permission in NAVIGATION:
        if permission is None or any(map(user.has_perm_anywhere, permission.split("|"))):
            url = reverse(name)
            active = request.path == url if name == "portal:home" else request.path.startswith(url)
            items.append({"url": url, "label": label, "active": active})
    signals = 0
    if user.has_perm_anywhere("absence.view"):
        from hersteld.poortwachter.selectors import unread_count

        signals = unread_count(user)
    return {"nav_items": items, "unread_signals": signals}
