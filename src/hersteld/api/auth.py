"""API authentication: a bearer token, or the portal session once its second factor is done."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from ninja.security import HttpBearer, SessionAuth

from hersteld.accounts.middleware import second_factor_missing
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


def docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """/api/docs and /api/openapi.json: a signed-in user past the second factor, or a token.

    The schema maps every route and field; it is not for the public (issue 11 S4).
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            if user_for_token(header[7:].strip()) is not None:
                return view(request, *args, **kwargs)
            return JsonResponse({"detail": "Unauthorized", "errors": []}, status=401)
        if request.user.is_authenticated:
            if not second_factor_missing(request, check_device=True):
                return view(request, *args, **kwargs)
            return redirect(f"{reverse('accounts:otp')}?next={request.path}")
        if request.path.endswith(".json"):
            return JsonResponse({"detail": "Unauthorized", "errors": []}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapped
