"""REST API v1 of the exchange: the inbox for couplings (X2-X4), the change feed (X8) and the
proposals (review tasks) a casemanager decides on."""

# No `from __future__ import annotations` here: Ninja's @paginate reads the list operation's
# parameter types in its own module, where a type named only as a string cannot be found.

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import APIKeyHeader, HttpBearer

from hersteld.core.validation import message as message_text
from hersteld.exchange import codec, selectors, services
from hersteld.exchange.models import Coupling, InboxMessage, ReviewTask
from hersteld.people import vault
from hersteld.web.access import AuthedRequest, api_coupling, api_requires
from hersteld.web.errors import error_body
from hersteld.web.schemas import Id, InputSchema, Pagination

router = Router(tags=["exchange"])

INBOX_BODY = {
    "requestBody": {
        "required": True,
        "description": (
            "A SIVI message (Verzuimmeldingen, WerknemerGegevens, Dienstverbanden; valid against "
            "SIVI's 2022 schemas, mapping in docs/exchange-format.md) or the Hersteld JSON "
            "mutation format. At most "
            f"{codec.MAX_BODY_BYTES // (1024 * 1024)} MB."
        ),
        "content": {
            "application/xml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


def _active_coupling(key: str) -> Coupling | None:
    """The coupling of a key; a known key of a coupling that is not active is refused (403).

    Checked here, in the authentication, so that no coupling endpoint can forget it: a
    requested, configured or suspended coupling reads nothing and sends nothing.
    """
    coupling = services.coupling_for_key(key)
    if coupling is not None and not coupling.is_active:
        raise PermissionDenied(message_inactive())
    return coupling


class CouplingBearer(HttpBearer):
    """`Authorization: Bearer <coupling key>`: the key the operator issued for one coupling."""

    def authenticate(self, request: HttpRequest, token: str) -> Coupling | None:
        return _active_coupling(token)


class CouplingHeader(APIKeyHeader):
    """The same key in `X-Coupling-Key`, for systems that cannot set Authorization."""

    param_name = "X-Coupling-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Coupling | None:
        return _active_coupling(key or "")


COUPLING_AUTH = [CouplingBearer(), CouplingHeader()]


class ErrorBody(Schema):
    detail: str
    errors: list[dict[str, str]]


class ErrorOut(Schema):
    path: str = Field(description="element path (SIVI) or JSON pointer")
    rule: str
    message: str


class InboxOut(Schema):
    id: int
    status: str = Field(
        description="received, processed, held, review, rejected or failed (see the API guide)"
    )
    message_ref: str
    duplicate: bool = Field(False, description="true when this reference was received before")
    received_at: dt.datetime
    processed_at: dt.datetime | None
    errors: list[ErrorOut]
    result: dict[str, Any]


def _inbox_out(message: InboxMessage, *, duplicate: bool = False) -> dict[str, Any]:
    return {
        "id": message.pk,
        "status": message.status,
        "message_ref": message.message_ref,
        "duplicate": duplicate,
        "received_at": message.received_at,
        "processed_at": message.processed_at,
        "errors": message.errors,
        "result": message.result,
    }


def _coupling(request: HttpRequest) -> Coupling:
    """The authenticated coupling; the authentication has already refused an inactive one."""
    coupling: Coupling = request.auth  # type: ignore[attr-defined]
    return coupling


def message_inactive() -> str:
    return _("This coupling is not active; the operator activates it.")


@router.post(
    "/exchange/inbox",
    auth=COUPLING_AUTH,
    response={
        200: InboxOut,
        202: InboxOut,
        401: ErrorBody,
        403: ErrorBody,
        413: ErrorBody,
        503: ErrorBody,
    },
    openapi_extra=INBOX_BODY,
    summary="Send one message (stored first, processed by a worker)",
)
@api_coupling
def post_inbox(request: HttpRequest) -> Status[Any]:
    """202 with the new message's id and status; the same reference again: 200, first message."""
    coupling = _coupling(request)
    content_type = request.headers.get("Content-Type", "")
    try:
        body = request.body
    except RequestDataTooBig:
        return Status(
            413,
            error_body(
                _("The message is larger than %(mb)s MB; split it into several messages.")
                % {"mb": codec.MAX_BODY_BYTES // (1024 * 1024)}
            ),
        )
    if coupling.vault and not vault.configured():
        # Never store a Datakluis message unencrypted: the sender tries again later.
        return Status(503, error_body(str(message_text("vault_key_missing"))))
    message, created = services.receive(coupling, body, content_type)
    if created:
        message.refresh_from_db()
    return Status(202 if created else 200, _inbox_out(message, duplicate=not created))


@router.get(
    "/exchange/inbox/{message_id}",
    auth=COUPLING_AUTH,
    response={200: InboxOut, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody},
    summary="Status and errors of one message of this coupling",
)
@api_coupling
def get_inbox(request: HttpRequest, message_id: Id) -> dict[str, Any]:
    coupling = _coupling(request)
    return _inbox_out(selectors.coupling_message(coupling, message_id))


@router.get(
    "/exchange/inbox/{message_id}/reply",
    auth=COUPLING_AUTH,
    response={200: str, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody},
    openapi_extra={
        "responses": {200: {"content": {"application/xml": {"schema": {"type": "string"}}}}}
    },
    summary="The SIVI reply (Retourmelding1) to one message of this coupling",
)
@api_coupling
def get_reply(request: HttpRequest, message_id: Id) -> HttpResponse:
    """Status and errors as a SIVI Retourmelding1 (codes: see docs/exchange-format.md)."""
    coupling = _coupling(request)
    return HttpResponse(
        services.reply_for(selectors.coupling_message(coupling, message_id)),
        content_type="application/xml; charset=utf-8",
    )


class ChangeOut(Schema):
    seq: int
    type: str = Field(description="employee, employment, case or recovery")
    id: int
    action: str = Field(
        description="create, update, end, delete or anonymise (docs/exchange.md, change feed)"
    )
    fields: list[str] = Field(description="names of the changed fields")
    employer_id: int
    employee_id: int | None
    occurred_at: dt.datetime


class ChangesOut(Schema):
    changes: list[ChangeOut]
    next_cursor: str = Field(description="pass as ?cursor= to get what follows")
    has_more: bool


class ChangesQuery(Schema):
    cursor: str = Field("0", description="next_cursor of the previous page; 0 from the start")
    limit: int = Field(200, ge=1, le=1000)


@router.get("/exchange/changes", response=ChangesOut, summary="Changes after a cursor (X8)")
@api_requires("people.view")
def changes(request: AuthedRequest, query: Query[ChangesQuery]) -> Any:
    """Ordered by commit; a change is never skipped, also not under concurrent writes."""
    after = selectors.parse_cursor(query.cursor)
    rows, next_cursor, more = selectors.changes_after(request.user, after, query.limit)
    return {
        "changes": [
            {
                "seq": row.seq,
                "type": row.object_type,
                "id": row.object_id,
                "action": row.action,
                "fields": row.fields,
                "employer_id": row.employer_id,
                "employee_id": row.employee_id,
                "occurred_at": row.occurred_at,
            }
            for row in rows
        ],
        "next_cursor": str(next_cursor),
        "has_more": more,
    }


class RevealIn(InputSchema):
    employer_id: Id
    key: str = Field(
        max_length=40, description="the personnel number or the coupling's employee key (IdWrknmr)"
    )


class RevealOut(Schema):
    employee_id: int
    display_name: str


@router.post(
    "/exchange/vault/reveal",
    response=RevealOut,
    summary="Datakluis: reveal an employee for a preventive consult (X7)",
)
@api_requires("absence.change", rule=services.may_reveal)
def vault_reveal(request: AuthedRequest, payload: RevealIn) -> dict[str, Any]:
    """Casemanagers and medics; the person is found by the coupling's key, never created.

    A sealed person is revealed for the purpose "preventive_consult" (audited); the answer
    names the employee to plan the consult for (GET /api/v1/employees/{id} then shows him).
    """
    employee = services.reveal_for_preventive_consult(
        actor=request.user, employer_id=payload.employer_id, key=payload.key
    )
    return {"employee_id": employee.pk, "display_name": employee.display_name}


# --- proposals (review tasks) ------------------------------------------------------------


ReviewStatusCode = Literal["open", "applied", "rejected"]
"""models.ReviewStatus, as a filter (tests/exchange/test_review_api.py checks they agree)."""


class ReviewFieldOut(Schema):
    field: str = Field(description="e.g. first_day, sick_percentage, surname; gap: detail")
    current: str | bool | None = Field(
        description="the value in Hersteld now (merge: of the person entered by hand)"
    )
    proposed: str | bool | None = Field(
        description="the value the coupling proposes (merge: of the person in the message)"
    )
    changed: bool


def _shown_employee(review: ReviewTask) -> Any:
    """The employee a proposal is about; a sealed Datakluis person appears in no API answer."""
    employee = review.employee
    return None if employee is None or employee.sealed else employee


class ReviewOut(Schema):
    """What the portal's proposal page shows the person deciding, as data (codes, ISO dates)."""

    id: int
    kind: str = Field(
        description="correction or withdrawal (of an absence), merge (possible duplicate "
        "person), gap (a missing report)"
    )
    status: str = Field(description="open, applied or rejected")
    employer_id: int
    employer_name: str
    coupling_id: int
    source_system: str
    message_ref: str = Field(description="the reference of the message that proposes it")
    external_key: str = Field(description="the coupling's key of the person or absence")
    case_id: int | None = Field(description="correction, withdrawal: the case it changes")
    employment_id: int | None
    employee_id: int | None = Field(description="the employee it is about (merge: the match)")
    employee_name: str | None
    fields: list[ReviewFieldOut] = Field(description="current and proposed values, per field")
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None = Field(description="the name of who decided")

    @staticmethod
    def resolve_employer_id(obj: ReviewTask) -> int:
        return obj.coupling.employer_id

    @staticmethod
    def resolve_employer_name(obj: ReviewTask) -> str:
        return obj.coupling.employer.name

    @staticmethod
    def resolve_source_system(obj: ReviewTask) -> str:
        return obj.coupling.source_system

    @staticmethod
    def resolve_message_ref(obj: ReviewTask) -> str:
        return obj.message.message_ref

    @staticmethod
    def resolve_employment_id(obj: ReviewTask) -> int | None:
        return obj.case.employment_id if obj.case is not None else None

    @staticmethod
    def resolve_employee_id(obj: ReviewTask) -> int | None:
        employee = _shown_employee(obj)
        return employee.pk if employee is not None else None

    @staticmethod
    def resolve_employee_name(obj: ReviewTask) -> str | None:
        employee = _shown_employee(obj)
        return employee.display_name if employee is not None else None

    @staticmethod
    def resolve_fields(obj: ReviewTask) -> list[dict[str, Any]]:
        return [
            {
                "field": name,
                "current": current,
                "proposed": proposed,
                "changed": current != proposed,
            }
            for name, current, proposed in selectors.compared(obj)
        ]

    @staticmethod
    def resolve_decided_by(obj: ReviewTask) -> str | None:
        """The name the portal shows; null before the decision (or without a name)."""
        decider = obj.decided_by
        return (decider.get_full_name() or None) if decider is not None else None


@router.get(
    "/exchange/reviews", response=list[ReviewOut], summary="Proposals from couplings, oldest first"
)
@paginate(Pagination)
@api_requires("exchange.review")
def list_reviews(request: AuthedRequest, status: ReviewStatusCode = "open") -> QuerySet[ReviewTask]:
    """The queue of the portal's *Voorstellen*: open proposals by default, oldest first."""
    return selectors.reviews(request.user, status)


@router.get("/exchange/reviews/{review_id}", response=ReviewOut, summary="One proposal")
@api_requires("exchange.review")
def get_review(request: AuthedRequest, review_id: Id) -> ReviewTask:
    return selectors.review(request.user, review_id)


def _decide(request: AuthedRequest, review_id: int, *, accept: bool) -> ReviewTask:
    """The portal's decision: found in scope first (404), then `services.decide`, which
    refuses a proposal that is no longer open (422, code `review_decided`, nothing changed)."""
    review = selectors.review(request.user, review_id)
    services.decide(actor=request.user, review_id=review.pk, accept=accept)
    return selectors.review(request.user, review.pk)


@router.post(
    "/exchange/reviews/{review_id}/accept",
    response=ReviewOut,
    summary="Apply a proposal (merge: the same person)",
)
@api_requires("exchange.review")
def accept_review(request: AuthedRequest, review_id: Id) -> ReviewTask:
    """A correction or withdrawal is applied to the case; a merge links the person; a gap
    applies the held message without the missing report."""
    return _decide(request, review_id, accept=True)


@router.post(
    "/exchange/reviews/{review_id}/reject",
    response=ReviewOut,
    summary="Reject a proposal (merge: another person)",
)
@api_requires("exchange.review")
def reject_review(request: AuthedRequest, review_id: Id) -> ReviewTask:
    """Nothing of a correction or withdrawal is applied; a merge adds a new person; a gap's
    held message is rejected."""
    return _decide(request, review_id, accept=False)
