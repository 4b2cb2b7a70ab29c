"""Thin portal views of UWV documents: the dossier tab, a new document, the draft form (saved
on every change), making final, a new version, the PDF, the signed scan, the verslag."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hersteld.absence import selectors as absence_selectors
from hersteld.absence.chains import whole_chain
from hersteld.absence.models import AbsenceCase
from hersteld.core.actor import Actor
from hersteld.core.signals import DossierTab
from hersteld.documents import printing, rules, selectors, services, types
from hersteld.documents.models import Document
from hersteld.poortwachter.models import Todo
from hersteld.web.access import AuthedRequest, requires


def _tab_url(case_id: int) -> str:
    return reverse("absence:case_detail", args=[case_id]) + "?tab=documents"


# --- hooks ------------------------------------------------------------------------------


def dossier_tabs(case: AbsenceCase, user: Actor, **_kwargs: Any) -> list[DossierTab]:
    """Receiver of core.signals.dossier_tabs: every dossier has the tab "Documenten"."""
    return [DossierTab("documents", _("Documents"))]


def draftable(user: Actor, case: AbsenceCase) -> list[types.DocumentType]:
    """Types this user may draft here, the ones the plan needs now (open milestone) first."""
    chain = [item.pk for item in whole_chain(case)]
    open_codes = set(
        Todo.objects.filter(case_id__in=chain, done_on__isnull=True)
        .exclude(code="")
        .values_list("code", flat=True)
    )
    allowed = [t for t in types.TYPES if services.may_draft(user, case, t)]
    return sorted(allowed, key=lambda t: (t.milestone not in open_codes, types.TYPES.index(t)))


def dossier_tab(case: AbsenceCase, tab: str, user: Actor, **_kwargs: Any) -> dict[str, Any] | None:
    """Receiver of core.signals.dossier_tab: the documents of the chain."""
    if tab != "documents":
        return None
    documents = selectors.chain_documents(user, case)
    facts = selectors.chain_facts(user, case)
    replaced = {d.replaces_id for d in documents if d.replaces_id}
    rows = []
    for document in documents:
        names = [document.fields.get(s.field_code) for s in document.schema.signers]
        rows.append(
            {
                "doc": document,
                "is_current": document.pk not in replaced,
                "signers_named": sum(1 for name in names if name),
                "signers_total": len(names),
                "scanned": bool(document.scans.all()),
                "views_missing": services.missing_views(document, facts.first_day),
            }
        )
    return {
        "tab_template": "documents/_tab.html",
        "leaving": leaving_proposal(case, facts.first_day),
        "documents": rows,
        "may_draft": bool(draftable(user, case)),
    }


def leaving_proposal(case: AbsenceCase, first_day: dt.date) -> dict[str, Any] | None:
    """Ziek uit dienst (rules.md 9): the employment ends during the absence; which report
    goes to UWV with the ziek-uit-dienst melding on the last working day."""
    last_day = case.employment.end_date
    if last_day is None or last_day < first_day:
        return None
    if case.end_date is not None and case.end_date <= last_day:
        return None  # recovered before the employment ended
    report = rules.report_when_leaving(
        first_day, last_day, recovery_within_3_months=case.full_recovery_expected
    )
    labels = {
        rules.LeavingReport.NONE: _("no re-integration report (sick for less than 6 weeks)"),
        rules.LeavingReport.SHORT: _("the verkort re-integratieverslag"),
        rules.LeavingReport.FULL: _("the full re-integratieverslag"),
    }
    return {"last_day": last_day, "report": labels[report]}


def todo_links(todos: list[Todo], user: Actor, **_kwargs: Any) -> dict[int, str]:
    """Receiver of core.signals.todo_links: a milestone whose document the user drafts opens
    that document (no query: the role and the right decide; the page checks the scope)."""
    if not user.has_perm_anywhere(services.write_action(user)):
        return {}
    role = getattr(user, "role", "")
    return {
        todo.pk: reverse("documents:todo_document", args=[todo.pk])
        for todo in todos
        if (code := types.MILESTONE_TYPES.get(todo.code)) is not None
        and types.may_draft(types.BY_CODE[code], role)
    }


# --- pages ------------------------------------------------------------------------------


@requires("absence.view")
@require_http_methods(["GET", "POST"])
def document_new(request: AuthedRequest, case_pk: int) -> HttpResponse:
    """Choose a type (only those the user may draft, needed ones first) and start a draft."""
    case = absence_selectors.case(request.user, case_pk)
    choices = draftable(request.user, case)
    if request.method == "POST":
        code = request.POST.get("type", "")
        if code in {t.code for t in choices}:
            document = services.create_draft(actor=request.user, case_id=case.pk, doc_type=code)
            return redirect("documents:document_detail", document.pk)
        messages.error(request, _("Choose a document type from the list."))
    return render(request, "documents/new.html", {"case": case, "choices": choices})


@requires("absence.view")
def todo_document(request: AuthedRequest, pk: int) -> HttpResponse:
    """From the worklist: the document that completes this step, or a new draft of it."""
    todo = get_object_or_404(Todo.objects.restrict(request.user, "absence.view"), pk=pk)
    code = types.MILESTONE_TYPES.get(todo.code)
    if code is None:
        return redirect("poortwachter:todo_done", todo.pk)
    linked = Document.objects.filter(todo=todo).order_by("-version").first()
    if linked is not None:
        return redirect("documents:document_detail", linked.pk)
    chain = [item.pk for item in whole_chain(todo.case)]
    draft = (
        selectors.documents(request.user)
        .filter(case_id__in=chain, doc_type=code, status="draft")
        .order_by("-id")
        .first()
    )
    if draft is not None:
        return redirect("documents:document_detail", draft.pk)
    schema = types.get(code)
    assert schema is not None
    if not services.may_draft(request.user, todo.case, schema):
        return redirect("poortwachter:todo_done", todo.pk)
    document = services.create_draft(actor=request.user, case_id=todo.case_id, doc_type=code)
    return redirect("documents:document_detail", document.pk)


def _parse(
    schema: types.DocumentType, post: Any
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """Form values by field kind; a number that is not one is a field error, nothing saved."""
    fields: dict[str, Any] = {}
    medical: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in schema.fields:
        prefix = "m" if f.medical else "f"
        name = f"{prefix}-{f.code}"
        if name not in post:
            continue
        raw = post.get(name, "")
        value: Any = raw
        if f.kind == types.Kind.YESNO:
            value = {"yes": True, "no": False}.get(raw)
        elif f.kind == types.Kind.NUMBER and raw.strip():
            try:
                value = float(raw.replace(",", "."))
            except ValueError:
                errors[f"fields.{f.code}"] = str(_("This value is not a number."))
                continue
        elif f.kind == types.Kind.NUMBER:
            value = None
        (medical if f.medical else fields)[f.code] = value
    return fields, medical, errors


def _errors(exc: ValidationError) -> dict[str, str]:
    return {
        field: " ".join(" ".join(e.messages) for e in errors)
        for field, errors in exc.error_dict.items()
    }


def _form_rows(
    document: Document, values: dict[str, Any], errors: dict[str, str], *, medical: bool
) -> list[dict[str, Any]]:
    schema = document.schema
    sections = []
    for section in schema.sections:
        rows = []
        for f in section.fields:
            if f.medical and not medical:
                continue
            key = f"{'medical_fields' if f.medical else 'fields'}.{f.code}"
            value = values.get(f.code)
            rows.append(
                {
                    "field": f,
                    "name": f"{'m' if f.medical else 'f'}-{f.code}",
                    "id": f"id-{f.code}",
                    "label": _(f.label),
                    "value": "" if value is None else value,
                    "shown": printing.shown(f, value),
                    "error": errors.get(key, ""),
                    "choices": [(k, _(label)) for k, label in f.choices],
                }
            )
        if rows:  # a reader without medical.view gets no empty "medical part" heading
            sections.append({"title": _(section.title), "rows": rows})
    if schema.signers:
        sections.append(
            {
                "title": _("Signatures"),
                "rows": [
                    {
                        "field": types.Field(s.field_code, s.label, types.Kind.SIGNER),
                        "name": f"f-{s.field_code}",
                        "id": f"id-{s.field_code}",
                        "label": _(s.label),
                        "value": values.get(s.field_code) or "",
                        "shown": values.get(s.field_code) or "",
                        "error": errors.get(f"fields.{s.field_code}", ""),
                        "choices": [],
                    }
                    for s in schema.signers
                ],
            }
        )
    return sections


@requires("absence.view")
@require_http_methods(["GET", "POST"])
def document_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A final document to read, or a draft form that saves on every change."""
    document = selectors.document(request.user, pk, log_access=request.method == "GET")
    medical = services.may_see_medical(request.user, document)
    may_edit = not document.is_final and services.may_draft(
        request.user, document.case, document.schema
    )
    may_view = services.may_write_view(request.user, document)
    values = document.values(medical=medical)
    errors: dict[str, str] = {}
    saved = False
    if request.method == "POST":
        if not may_edit and not may_view:
            return HttpResponse(status=409 if document.is_final else 403)
        fields, medical_values, errors = _parse(document.schema, request.POST)
        values = {**values, **fields, **medical_values}
        if not errors:
            try:
                document = services.save_draft(
                    actor=request.user,
                    document_id=document.pk,
                    fields=fields,
                    medical_fields=medical_values if medical else None,
                )
                saved = True
            except ValidationError as exc:
                errors = _errors(exc)
        if request.headers.get("X-Autosave") == "1":
            return render(
                request,
                "documents/_save_status.html",
                {"saved": saved, "errors": errors, "now": time_format(timezone.localtime(), "H:i")},
                status=200 if saved else 422,
            )
        if saved:
            messages.success(request, _("The draft has been saved."))
            return redirect("documents:document_detail", document.pk)
    context = {
        "document": document,
        "case": document.case,
        "sections": _form_rows(document, values, errors, medical=medical),
        "may_edit": may_edit,
        "may_view": may_view,
        "view_rows": [
            row
            for section in _form_rows(document, values, errors, medical=False)
            for row in section["rows"]
            if row["field"].by_employee
        ]
        if may_view
        else [],
        "may_sign": services.may_sign(request.user, document),
        "sign_party": services.signing_party(request.user, document),
        "signatures": selectors.signatures(document),
        "may_act": services.may_draft(request.user, document.case, document.schema),
        "errors": errors,
        "missing": [
            _(f.label)
            for code in types.missing_for_final(document.schema, document.values(medical=True))
            if (f := document.schema.field(code)) is not None
        ]
        if not document.is_final
        else [],
        "views_missing": services.missing_views(document),
        "scans": list(selectors.scans(document)),
        "replaced_by": Document.objects.filter(replaces=document).first(),
    }
    return render(request, "documents/detail.html", context, status=422 if errors else 200)


@requires("absence.view")
@require_POST
def document_final(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document(request.user, pk, log_access=False)
    try:
        services.finalise(actor=request.user, document_id=document.pk)
    except services.Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for text in _errors(exc).values():
            messages.error(request, text)
        labels = [
            _(f.label)
            for key in exc.error_dict
            if (f := document.schema.field(key.split(".", 1)[-1])) is not None
        ]
        messages.error(request, _("Not made final; fill in: %s.") % ", ".join(labels))
    else:
        messages.success(request, _("The document is final."))
    return redirect("documents:document_detail", document.pk)


@requires("absence.view")
@require_POST
def document_sign(request: AuthedRequest, pk: int) -> HttpResponse:
    """Sign a final version for one's party: agreed, or not agreed with a reason."""
    document = selectors.document(request.user, pk, log_access=False)
    agreed = request.POST.get("agreed") != "no"
    try:
        services.sign(
            actor=request.user,
            document_id=document.pk,
            agreed=agreed,
            remark=request.POST.get("remark", ""),
        )
    except services.Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for text in _errors(exc).values():
            messages.error(request, text)
    else:
        messages.success(request, _("The document has been signed."))
    return redirect("documents:document_detail", document.pk)


@requires("absence.view")
@require_POST
def document_revise(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document(request.user, pk, log_access=False)
    try:
        revision = services.revise(actor=request.user, document_id=document.pk)
    except services.Conflict as exc:
        messages.error(request, str(exc))
        return redirect("documents:document_detail", document.pk)
    messages.success(request, _("A new version has been started."))
    return redirect("documents:document_detail", revision.pk)


@requires("absence.view")
def document_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document(request.user, pk)
    response = HttpResponse(
        printing.document_pdf(request.user, document), content_type="application/pdf"
    )
    name = f"{document.doc_type.lower()}-{document.pk}-v{document.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires("absence.view")
@require_POST
def document_scan(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document(request.user, pk, log_access=False)
    upload = request.FILES.get("file")
    limit = services.scan_limit()
    try:
        services.attach_scan(
            actor=request.user,
            document_id=document.pk,
            filename=upload.name if upload is not None and upload.name else "scan",
            content=upload.read(limit + 1) if upload is not None else b"",
        )
    except services.Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for text in _errors(exc).values():
            messages.error(request, text)
    else:
        messages.success(request, _("The signed scan has been attached."))
    return redirect("documents:document_detail", document.pk)


@requires("absence.view")
def scan_download(request: AuthedRequest, pk: int, scan_pk: int) -> HttpResponse:
    found = selectors.scan(request.user, pk, scan_pk)
    response = HttpResponse(bytes(found.content), content_type=found.content_type)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
    name = f"scan-{found.pk}.{extension.get(found.content_type, 'bin')}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires("absence.view")
def report_pdf(request: AuthedRequest, case_pk: int) -> HttpResponse:
    """The re-integratieverslag of the chain as one PDF (never the medical parts)."""
    case = absence_selectors.case(request.user, case_pk)
    response = HttpResponse(printing.report_pdf(request.user, case), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="re-integratieverslag-{case.pk}.pdf"'
    return response
