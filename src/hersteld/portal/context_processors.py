from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from hersteld.portal.menu import items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(user, "has_perm_anywhere"):
        return {"nav_items": []}
    needs_second_factor = user.mfa_required or request.session.get("mfa_pending")
    if needs_second_factor and not user.is_verified():
        return {"nav_items": [], "second_factor_pending": True}
    items = items_for(request)  # each item shows when its page's declared access admits the user
    signals = messages = 0
    if user.has_perm_anywhere("absence.view"):
        from hersteld.messaging.selectors import unread_count as unread_messages
        from hersteld.poortwachter.selectors import unread_count

        signals = unread_count(user)
        messages = unread_messages(user)
    return {"nav_items": items, "unread_signals": signals, "unread_messages": messages}
