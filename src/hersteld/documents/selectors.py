"""Reads of UWV documents, always through `restrict`; every read of a document is an access event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from hersteld.absence.chains import whole_chain
from hersteld.absence.models import AbsenceCase
from hersteld.accounts.permissions import Role
from hersteld.core import signals
from hersteld.core.actor import Actor
from hersteld.core.audit import record_access
from hersteld.documents import services, types
from hersteld.documents.models import (
    Document,
    DocumentScan,
    DocumentSignature,
    DocumentStatus,
    SignatureParty,
)
from hersteld.web.access import is_employee


def documents(user: Actor) -> QuerySet[Document]:
    return Document.objects.restrict(user, "absence.view").select_related(
        "case__employee", "case__employer", "case__employment", "todo"
    )


def readable_types(user: Actor, case: AbsenceCase) -> list[str]:
    return [t.code for t in types.TYPES if services.may_read_type(user, case, t)]


def document(user: Actor, pk: int, *, log_access: bool = True) -> Document:
    """One document as far as the user may read it: out of scope or type, 404. Logged."""
    found = get_object_or_404(documents(user), pk=pk)
    if not services.may_read_type(user, found.case, found.schema):
        raise Http404
    if log_access:
        record_access(actor=user, obj=found, purpose="document")
        if services.may_see_medical(user, found) and found.medical_fields:
            record_access(actor=user, obj=found, purpose="medical")
    return found


def chain_documents(user: Actor, case: AbsenceCase) -> list[Document]:
    """The documents of the case's chain the user may read, oldest first (a fixed number of
    queries: scans prefetched without their content)."""
    chain = [item.pk for item in whole_chain(case)]
    allowed = readable_types(user, case)
    return list(
        documents(user)
        .filter(case_id__in=chain, doc_type__in=allowed)
        .prefetch_related(
            Prefetch("scans", queryset=DocumentScan.objects.defer("content")), "signatures"
        )
        .order_by("created_at", "id")
    )


def scans(document: Document) -> QuerySet[DocumentScan]:
    return DocumentScan.objects.filter(document=document).defer("content").order_by("id")


def signatures(document: Document) -> list[DocumentSignature]:
    return list(DocumentSignature.objects.filter(document=document).order_by("signed_at", "id"))


def signature_data(signature: DocumentSignature) -> dict[str, Any]:
    return {
        "party": signature.party,
        "name": signature.signer_name,
        "signed_at": signature.signed_at,
        "agreed": signature.agreed,
        "remark": signature.remark,
    }


def scan(user: Actor, document_pk: int, pk: int) -> DocumentScan:
    found = document(user, document_pk)
    return get_object_or_404(DocumentScan.objects.filter(document=found), pk=pk)


@dataclass(frozen=True)
class ChainFacts:
    """What every document of one chain shares, looked up once for a list."""

    first_day: dt.date
    medical_cases: frozenset[int]


def chain_facts(user: Actor, case: AbsenceCase) -> ChainFacts:
    chain = whole_chain(case)
    medical = AbsenceCase.objects.restrict(user, "medical.view").filter(
        pk__in=[item.pk for item in chain]
    )
    return ChainFacts(chain[0].first_day, frozenset(medical.values_list("pk", flat=True)))


def _medical(user: Actor, found: Document, facts: ChainFacts | None) -> bool:
    if facts is None:
        return services.may_see_medical(user, found)
    if found.schema.to_employee and getattr(user, "role", "") == "employee":
        return services.may_see_medical(user, found)
    return found.case_id in facts.medical_cases


def as_data(user: Actor, found: Document, facts: ChainFacts | None = None) -> dict[str, Any]:
    """The document as the API and pages show it; the medical part only to who may see it."""
    schema = found.schema
    medical = _medical(user, found, facts)
    found_scans = found.scans.all() if facts is not None else scans(found)
    return {
        "id": found.pk,
        "case_id": found.case_id,
        "type": found.doc_type,
        "label": found.label,
        "status": found.status,
        "version": found.version,
        "replaces_id": found.replaces_id,
        "document_date": found.document_date,
        "author": found.author_name,
        "todo_id": found.todo_id,
        "fields": {f.code: found.fields.get(f.code) for f in schema.fields if not f.medical},
        "medical_fields": (
            {f.code: found.medical_fields.get(f.code) for f in schema.fields if f.medical}
            if medical and schema.medical_codes
            else None
        ),
        "missing": types.missing_for_final(schema, found.values(medical=True))
        if found.status == DocumentStatus.DRAFT
        else [],
        "missing_views": services.missing_views(
            found, facts.first_day if facts is not None else None
        ),
        "identification": found.identification,
        "scans": [
            {"id": s.pk, "filename": s.filename, "content_type": s.content_type, "size": s.size}
            for s in found_scans
        ],
        "signatures": [signature_data(s) for s in found.signatures.all()],
    }


def final_for_report(user: Actor, case: AbsenceCase) -> list[Document]:
    """The final documents of the re-integratieverslag in the order of documents.md: of each
    type the versions in order, the employee's view last; never a type outside the report."""
    chain = [item.pk for item in whole_chain(case)]
    order = {t.code: t.report_order for t in types.TYPES if t.report_order}
    found = list(
        documents(user).filter(
            case_id__in=chain, status=DocumentStatus.FINAL, doc_type__in=list(order)
        )
    )
    return sorted(found, key=lambda d: (order[d.doc_type], d.document_date, d.version, d.pk))


@dataclass(frozen=True)
class Waiting:
    """A document that waits for the employee: `reason` is "sign" (final, not signed by
    him in the portal nor back as a scan), "view" (a draft without his re-integratievisie) or "finish"
    (his own oordeel, still a draft)."""

    document: Document
    reason: str


def waiting_for_employee(user: Actor) -> list[Waiting]:
    """What waits for the employee among the documents of his own cases (one query)."""
    employee_id = user.employee_id
    if not is_employee(user) or employee_id is None:
        return []
    readable = [t.code for t in types.TYPES if t.read_permission == "absence.view" or t.to_employee]
    found = list(
        documents(user)
        .filter(case__employee_id=employee_id, doc_type__in=readable)
        .annotate(
            has_scan=Exists(DocumentScan.objects.filter(document=OuterRef("pk"))),
            signed=Exists(
                DocumentSignature.objects.filter(
                    document=OuterRef("pk"), party=SignatureParty.EMPLOYEE
                )
            ),
        )
        .order_by("created_at", "id")
    )
    replaced = {d.replaces_id for d in found if d.replaces_id is not None}
    out = []
    for item in found:
        if item.pk in replaced:
            continue
        schema = item.schema
        if item.is_final:
            signs = any(s.code == "employee" for s in schema.signers)
            if signs and not item.has_scan and not item.signed:
                out.append(Waiting(item, "sign"))
        elif types.may_draft(schema, Role.EMPLOYEE):
            out.append(Waiting(item, "finish"))
        elif schema.views and not item.fields.get("view_employee"):
            out.append(Waiting(item, "view"))
    return out


def subject_records(
    employee: Any, requester: Actor, medical: bool, **kwargs: Any
) -> list[signals.SubjectRecords]:
    """Receiver of core.signals.subject_records: the UWV documents of his cases, each as far
    as the requester may read its type; the medical part (the diagnosis among it) only when
    the requester may read the medical file."""
    found = [
        document
        for document in documents(requester)
        .filter(case__employee_id=employee.pk)
        .prefetch_related(
            Prefetch("scans", queryset=DocumentScan.objects.defer("content")), "signatures"
        )
        .order_by("created_at", "id")
        if services.may_read_type(requester, document.case, document.schema)
    ]
    rows = []
    left_out: set[str] = set()
    for document in found:
        schema = document.schema
        medical_codes = [f.code for f in schema.fields if f.medical]
        if not medical:
            left_out.update(medical_codes)
        rows.append(
            {
                "id": document.pk,
                "case": document.case_id,
                "type": document.doc_type,
                "label": document.label,
                "status": document.status,
                "status_display": document.get_status_display(),
                "version": document.version,
                "replaces": document.replaces_id,
                "document_date": document.document_date,
                "author": document.author_name,
                "finalised_at": document.finalised_at,
                "created_at": document.created_at,
                "fields": {
                    f.code: document.fields.get(f.code) for f in schema.fields if not f.medical
                },
                **(
                    {"medical_fields": {c: document.medical_fields.get(c) for c in medical_codes}}
                    if medical and medical_codes
                    else {}
                ),
                "identification": document.identification,
                "scans": [
                    {"filename": s.filename, "content_type": s.content_type, "size": s.size}
                    for s in document.scans.all()
                ],
                "signatures": [signature_data(s) for s in document.signatures.all()],
            }
        )
    return [
        signals.SubjectRecords(
            name="documents",
            title=_("UWV documents"),
            rows=rows,
            columns=(
                ("label", str(_("document"))),
                ("version", str(_("version"))),
                ("status_display", str(_("status"))),
                ("document_date", str(_("date"))),
                ("author", str(_("author"))),
                ("medical_fields", str(_("medical part"))),
            ),
            omitted=tuple(sorted(left_out)),
        )
    ]
