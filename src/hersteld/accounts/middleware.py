from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Pages a signed-in user may reach before the second factor is done.
MFA_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")


class IdleTimeoutMiddleware:
    """Log a portal session out after HERSTELD_SESSION_IDLE_MINUTES without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get("last_seen")
            if last is not None and now - int(last) > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect(f"{reverse('accounts:login')}?timeout=1")
            else:
                request.session["last_seen"] = now
        return self.get_response(request)


class MfaRequiredMiddleware:
    """Users whose role needs two factors reach the portal only after a TOTP check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and (getattr(user, "mfa_required", False) or request.session.get("mfa_pending"))
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.path.startswith(MFA_OPEN_PREFIXES)
        ):
            return redirect("accounts:otp")
        return self.get_response(request)
