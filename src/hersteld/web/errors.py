"""One error shape for every 4xx: {"detail": ..., "errors": [{"field", "code", "message"}]}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

# Service field names that the API calls by their *_id name.
API_FIELD_NAMES = {"department": "department_id", "employer": "employer_id", "parent": "parent_id"}


def _field_from_loc(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "payload", "data")]
    return ".".join(parts)


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


def install(api: NinjaAPI) -> None:
    @api.exception_handler(SchemaValidationError)
    def schema_invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
        errors = [
            {
                "field": _field_from_loc(error.get("loc", ())),
                "code": str(error.get("type", "invalid")),
                "message": str(error.get("msg", "")),
            }
            for error in exc.errors
        ]
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
