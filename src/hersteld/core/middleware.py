from __future__ import annotations

import datetime
import json
import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from hersteld.core.context import RequestMeta, request_meta


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    """Give each request an id (echoed as X-Request-ID) and remember the client IP for audit rows."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming[:64] if incoming.isascii() and incoming else uuid.uuid4().hex
        channel = "api" if request.path.startswith("/api/") else "ui"
        meta = RequestMeta(request_id=request_id, ip=client_ip(request), channel=channel)
        request.request_id = request_id  # type: ignore[attr-defined]
        with request_meta(meta):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class DutchFirstLocaleMiddleware:
    """Dutch unless the person chose English with the language switch (cookie), whatever the browser says."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ContentSecurityPolicyMiddleware:
    """Send settings.CONTENT_SECURITY_POLICY on every response that has none yet.

    The portal has no inline script, style attribute or foreign origin; the API
    documentation (ninja's Swagger UI) loads its script and style from /static/ too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


request_log = logging.getLogger("hersteld.requests")


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, without loading a user that the request never looked at."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    pk = getattr(wrapped, "pk", None)
    return pk if isinstance(pk, int) else None


def route_template(request: HttpRequest) -> str:
    """The URL pattern that answered (`employees/<int:pk>/`), never the path with its ids.

    A path with a BSN, a name in a search or a token in a query string must not reach the
    log; the pattern holds none of that. A path that matched no route logs as `<unmatched>`.
    """
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route:
        return "<unmatched>"
    route: str = match.route
    return "/" + route.lstrip("^").rstrip("$")


class RequestLogMiddleware:
    """One JSON line per request on the `hersteld.requests` logger (settings.REQUEST_LOG).

    Fields: method, route (the pattern, not the path), status, duration in ms, user id and
    request id. No query string, no path arguments, no body: the log may leave the
    installation (a log collector), personal data must not.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request_log.isEnabledFor(logging.INFO):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        line = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "method": request.method,
            "route": route_template(request),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": _user_id(request),
            "request_id": getattr(request, "request_id", None),
        }
        request_log.info(json.dumps(line, separators=(",", ":")))
        return response
