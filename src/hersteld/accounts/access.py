"""Conditions on a user beyond "holds the permission somewhere", for route declarations.

Used as `@requires(..., rule=...)` (hersteld.web.access); the menu asks the same rule.
"""

from __future__ import annotations

from collections.abc import Callable

from hersteld.accounts.permissions import Role, may_use_api_tokens
from hersteld.core.restrict import AllScopes


def on_a_whole_employer(permission: str) -> Callable[[object], bool]:
    """The user holds the permission for at least one whole employer (or the tenant), not only
    for a department or his own record: an import replaces an employer's whole population."""

    def rule(user: object) -> bool:
        scopes_for = getattr(user, "scopes_for", None)
        if scopes_for is None:
            return False
        scopes = scopes_for(permission)
        if isinstance(scopes, AllScopes):
            return True
        return any(s.department_path is None and s.employee_id is None for s in scopes)

    return rule


def api_user(user: object) -> bool:
    """May create API tokens (the token page and the API documentation)."""
    role = getattr(user, "role", None)
    return role is not None and may_use_api_tokens(Role(role))
