"""One error shape for every 4xx and 5xx: {"detail": ..., "errors": [{"field", "code", "message"}]}."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

logger = logging.getLogger("hersteld.api")

# Service field names that the API calls by their *_id name.
API_FIELD_NAMES = {"department": "department_id", "employer": "employer_id", "parent": "parent_id"}

# Pydantic's checks of numbers, in our words (Dutch through gettext): (message, ctx key of the limit).
SCHEMA_MESSAGES: dict[str, tuple[Any, str]] = {
    "greater_than_equal": (gettext_lazy("%(field)s must be at least %(limit)s."), "ge"),
    "greater_than": (gettext_lazy("%(field)s must be more than %(limit)s."), "gt"),
    "less_than_equal": (gettext_lazy("%(field)s can be at most %(limit)s."), "le"),
    "less_than": (gettext_lazy("%(field)s must be less than %(limit)s."), "lt"),
    "int_parsing": (gettext_lazy("%(field)s must be a whole number."), ""),
    "int_from_float": (gettext_lazy("%(field)s must be a whole number."), ""),
    "decimal_max_digits": (
        gettext_lazy("%(field)s has at most %(limit)s digits."),
        "max_digits",
    ),
    "decimal_max_places": (
        gettext_lazy("%(field)s has at most %(limit)s decimals."),
        "decimal_places",
    ),
    "date_out_of_range": (
        gettext_lazy("%(field)s must lie in the years %(limit)s."),
        "years",
    ),
    "string_nul": (gettext_lazy("%(field)s contains the character NUL, which is not allowed."), ""),
    "decimal_whole_digits": (
        gettext_lazy("%(field)s has at most %(limit)s digits before the decimal point."),
        "whole_digits",
    ),
}


def _field_from_loc(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "payload", "data")]
    return ".".join(parts)


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


def _schema_message(error: dict[str, Any], field: str) -> str:
    """A bound or number error named with its field and limit; Pydantic's own text otherwise."""
    known = SCHEMA_MESSAGES.get(str(error.get("type")))
    if known is None:
        return str(error.get("msg", ""))
    text, key = known
    ctx = error.get("ctx") or {}
    limit = ctx.get(key, "") if key != "years" else f"{ctx.get('first')}-{ctx.get('last')}"
    return str(text) % {"field": field or _("the value"), "limit": limit}


def install(api: NinjaAPI) -> None:
    @api.exception_handler(SchemaValidationError)
    def schema_invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
        errors = []
        for error in exc.errors:
            field = _field_from_loc(error.get("loc", ()))
            errors.append(
                {
                    "field": field,
                    "code": str(error.get("type", "invalid")),
                    "message": _schema_message(error, field),
                }
            )
        return api.create_response(
            request, error_body(_("The request is not valid."), errors), status=422
        )

    @api.exception_handler(ValidationError)
    def rule_violated(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors: list[dict[str, str]] = []
        if hasattr(exc, "error_dict"):
            for field, field_errors in exc.error_dict.items():
                for error in field_errors:
                    errors.append(
                        {
                            "field": API_FIELD_NAMES.get(field, field)
                            if field != "__all__"
                            else "",
                            "code": error.code or "invalid",
                            "message": " ".join(str(m) for m in error.messages),
                        }
                    )
        else:
            for error in exc.error_list:
                errors.append(
                    {
                        "field": "",
                        "code": error.code or "invalid",
                        "message": " ".join(str(m) for m in error.messages),
                    }
                )
        return api.create_response(
            request, error_body(_("The data breaks a rule."), errors), status=422
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body(_("Not found.")), status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, error_body(str(exc) or _("Not allowed.")), status=403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(
            request,
            error_body(_("Log in with a valid token: Authorization: Bearer <token>.")),
            status=401,
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, error_body(str(exc)), status=exc.status_code)

    def bad_request(request: HttpRequest, exc: Any) -> HttpResponse:
        """A body Django cannot read (e.g. multipart without boundary) is the client's error."""
        return api.create_response(
            request, error_body(_("The request body cannot be read.")), status=400
        )

    for unreadable in (MultiPartParserError, BadRequest, SuspiciousOperation):
        api.add_exception_handler(unreadable, bad_request)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return api.create_response(request, error_body(_("The request is too large.")), status=413)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        """Last resort: the traceback goes to the log, the client gets the JSON shape, not HTML."""
        logger.error(
            "Unhandled error in %s %s (request %s)",
            request.method,
            request.path,
            getattr(request, "request_id", "-"),
            exc_info=exc,
        )
        return api.create_response(
            request,
            error_body(_("Something went wrong on our side; it has been logged. Try again later.")),
            status=500,
        )
