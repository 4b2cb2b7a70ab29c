"""REST API v1: UWV documents (P12) - types, drafts, finals, versions, PDFs and signed scans."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from hersteld.absence import selectors as absence_selectors
from hersteld.documents import printing, selectors, services, types
from hersteld.web.access import AuthedRequest, api_requires
from hersteld.web.schemas import Id, InputSchema

router = Router(tags=["documents"])


class FieldOut(Schema):
    code: str
    label: str
    kind: str = Field(description="text, longtext, date, yesno, number, choice or signer")
    medical: bool = Field(description="kept apart; only with medical.view")
    required: bool = Field(description="needed before the document can be made final")
    view: bool = Field(description="a re-integratievisie field: may be empty, shown as missing")
    choices: list[str]


class SectionOut(Schema):
    title: str
    fields: list[FieldOut]


class TypeOut(Schema):
    code: str
    label: str
    milestone: str = Field(description="the Poortwachter milestone made done when final")
    drafters: list[str] = Field(description="roles that draft and finalise it")
    signers: list[str]
    read_permission: str
    in_report: bool = Field(description="part of the re-integratieverslag")
    sections: list[SectionOut]


class ScanOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int


class SignatureOut(Schema):
    party: str = Field(description="employee or employer")
    name: str
    signed_at: dt.datetime
    agreed: bool = Field(description="false: seen, not agreed (the reason in remark)")
    remark: str


class ConflictOut(Schema):
    detail: str = Field(description="why not: a draft, a newer version, signed already")


class SignIn(InputSchema):
    agreed: bool
    remark: str = Field(default="", max_length=2000, description="required when not agreed")


class DocumentOut(Schema):
    id: int
    case_id: int
    type: str
    label: str
    status: str = Field(description="draft or final")
    version: int
    replaces_id: int | None
    document_date: dt.date | None
    author: str
    todo_id: int | None = Field(description="the Poortwachter step this document completed")
    fields: dict[str, Any]
    medical_fields: dict[str, Any] | None = Field(
        description="the medical part; null without medical.view"
    )
    missing: list[str] = Field(description="required fields still empty (a draft)")
    missing_views: list[str] = Field(description="re-integratievisie fields left empty")
    identification: dict[str, Any]
    scans: list[ScanOut]
    signatures: list[SignatureOut] = Field(description="digital signatures of this version")


class CreateIn(InputSchema):
    type: str = Field(max_length=40, description="a document type code")


class PatchIn(InputSchema):
    fields: dict[str, Any] = Field(default_factory=dict)
    medical_fields: dict[str, Any] = Field(default_factory=dict)


def _type_out(t: types.DocumentType) -> dict[str, Any]:
    return {
        "code": t.code,
        "label": _(t.label),
        "milestone": t.milestone,
        "drafters": sorted(t.drafters),
        "signers": [s.code for s in t.signers],
        "read_permission": t.read_permission,
        "in_report": bool(t.report_order),
        "sections": [
            {
                "title": _(section.title),
                "fields": [
                    {
                        "code": f.code,
                        "label": _(f.label),
                        "kind": f.kind.value,
                        "medical": f.medical,
                        "required": f.required,
                        "view": f.view,
                        "choices": [key for key, _label in f.choices],
                    }
                    for f in section.fields
                ],
            }
            for section in t.sections
        ]
        + (
            [
                {
                    "title": _("Signatures"),
                    "fields": [
                        {
                            "code": s.field_code,
                            "label": _(s.label),
                            "kind": "signer",
                            "medical": False,
                            "required": True,
                            "view": False,
                            "choices": [],
                        }
                        for s in t.signers
                    ],
                }
            ]
            if t.signers
            else []
        ),
    }


def _conflict(exc: services.Conflict) -> HttpError:
    return HttpError(409, str(exc))


@router.get("/document-types", response=list[TypeOut])
@api_requires("absence.view")
def document_types(request: AuthedRequest) -> list[dict[str, Any]]:
    """Every document type with its sections and fields: what it holds, what is medical,
    who drafts and signs it and which Poortwachter milestone it completes."""
    return [_type_out(t) for t in types.TYPES]


@router.get("/cases/{case_id}/documents", response=list[DocumentOut])
@api_requires("absence.view")
def case_documents(request: AuthedRequest, case_id: Id) -> list[dict[str, Any]]:
    """The documents of the chain of this case that you may read, oldest first."""
    case = absence_selectors.case(request.user, case_id)
    facts = selectors.chain_facts(request.user, case)
    return [
        selectors.as_data(request.user, d, facts)
        for d in selectors.chain_documents(request.user, case)
    ]


@router.post("/cases/{case_id}/documents", response={201: DocumentOut})
@api_requires("absence.view")
def create_document(request: AuthedRequest, case_id: Id, payload: CreateIn) -> Status:
    """A new draft, prefilled from employee, employment, employer, case, chain and the
    chain's earlier final documents. Only the roles the type names may draft it (403)."""
    document = services.create_draft(actor=request.user, case_id=case_id, doc_type=payload.type)
    return Status(201, selectors.as_data(request.user, document))


@router.get("/documents/{document_id}", response=DocumentOut)
@api_requires("absence.view")
def get_document(request: AuthedRequest, document_id: Id) -> dict[str, Any]:
    return selectors.as_data(request.user, selectors.document(request.user, document_id))


@router.patch("/documents/{document_id}", response=DocumentOut)
@api_requires("absence.view")
def patch_document(request: AuthedRequest, document_id: Id, payload: PatchIn) -> dict[str, Any]:
    """Change fields of a draft (only those given). A final document answers 409; an unknown
    field, a value of the wrong kind or a medical term in an employer-readable field 422.
    The employee on his plan van aanpak or evaluation: only `view_employee` (else 422)."""
    try:
        document = services.save_draft(
            actor=request.user,
            document_id=document_id,
            fields=payload.fields,
            medical_fields=payload.medical_fields,
        )
    except services.Conflict as exc:
        raise _conflict(exc) from exc
    return selectors.as_data(request.user, document)


@router.post("/documents/{document_id}/final", response=DocumentOut)
@api_requires("absence.view")
def finalise(request: AuthedRequest, document_id: Id) -> dict[str, Any]:
    """Make the draft final (then immutable); its Poortwachter milestone is done on its date.
    Without a required field or signer: 422."""
    try:
        document = services.finalise(actor=request.user, document_id=document_id)
    except services.Conflict as exc:
        raise _conflict(exc) from exc
    return selectors.as_data(request.user, document)


@router.post("/documents/{document_id}/sign", response={201: SignatureOut, 409: ConflictOut})
@api_requires("absence.view")
def sign(request: AuthedRequest, document_id: Id, payload: SignIn) -> Status:
    """Sign a final version digitally for your party (the employee his own, HR for the
    employer), once per version: 409 for a draft, a replaced version or a second time;
    403 when your party does not sign this type; 422 "not agreed" without a remark."""
    try:
        signature = services.sign(
            actor=request.user,
            document_id=document_id,
            agreed=payload.agreed,
            remark=payload.remark,
        )
    except services.Conflict as exc:
        raise _conflict(exc) from exc
    return Status(201, selectors.signature_data(signature))


@router.post("/documents/{document_id}/revise", response={201: DocumentOut})
@api_requires("absence.view")
def revise(request: AuthedRequest, document_id: Id) -> Status:
    """A new draft version (bijstelling) of a final document, naming the one it replaces."""
    try:
        document = services.revise(actor=request.user, document_id=document_id)
    except services.Conflict as exc:
        raise _conflict(exc) from exc
    return Status(201, selectors.as_data(request.user, document))


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/documents/{document_id}/pdf", response={200: None})
@api_requires("absence.view")
def document_pdf(request: AuthedRequest, document_id: Id) -> HttpResponse:
    """The document as PDF: UWV identification on every page; "CONCEPT" until final."""
    document = selectors.document(request.user, document_id)
    return _pdf(
        printing.document_pdf(request.user, document),
        f"{document.doc_type.lower()}-{document.pk}-v{document.version}.pdf",
    )


@router.post("/documents/{document_id}/scan", response={201: ScanOut})
@api_requires("absence.view")
def upload_scan(request: AuthedRequest, document_id: Id) -> Status:
    """The signed scan of a final document (multipart field `file`): PDF, JPEG or PNG by its
    content, within the size limit; otherwise 422."""
    upload = request.FILES.get("file")
    limit = services.scan_limit()
    content = upload.read(limit + 1) if upload is not None else b""
    try:
        scan = services.attach_scan(
            actor=request.user,
            document_id=document_id,
            filename=upload.name if upload is not None and upload.name else "scan",
            content=content,
        )
    except services.Conflict as exc:
        raise _conflict(exc) from exc
    return Status(
        201,
        {
            "id": scan.pk,
            "filename": scan.filename,
            "content_type": scan.content_type,
            "size": scan.size,
        },
    )


@router.get("/cases/{case_id}/reintegration-report.pdf", response={200: None})
@api_requires("absence.view")
def reintegration_report(request: AuthedRequest, case_id: Id) -> HttpResponse:
    """The re-integratieverslag of the chain as one PDF: contents, then the final documents
    in the order of UWV, the employee's view last. Never the medical parts."""
    case = absence_selectors.case(request.user, case_id)
    return _pdf(printing.report_pdf(request.user, case), f"re-integratieverslag-{case.pk}.pdf")
