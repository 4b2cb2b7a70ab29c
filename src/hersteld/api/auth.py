"""API authentication: a bearer token, or the portal session once its second factor is done."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from hersteld.accounts.services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


class VerifiedSession(SessionAuth):
    """The portal session (for the interactive docs), with CSRF; MFA users must be verified."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if (getattr(user, "mfa_required", False) or request.session.get("mfa_pending")) and not (
            user.is_verified()
        ):
            return None
        return user


AUTH = [BearerToken(), VerifiedSession()]
