"""The answer after too many failed log-ins: JSON for the API, a page for the portal."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from hersteld.core.validation import message


def lockout_response(
    request: HttpRequest, original_response: Any, credentials: Any
) -> HttpResponse:
    minutes = settings.LOCKOUT_MINUTES
    if request.path.startswith("/api/"):
        text = str(message("locked_out")) % {"minutes": minutes}
        return JsonResponse({"detail": text, "errors": []}, status=429)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
