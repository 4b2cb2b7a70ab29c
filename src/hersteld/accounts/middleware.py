from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from hersteld.accounts.services import confirmed_device, touch_session
from hersteld.accounts.signals import SEEN_KEY
from hersteld.core.middleware import client_ip

# Prefixes a signed-in user may reach before the second factor is done. The API checks the
# second factor itself (hersteld.api.auth, the docs decorator, the token route).
MFA_OPEN_PREFIXES = ("/static/", "/i18n/", "/api/")
# The only portal pages before the second factor: log-in, log-out, the code check and
# enrolment (which itself refuses a user who already has a confirmed device).
MFA_OPEN_URL_NAMES = ("accounts:login", "accounts:logout", "accounts:otp", "accounts:otp_setup")


def second_factor_missing(request: HttpRequest, *, check_device: bool = False) -> bool:
    """True while a signed-in user still owes the second factor.

    The session flag `mfa_pending` (set at log-in when the user has a device) and the role
    decide; `check_device` also asks the database, for pages that hand out lasting access.
    """
    user = request.user
    if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
        return False
    if getattr(user, "mfa_required", False) or request.session.get("mfa_pending"):
        return True
    return check_device and confirmed_device(user) is not None


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
        self._open_paths: frozenset[str] | None = None

    def open_paths(self) -> frozenset[str]:
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in MFA_OPEN_URL_NAMES)
        return self._open_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            second_factor_missing(request)
            and request.path not in self.open_paths()
            and not request.path.startswith(MFA_OPEN_PREFIXES)
        ):
            return redirect("accounts:otp")
        return self.get_response(request)


class PortalSessionMiddleware:
    """Last seen and address of the signed-in session, written at most once a minute."""

    INTERVAL = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if request.user.is_authenticated and session is not None and session.session_key:
            now = int(time.time())
            if now - int(session.get(SEEN_KEY, 0)) >= self.INTERVAL:
                touch_session(
                    user=request.user,
                    session_key=session.session_key,
                    ip=client_ip(request),
                    user_agent=request.headers.get("User-Agent", ""),
                )
                session[SEEN_KEY] = now
        return self.get_response(request)
