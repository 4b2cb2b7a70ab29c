"""Lock-out after failed log-ins (issue 11 S5), counted per user name and per IP address.

django-axes counts the failures; these hooks give each count its own limit, one spelling
per user name, and the answer after a lock: JSON for the API, a page for the portal.
A failure during a lock is not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT
off), so a lock ends at its original time however often someone keeps trying.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from hersteld.core.validation import message


def username_of(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """ "Jan" and " jan " are one user name for counting, as they are for logging in."""
    if credentials and credentials.get("username") is not None:
        raw = credentials.get("username")
    else:
        raw = getattr(request, "data", request.POST).get("username")
    return str(raw).strip().lower() if raw is not None else None


def _failures(**lookup: Any) -> int:
    total = AccessAttempt.objects.filter(**lookup).aggregate(n=Sum("failures_since_start"))["n"]
    return int(total or 0)


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    """The number axes compares its largest count with.

    Axes has one limit for every parameter; a shared office address needs a higher one than
    a user name. So decide here: locked gives 1 (any count reaches it), not locked gives
    a number above every current count.
    """
    attempt_time = getattr(request, "axes_attempt_time", None) or timezone.now()
    since = attempt_time - dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
    username = username_of(request, credentials)
    ip = getattr(request, "axes_ip_address", None)
    by_user = _failures(username=username, attempt_time__gte=since) if username else 0
    by_ip = _failures(ip_address=ip, attempt_time__gte=since) if ip else 0
    if by_user >= settings.LOCKOUT_TRIES or by_ip >= settings.LOCKOUT_IP_TRIES:
        return 1
    return max(by_user, by_ip) + 1


def lockout_response(
    request: HttpRequest, original_response: Any, credentials: Any
) -> HttpResponse:
    minutes = settings.LOCKOUT_MINUTES
    if request.path.startswith("/api/"):
        text = str(message("locked_out")) % {"minutes": minutes}
        return JsonResponse({"detail": text, "errors": []}, status=429)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
