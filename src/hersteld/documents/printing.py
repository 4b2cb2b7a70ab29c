"""Documents as PDF (WeasyPrint through hersteld.web.pdf) and the re-integratieverslag.

The UWV identification stands on every page in the page margins (CSS @page boxes); a
draft carries the watermark "CONCEPT". The medical part is printed only for a reader with
`medical.view` on a single document, never in the re-integratieverslag.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from hersteld.absence.models import AbsenceCase
from hersteld.core.actor import Actor
from hersteld.core.display import DATE, NUMBER, format_value
from hersteld.documents import selectors, services, types
from hersteld.documents.models import Document, DocumentSignature
from hersteld.web.pdf import html_to_pdf


def shown(f: types.Field, value: Any) -> str:
    """A field's value as a person reads it, on the page and in the PDF: dates dd-mm-jjjj,
    numbers with a decimal comma and without a needless ",0" (hersteld.core.display), a
    choice by its label; "" when empty. The stored value stays ISO and dot-decimal."""
    if value is None or value == "":
        return ""
    if f.kind == types.Kind.YESNO:
        return _("yes") if value else _("no")
    if f.kind == types.Kind.DATE:
        return format_value(value, DATE)
    if f.kind == types.Kind.CHOICE:
        return str(_(dict(f.choices).get(str(value), str(value))))
    if f.kind == types.Kind.NUMBER:
        return format_value(value, NUMBER)
    return str(value)


def _identification(document: Document) -> dict[str, Any]:
    """The frozen identification of a final document; a draft shows today's data."""
    if document.identification:
        return document.identification
    case = document.case
    return {
        "employee_name": case.employee.display_name,
        "bsn": case.employee.bsn,
        "employer_name": case.employer.name,
        "payroll_tax_number": case.employer.payroll_tax_number,
        "first_day": services.chain_first_day(case).isoformat(),
        "date": timezone.localdate().isoformat(),
        "author_name": document.author_name,
        "author_function": services.function_of(document.author) if document.author else "",
    }


def signed_line(signature: DocumentSignature) -> str:
    """ "Digitaal ondertekend door <naam> op <datum>", with "niet akkoord" and the reason."""
    when = timezone.localtime(signature.signed_at).strftime("%d-%m-%Y %H:%M")
    line = _("Digitally signed by %(name)s on %(date)s") % {
        "name": signature.signer_name,
        "date": when,
    }
    if signature.agreed:
        return f"{line} ({_('seen and agreed')})"
    return f"{line} ({_('seen, not agreed')}: {signature.remark})"


def document_context(document: Document, *, medical: bool) -> dict[str, Any]:
    """Plain values for the print templates: sections of (label, text), signers, ident."""
    schema = document.schema
    values = document.values(medical=medical)
    signer_codes = {s.field_code for s in schema.signers}
    sections = []
    for section in schema.sections:
        rows = [
            {"label": _(f.label), "text": shown(f, values.get(f.code)), "view": f.view}
            for f in section.fields
            if (medical or not f.medical) and f.code not in signer_codes
        ]
        if rows:
            sections.append({"title": _(section.title), "rows": rows})
    ident = dict(_identification(document))
    first_day = dt.date.fromisoformat(ident["first_day"]) if ident.get("first_day") else None
    for key in ("first_day", "date"):
        if ident.get(key):
            ident[key] = dt.date.fromisoformat(ident[key]).strftime("%d-%m-%Y")
    return {
        "document": document,
        "label": document.label,
        "sections": sections,
        "signers": [
            {"label": _(s.label), "name": values.get(s.field_code) or ""} for s in schema.signers
        ],
        "ident": ident,
        "signed": [signed_line(s) for s in document.signatures.all()],
        "draft": not document.is_final,
        "missing_views": services.missing_views(document, first_day),
    }


def render_parts(parts: list[dict[str, Any]]) -> str:
    return render_to_string("documents/pdf/document.html", {"parts": parts})


def document_html(user: Actor, document: Document) -> str:
    medical = services.may_see_medical(user, document)
    return render_parts([document_context(document, medical=medical)])


def document_pdf(user: Actor, document: Document) -> bytes:
    return html_to_pdf(document_html(user, document))


def report_html(user: Actor, case: AbsenceCase) -> str:
    """The re-integratieverslag: a table of contents, then each final part; never medical."""
    cover = {
        "employee_name": case.employee.display_name,
        "bsn": case.employee.bsn,
        "employer_name": case.employer.name,
        "payroll_tax_number": case.employer.payroll_tax_number,
        "first_day": services.chain_first_day(case).strftime("%d-%m-%Y"),
        "date": timezone.localdate().strftime("%d-%m-%Y"),
    }
    parts = [document_context(d, medical=False) for d in selectors.final_for_report(user, case)]
    return render_report(cover, parts)


def render_report(cover: dict[str, Any], parts: list[dict[str, Any]]) -> str:
    """The verslag's HTML from its cover data and the parts' print contexts (no queries)."""
    return render_to_string(
        "documents/pdf/document.html", {"parts": parts, "report": True, "cover": cover}
    )


def report_pdf(user: Actor, case: AbsenceCase) -> bytes:
    return html_to_pdf(report_html(user, case))
