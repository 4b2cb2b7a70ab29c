"""REST API v1: messages per dossier (P14), the same services as the portal."""

import datetime as dt
import json
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ValidationError as SchemaError

from hersteld.absence import selectors as absence_selectors
from hersteld.messaging import selectors, services
from hersteld.messaging.models import Message, Receipt
from hersteld.messaging.services import Upload
from hersteld.web.access import AuthedRequest, api_requires
from hersteld.web.schemas import Id, InputSchema, Pagination

router = Router(tags=["messages"])


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class ReceiptOut(Schema):
    user: str
    read_at: dt.datetime | None


class MessageOut(Schema):
    id: int
    case_id: int
    thread: str = Field(description='"case" (every party) or "medical" (employee and medic).')
    topic: str
    text: str
    author: str
    author_role: str
    created_at: dt.datetime
    attachments: list[AttachmentOut]
    read_by: list[ReceiptOut] | None = Field(
        None, description="Only on your own messages: who received it and when each read it."
    )

    @staticmethod
    def resolve_author(obj: Message) -> str:
        return obj.author_name

    @staticmethod
    def resolve_attachments(obj: Message) -> list[Any]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_read_by(obj: Message, context: dict[str, Any]) -> list[dict[str, Any]] | None:
        if obj.author_id != context["request"].user.pk:
            return None
        return [
            {"user": r.user.get_full_name() or r.user.username, "read_at": r.read_at}
            for r in obj.receipts.all()
        ]


class InboxOut(Schema):
    message: MessageOut
    read_at: dt.datetime | None


class MessageIn(InputSchema):
    text: str = Field(max_length=10000)
    thread: Literal["case", "medical"] = "case"
    topic: str = Field("", max_length=120)


SEND_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": MessageIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["text"],
                    "properties": {
                        "text": {"type": "string", "maxLength": 10000},
                        "thread": {"type": "string", "enum": ["case", "medical"]},
                        "topic": {"type": "string", "maxLength": 120},
                        "attachments": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "PDF, JPEG or PNG, checked by content; at most 5.",
                        },
                    },
                }
            },
        },
    }
}


def _payload(request: AuthedRequest) -> tuple[MessageIn, list[Upload]]:
    """The message as JSON, or as a multipart form with files."""
    if request.content_type == "multipart/form-data":
        fields = {key: request.POST.get(key) for key in request.POST}
        uploads = [
            Upload(name=f.name or "", data=f.read()) for f in request.FILES.getlist("attachments")
        ]
        return MessageIn.model_validate(fields), uploads
    try:
        data = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise ValidationError(
            {"body": [ValidationError("Not valid JSON.", code="invalid")]}
        ) from exc
    return MessageIn.model_validate(data), []


@router.get("/cases/{case_id}/messages", response=list[MessageOut])
@paginate(Pagination)
@api_requires("absence.view")
def list_case_messages(
    request: AuthedRequest, case_id: Id, thread: Literal["case", "medical"] | None = None
) -> QuerySet[Message]:
    """The messages of a dossier you take part in, oldest first (the medical thread only for
    the employee and the bedrijfsarts's team)."""
    case = absence_selectors.case(request.user, case_id, log_access=False)
    return selectors.case_messages(request.user, case, thread)


@router.post(
    "/cases/{case_id}/messages",
    response={201: MessageOut},
    openapi_extra=SEND_BODY,
    summary="Send a message (JSON, or multipart with attachments)",
)
@api_requires("absence.view")
def send_message(request: AuthedRequest, case_id: Id) -> Status[Any]:
    """The medical-term guard runs on the dossier thread; a refusal writes nothing (422)."""
    try:
        payload, uploads = _payload(request)
    except SchemaError as exc:
        raise ValidationError(
            {
                str(error["loc"][0]) if error["loc"] else "body": [
                    ValidationError(error["msg"], code="invalid")
                ]
                for error in exc.errors()
            }
        ) from exc
    message = services.send(
        actor=request.user,
        case_id=case_id,
        text=payload.text,
        thread=payload.thread,
        topic=payload.topic,
        uploads=uploads,
    )
    return Status(201, selectors.message(request.user, message.pk))


@router.post("/messages/{message_id}/read", response={200: InboxOut})
@api_requires("absence.view")
def read_message(request: AuthedRequest, message_id: Id) -> dict[str, Any]:
    """Mark a message you received as read; the author sees when."""
    receipt = services.mark_read(actor=request.user, message_id=message_id)
    return {
        "message": selectors.message(request.user, message_id),
        "read_at": receipt.read_at if receipt is not None else None,
    }


@router.get("/me/messages", response=list[InboxOut])
@paginate(Pagination)
@api_requires("absence.view")
def my_messages(request: AuthedRequest) -> QuerySet[Receipt]:
    """Every message you received, unread first."""
    return selectors.inbox(request.user).prefetch_related(
        "message__attachments", "message__receipts__user"
    )
