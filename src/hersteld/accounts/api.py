"""REST API v1: tokens (log in with password + TOTP), list and revoke own tokens."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from hersteld.accounts import selectors, services
from hersteld.accounts.models import ApiToken
from hersteld.accounts.permissions import may_use_api_tokens
from hersteld.core.validation import fail, message
from hersteld.web.access import AuthedRequest, api_public, api_signed_in
from hersteld.web.schemas import Id, InputSchema

router = Router(tags=["authentication"])


class TokenRequest(InputSchema):
    username: str
    password: str
    otp: str | None = None
    name: str = ""


class TokenIssued(Schema):
    token: str
    expires_at: dt.datetime


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


@router.post("/token", auth=None, response={201: TokenIssued})
@api_public
def issue_token(request: HttpRequest, payload: TokenRequest) -> Status[Any]:
    """Exchange user name, password and (for roles with MFA) the TOTP code for a bearer token."""
    # Read the form body first: the lock-out records a failure from it, so an unreadable
    # body (multipart without boundary) must be refused (400) before the password is tried.
    request.POST  # noqa: B018
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        raise HttpError(429, str(message("locked_out")) % {"minutes": settings.LOCKOUT_MINUTES})
    if user is None:
        raise HttpError(401, str(message("credentials_invalid")))
    has_device = services.confirmed_device(user) is not None
    if has_device or user.mfa_required:
        if not payload.otp:
            raise fail("otp", "otp_required")
        if services.verify_otp(user, payload.otp) is None:
            raise fail("otp", "otp_invalid")
    if not may_use_api_tokens(user.role_enum):  # the same rule as the portal's token page
        raise HttpError(403, str(message("api_tokens_not_for_role")))
    raw, token = services.issue_token(user=user, name=payload.name)
    return Status(201, {"token": raw, "expires_at": token.expires_at})


@router.get("/tokens", response=list[TokenOut])
@api_signed_in
def list_tokens(request: AuthedRequest) -> list[ApiToken]:
    return list(selectors.tokens_of(request.user))  # type: ignore[arg-type]


@router.delete("/tokens/{token_id}", response={204: None})
@api_signed_in
def revoke_token(request: AuthedRequest, token_id: Id) -> Status[Any]:
    services.revoke_token(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    return Status(204, None)
