"""REST API v1: check a text for medical terms before it is saved (docs/rules/privacy.md, docs/features.md P8)."""

from __future__ import annotations

from ninja import Router, Schema
from pydantic import Field

from hersteld.privacy.guard import as_json, scan_text
from hersteld.web.access import AuthedRequest, api_signed_in
from hersteld.web.schemas import InputSchema

MAX_TEXT_LENGTH = 20_000

router = Router(tags=["privacy"])


class ScanTextIn(InputSchema):
    text: str = Field(max_length=MAX_TEXT_LENGTH)


class FindingOut(Schema):
    term: str
    start: int
    end: int
    category: str
    suggestion: str | None


class ScanTextOut(Schema):
    findings: list[FindingOut]


@router.post("/privacy/scan-text", response=ScanTextOut)
@api_signed_in
def scan_text_endpoint(request: AuthedRequest, payload: ScanTextIn) -> dict[str, object]:
    """Medical terms in `text`, each with a neutral alternative where one reads well."""
    return {"findings": [as_json(finding) for finding in scan_text(payload.text)]}
