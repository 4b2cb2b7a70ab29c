"""The error answers of every operation, written into the OpenAPI schema.

Every operation shares the same error handling (hersteld.web.errors, the access checks of
hersteld.web.access): which statuses it can answer follows from its shape, so they are
added here once instead of on each decorator. An operation's own declaration wins.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
                "required": ["field", "code", "message"],
            },
        },
    },
    "required": ["detail", "errors"],
}

# Ninja keys the responses by int status.
DESCRIPTIONS = {
    400: "The request body cannot be read (for example broken multipart).",
    401: "No valid token (or verified session): `Authorization: Bearer <token>`.",
    403: "The user lacks the permission for this operation.",
    404: "The object does not exist or lies outside the user's scope.",
    413: "The request body is larger than the installation accepts.",
    422: "The input is not valid or breaks a rule; `errors` names each field and rule.",
    429: "Too many failed log-in attempts: locked for a while.",
}

# Operations that count failed log-ins (hersteld.accounts.lockout).
LOCKOUT_PATHS = ("/auth/token",)
METHODS = ("get", "put", "post", "delete", "patch")


# Filters named after the object they pick (the statistics' population), not `..._id`.
OBJECT_FILTERS = frozenset({"employer", "department"})


def statuses(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer, from its authentication, parameters
    and body."""
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    found: list[int] = []
    if has_body:
        found += [400, 413]
    if operation.get("security"):
        found += [401, 403]
    # An id in the path, in the body or in a filter may name an object outside the scope.
    if has_body or any(
        parameter.get("in") == "path"
        or str(parameter.get("name", "")).endswith("_id")
        or parameter.get("name") in OBJECT_FILTERS
        for parameter in parameters
    ):
        found.append(404)
    if parameters or has_body:
        found.append(422)
    if method == "post" and path.endswith(LOCKOUT_PATHS):
        found.append(429)
    return found


def document_error_statuses(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in statuses(path, method, operation):
                if str(status) in responses:
                    continue
                responses.setdefault(
                    status,
                    {
                        "description": DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return schema
