"""Writes of UWV documents: draft with prefill, save, make final, revise, attach a signed scan.

Every step is audited in its own transaction; a refused request writes nothing. Rights:
the document type names the roles that draft it (types.py); the case must lie in the
actor's scope for `absence.change` (the employee: `absence.view`, his own case).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import override

from hersteld.absence import wazo
from hersteld.absence.chains import whole_chain
from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus, Recovery
from hersteld.accounts.permissions import Role
from hersteld.core.actor import Actor
from hersteld.core.audit import record_change, snapshot, user_or_none
from hersteld.core.services import record_created, save_and_record
from hersteld.core.signals import ReleasedReport
from hersteld.core.uploads import proven_type
from hersteld.core.validation import Problems, fail, message
from hersteld.documents import rules, types
from hersteld.documents.models import (
    Document,
    DocumentScan,
    DocumentSignature,
    DocumentStatus,
    SignatureParty,
    UwvTask,
    UwvTaskKind,
)
from hersteld.poortwachter import services as poortwachter_services
from hersteld.poortwachter.models import Party, Todo
from hersteld.privacy.problems import check_free_text

ROLE_FUNCTIONS: dict[str, str] = {
    Role.MEDIC: "Bedrijfsarts",
    Role.CASEMANAGER: "Casemanager",
    Role.ARBODIENST_ADMIN: "Arbodienst",
    Role.EMPLOYER_USER: "Werkgever",
    Role.EMPLOYEE: "Werknemer",
}


class Conflict(Exception):
    """The document is in a state that does not allow this (a final one is immutable): 409."""


def scan_limit() -> int:
    return int(getattr(settings, "DOCUMENT_SCAN_MAX_BYTES", 10 * 1024 * 1024))


def write_action(actor: Actor) -> str:
    """The scope that lets someone write a document: the employee writes on his own case."""
    return "absence.view" if getattr(actor, "role", "") == Role.EMPLOYEE else "absence.change"


def function_of(actor: Actor) -> str:
    return ROLE_FUNCTIONS.get(getattr(actor, "role", ""), "")


def may_see_medical(actor: Actor, document: Document) -> bool:
    """Medical parts: `medical.view` on the case; a document for the employee also to him."""
    if (
        document.schema.to_employee
        and getattr(actor, "role", "") == Role.EMPLOYEE
        and actor.employee_id == document.case.employee_id
    ):
        return True
    return AbsenceCase.objects.restrict(actor, "medical.view").filter(pk=document.case_id).exists()


def may_read_type(actor: Actor, case: AbsenceCase, doc_type: types.DocumentType) -> bool:
    if doc_type.read_permission == "absence.view":
        return True
    if doc_type.to_employee and getattr(actor, "role", "") == Role.EMPLOYEE:
        return actor.employee_id == case.employee_id
    return AbsenceCase.objects.restrict(actor, doc_type.read_permission).filter(pk=case.pk).exists()


def may_draft(actor: Actor, case: AbsenceCase, doc_type: types.DocumentType) -> bool:
    """The role drafts this type, the case is writable to him and he may read the type."""
    if not types.may_draft(doc_type, getattr(actor, "role", "")):
        return False
    if not AbsenceCase.objects.restrict(actor, write_action(actor)).filter(pk=case.pk).exists():
        return False
    return may_read_type(actor, case, doc_type)


def _case(actor: Actor, case_id: int) -> AbsenceCase:
    return get_object_or_404(
        AbsenceCase.objects.restrict(actor, "absence.view").select_related(
            "employee", "employer", "employment"
        ),
        pk=case_id,
    )


def _locked(actor: Actor, document_id: int) -> Document:
    """The document under lock; out of scope or of an unreadable type: 404."""
    document = get_object_or_404(
        Document.objects.restrict(actor, "absence.view")
        .select_for_update(of=("self",))
        .select_related("case__employee", "case__employer", "case__employment"),
        pk=document_id,
    )
    if not may_read_type(actor, document.case, document.schema):
        raise Http404
    return document


def _document(actor: Actor, document_id: int) -> Document:
    """The document for a write by one who drafts its type (else 403), under lock."""
    document = _locked(actor, document_id)
    if not may_draft(actor, document.case, document.schema):
        raise PermissionDenied(message("document_type_not_allowed"))
    return document


def is_own(actor: Actor, document: Document) -> bool:
    """The actor is the employee of the document's case."""
    employee_id = getattr(actor, "employee_id", None)
    return (
        getattr(actor, "role", "") == Role.EMPLOYEE
        and employee_id is not None
        and employee_id == document.case.employee_id
    )


def may_write_view(actor: Actor, document: Document) -> bool:
    """The employee writes his own view (re-integratievisie) on a draft of a type someone
    else drafts, such as the plan van aanpak and its evaluations (B5); nothing else of it."""
    return (
        not document.is_final
        and is_own(actor, document)
        and not types.may_draft(document.schema, Role.EMPLOYEE)
        and bool(types.employee_codes(document.schema))
    )


def chain_first_day(case: AbsenceCase) -> dt.date:
    return whole_chain(case)[0].first_day


def _final_of(case: AbsenceCase, code: str) -> Document | None:
    chain = [item.pk for item in whole_chain(case)]
    return (
        Document.objects.filter(case_id__in=chain, doc_type=code, status=DocumentStatus.FINAL)
        .order_by("-document_date", "-version", "-id")
        .first()
    )


def prefill_sources(actor: Actor, case: AbsenceCase) -> dict[str, Any]:
    """What a new draft can be filled from: employee, employment, employer, case, chain, author."""
    employee, employment, employer = case.employee, case.employment, case.employer
    address = f"{employee.street} {employee.house_number or ''}{employee.house_number_addition}"
    recovery = case.end_date.isoformat() if case.end_date else ""
    return {
        "employee.name": employee.display_name,
        "employee.bsn": employee.bsn,
        "employee.birth_date": employee.birth_date.isoformat(),
        "employee.address": f"{address.strip()}, {employee.postcode} {employee.city}",
        "employer.name": employer.name,
        "employer.payroll_tax_number": employer.payroll_tax_number,
        "employment.function_name": employment.function_name,
        "employment.hours": float(employment.hours_per_week),
        "employment.start_date": employment.start_date.isoformat(),
        "employment.end_date": employment.end_date.isoformat() if employment.end_date else "",
        "chain.first_day": chain_first_day(case).isoformat(),
        "case.first_day": case.first_day.isoformat(),
        "case.expected_delivery": (
            case.expected_delivery.isoformat() if case.expected_delivery else ""
        ),
        "case.multiple": bool(case.multiple),
        "case.recovery_date": recovery,
        "case.safety_net_category": case.get_safety_net_category_display()
        if case.safety_net_category
        else "",
        "author.name": actor.get_full_name() or actor.get_username(),
    }


def prefill(actor: Actor, case: AbsenceCase, doc_type: types.DocumentType) -> dict[str, Any]:
    """The draft's first values: from the sources above and the chain's earlier final documents."""
    sources = prefill_sources(actor, case)
    out: dict[str, Any] = {}
    for f in doc_type.fields:
        if f.medical or not f.prefill:
            continue
        if f.prefill.startswith("final."):
            _, code, name = f.prefill.split(".", 2)
            earlier = _final_of(case, code)
            if earlier is None:
                continue
            value = (
                earlier.document_date.isoformat()
                if name == "date" and earlier.document_date
                else earlier.fields.get(name)
            )
        else:
            value = sources.get(f.prefill)
        if value not in (None, ""):
            out[f.code] = value
    if doc_type.signers and "medic" in {s.code for s in doc_type.signers}:
        out.setdefault("signer_medic", sources["author.name"])
    return out


@transaction.atomic
def create_draft(*, actor: Actor, case_id: int, doc_type: str) -> Document:
    """A new draft of `doc_type` on the case, filled from what Hersteld knows."""
    case = _case(actor, case_id)
    schema = types.get(doc_type)
    if schema is None:
        raise fail("type", "document_unknown_type")
    if not may_read_type(actor, case, schema) or not may_draft(actor, case, schema):
        raise PermissionDenied(message("document_type_not_allowed"))
    if case.status == CaseStatus.WITHDRAWN:
        raise fail("__all__", "case_not_open")
    document = Document.objects.create(
        case=case,
        doc_type=schema.code,
        fields=prefill(actor, case, schema),
        author=user_or_none(actor),
        author_name=actor.get_full_name() or actor.get_username(),
    )
    record_created(actor=actor, obj=document, fields=Document.AUDITED)
    return document


def _check_values(
    problems: Problems,
    schema: types.DocumentType,
    values: dict[str, Any],
    *,
    medical: bool,
) -> None:
    prefix = "medical_fields" if medical else "fields"
    for code, value in values.items():
        f = schema.field(code)
        if f is None or f.medical != medical:
            problems.add(f"{prefix}.{code}", "document_unknown_field")
            continue
        problems.check(f"{prefix}.{code}", types.check_value(f, value))


@transaction.atomic
def save_draft(
    *,
    actor: Actor,
    document_id: int,
    fields: dict[str, Any] | None = None,
    medical_fields: dict[str, Any] | None = None,
) -> Document:
    """Change fields of a draft (only those given); a final document answers Conflict. The
    employee on a document he does not draft: only his own view (`_save_view`)."""
    document = _locked(actor, document_id)
    if is_own(actor, document) and not types.may_draft(document.schema, Role.EMPLOYEE):
        if document.is_final:
            raise Conflict(message("document_final"))
        if not types.employee_codes(document.schema):
            raise PermissionDenied(message("document_type_not_allowed"))
        return _save_view(actor, document, fields or {}, medical_fields or {})
    if not may_draft(actor, document.case, document.schema):
        raise PermissionDenied(message("document_type_not_allowed"))
    if document.is_final:
        raise Conflict(message("document_final"))
    schema = document.schema
    fields = dict(fields or {})
    medical_fields = dict(medical_fields or {})
    problems = Problems()
    _check_values(problems, schema, fields, medical=False)
    if medical_fields and not may_see_medical(actor, document):
        problems.add("medical_fields", "document_medical_not_allowed")
    else:
        _check_values(problems, schema, medical_fields, medical=True)
    _guard(problems, document, fields)
    problems.raise_if_any()
    before = snapshot(document, Document.AUDITED)
    document.fields = {**document.fields, **_cleaned(fields)}
    medical_changed = bool(medical_fields)
    if medical_changed:
        document.medical_fields = {**document.medical_fields, **_cleaned(medical_fields)}
    changed = save_and_record(actor=actor, obj=document, before=before, fields=Document.AUDITED)
    if medical_changed:
        if not changed:
            document.save(update_fields=["medical_fields", "updated_at"])
        # The audit names the medical fields written, never their content; as [before,
        # after] like every other change, so the history tab can show it.
        record_change(
            actor=actor,
            action="medical",
            obj=document,
            changes={"medical_fields": [None, sorted(medical_fields)]},
        )
    return document


def _guard(problems: Problems, document: Document, fields: dict[str, Any]) -> None:
    """The guard runs on every field the employer can read, whoever writes (also the doctor,
    also the employee about himself: the employer may not record it either way); on what
    changes: a value taken over from the records (a function, a surname) that the form
    sends back unchanged is not the author's writing."""
    schema = document.schema
    texts = {
        f"fields.{code}": value
        for code, value in fields.items()
        if isinstance(value, str)
        and (f := schema.field(code)) is not None
        and not f.medical
        and value.strip() != str(document.fields.get(code) or "").strip()
    }
    check_free_text(problems, texts, list(texts))


def _save_view(
    actor: Actor, document: Document, fields: dict[str, Any], medical_fields: dict[str, Any]
) -> Document:
    """The employee's own view on a draft: any other field refuses the whole save (422)."""
    allowed = types.employee_codes(document.schema)
    problems = Problems()
    for code in fields:
        if code not in allowed:
            problems.add(f"fields.{code}", "document_not_yours")
    if medical_fields:
        problems.add("medical_fields", "document_not_yours")
    problems.raise_if_any()
    _check_values(problems, document.schema, fields, medical=False)
    _guard(problems, document, fields)
    problems.raise_if_any()
    before = snapshot(document, Document.AUDITED)
    document.fields = {**document.fields, **_cleaned(fields)}
    save_and_record(actor=actor, obj=document, before=before, fields=Document.AUDITED)
    return document


def _cleaned(values: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.strip() if isinstance(value, str) else value for key, value in values.items()
    }


def missing_views(document: Document, first_day: dt.date | None = None) -> list[str]:
    """Re-integratievisie fields required by date but left empty (allowed; shown missing)."""
    schema = document.schema
    if not schema.views:
        return []
    drawn_up = document.document_date or timezone.localdate()
    first_day = first_day or chain_first_day(document.case)
    if not types.views_required(first_day, drawn_up):
        return []
    return types.empty_views(schema, document.fields)


def _identification(actor: Actor, document: Document, day: dt.date) -> dict[str, Any]:
    case = document.case
    return {
        "employee_name": case.employee.display_name,
        "bsn": case.employee.bsn,
        "employer_name": case.employer.name,
        "payroll_tax_number": case.employer.payroll_tax_number,
        "first_day": chain_first_day(case).isoformat(),
        "date": day.isoformat(),
        "author_name": document.author_name,
        "author_function": function_of(document.author) if document.author else "",
        "finalised_by": actor.get_full_name() or actor.get_username(),
        "finalised_function": function_of(actor),
    }


@transaction.atomic
def finalise(*, actor: Actor, document_id: int) -> Document:
    """Make a draft final: then immutable. Its Poortwachter milestone is done on its date."""
    document = _document(actor, document_id)
    if document.is_final:
        raise Conflict(message("document_final"))
    schema = document.schema
    problems = Problems()
    values = document.values(medical=True)
    for code in types.missing_for_final(schema, values):
        f = schema.field(code)
        where = "medical_fields" if f is not None and f.medical else "fields"
        kind = "document_signer_required" if code.startswith("signer_") else "required"
        problems.add(f"{where}.{code}", kind)
    # Every employer-readable value was guarded when it was written (save_draft); prefilled
    # values come from the records themselves and are not checked again here.
    problems.raise_if_any()
    before = snapshot(document, Document.AUDITED)
    today = timezone.localdate()
    document.status = DocumentStatus.FINAL
    document.document_date = today
    document.finalised_by = user_or_none(actor)
    document.finalised_at = timezone.now()
    document.identification = _identification(actor, document, today)
    if schema.milestone and document.replaces_id is None:
        document.todo = _complete_milestone(actor, document, schema.milestone, today)
    elif schema.code in UwvTaskKind.values and document.replaces_id is None:
        document.todo = _complete_uwv_task(actor, document, today)
    save_and_record(
        actor=actor, obj=document, before=before, fields=Document.AUDITED, action="final"
    )
    return document


def _complete_milestone(actor: Actor, document: Document, code: str, day: dt.date) -> Todo | None:
    """The chain's first step of this milestone without a document: done on `day`, linked."""
    chain = [item.pk for item in whole_chain(document.case)]
    candidates = list(
        Todo.objects.filter(case_id__in=chain, code=code)
        .exclude(pk__in=Document.objects.filter(todo__isnull=False).values("todo_id"))
        .order_by("number", "id")
    )
    todo = next((t for t in candidates if t.done_on is None), None)
    if todo is None:
        return candidates[0] if candidates else None
    return poortwachter_services.mark_done(
        actor=actor, todo_id=todo.pk, done_on=day, note=f"{document.label} v{document.version}"
    )


def _complete_uwv_task(actor: Actor, document: Document, day: dt.date) -> Todo | None:
    """The chain's UWV to-do of this kind (claim, herstelmelding): done on `day`, linked."""
    chain = [item.pk for item in whole_chain(document.case)]
    task = (
        UwvTask.objects.filter(todo__case_id__in=chain, kind=document.doc_type)
        .select_related("todo")
        .first()
    )
    if task is None:
        return None
    if task.todo.done_on is not None:
        return task.todo
    return poortwachter_services.mark_done(
        actor=actor, todo_id=task.todo_id, done_on=day, note=f"{document.label}"
    )


def _vangnet_category(chain: list[AbsenceCase]) -> str:
    for item in chain:
        if item.kind == CaseKind.SICKNESS and item.safety_net and item.safety_net_category:
            return str(item.safety_net_category)
    return ""


def _recovery_reported(case: AbsenceCase) -> dt.date | None:
    """The day the full recovery of the chain's latest case was reported, when it is closed."""
    if case.status != CaseStatus.CLOSED or case.end_date is None:
        return None
    full = [r for r in Recovery.objects.filter(case=case).order_by("-date", "-id") if r.is_full]
    if not full:
        return None
    return timezone.localdate(full[0].created_at) if full[0].created_at else case.end_date


def _leaves(employee_id: int) -> list[rules.LeaveDates]:
    """The employee's pregnancy leaves (not withdrawn), for the pregnancy claim's term."""
    out = []
    leaves = AbsenceCase.objects.filter(
        employee_id=employee_id, kind=CaseKind.PREGNANCY_LEAVE, expected_delivery__isnull=False
    ).exclude(status=CaseStatus.WITHDRAWN)
    for leave in leaves:
        assert leave.expected_delivery is not None
        flex_start, _latest = wazo.flex_window(leave.expected_delivery, multiple=leave.multiple)
        out.append(
            rules.LeaveDates(
                start=leave.planned_start or leave.first_day,
                flex_start=flex_start,
                last_day=leave.leave_end,
            )
        )
    return out


def sync_uwv_todos(case: AbsenceCase, **_kwargs: Any) -> None:
    """Receiver of core.signals.chain_changed (after the Poortwachter plan): the vangnet
    claim and the herstelmelding to UWV as to-dos of the chain (rules.md 4).

    A pregnancy leave that is added or moved can change the claim term of a pregnancy
    sickness around it, also one in another chain: those chains are brought up to date too."""
    _sync_chain(case)
    if case.kind == CaseKind.PREGNANCY_LEAVE:
        around = AbsenceCase.objects.filter(
            employee_id=case.employee_id,
            kind=CaseKind.SICKNESS,
            safety_net=True,
            safety_net_category="pregnancy",
        ).exclude(status=CaseStatus.WITHDRAWN)
        for sickness in around:
            _sync_chain(sickness)


def _sync_chain(case: AbsenceCase) -> None:
    chain = [item for item in whole_chain(case) if item.status != CaseStatus.WITHDRAWN]
    sickness = [item for item in chain if item.kind == CaseKind.SICKNESS]
    ids = [item.pk for item in whole_chain(case)]
    tasks = {
        t.kind: t for t in UwvTask.objects.filter(todo__case_id__in=ids).select_related("todo")
    }
    wanted: dict[str, dt.date] = {}
    category = _vangnet_category(sickness)
    if sickness and category:
        leaves = _leaves(case.employee_id) if category == "pregnancy" else []
        claim = rules.claim_due(category, sickness[0].first_day, leaves)
        if claim is not None:
            wanted[UwvTaskKind.CLAIM] = claim
        reported = _recovery_reported(sickness[-1])
        if reported is not None:
            wanted[UwvTaskKind.RECOVERY] = rules.recovery_report_due(reported)
    for kind, task in tasks.items():
        if kind not in wanted and task.todo.done_on is None:
            task.todo.delete()  # the case no longer needs it (no vangnet, recovery undone)
    if not sickness:
        return
    target = sickness[-1]
    for kind, due in wanted.items():
        existing = tasks.get(kind)
        if existing is None:
            with override(settings.LANGUAGE_CODE):
                title = str(UwvTaskKind(kind).label)
            todo = Todo.objects.create(case=target, title=title, due=due, party=Party.EMPLOYER)
            UwvTask.objects.create(todo=todo, kind=kind)
        elif existing.todo.done_on is None and (
            existing.todo.due != due or existing.todo.case_id != target.pk
        ):
            existing.todo.due = due
            existing.todo.case = target
            existing.todo.save(update_fields=["due", "case", "updated_at"])


@transaction.atomic
def revise(*, actor: Actor, document_id: int) -> Document:
    """A new draft version of a final document (a bijstelling) that names the one it replaces."""
    document = _document(actor, document_id)
    if not document.is_final:
        raise Conflict(message("document_not_final"))
    if Document.objects.filter(replaces=document).exists():
        raise Conflict(message("document_replaced"))
    revision = Document.objects.create(
        case=document.case,
        doc_type=document.doc_type,
        version=document.version + 1,
        replaces=document,
        fields=dict(document.fields),
        medical_fields=dict(document.medical_fields),
        author=user_or_none(actor),
        author_name=actor.get_full_name() or actor.get_username(),
    )
    record_created(actor=actor, obj=revision, fields=Document.AUDITED)
    return revision


def signing_party(actor: Actor, document: Document) -> str | None:
    """For whom the actor signs: the employee his own documents; for the employer an employer
    user (HR) with `absence.change` on the case, or, where the type allows it (the plan van
    aanpak), the arbodienst's casemanager with `absence.change`; anyone else not at all."""
    role = getattr(actor, "role", "")
    if role == Role.EMPLOYEE:
        return SignatureParty.EMPLOYEE if is_own(actor, document) else None
    for_employer = role == Role.EMPLOYER_USER or (
        role == Role.CASEMANAGER and document.schema.casemanager_for_employer
    )
    if (
        for_employer
        and AbsenceCase.objects.restrict(actor, "absence.change")
        .filter(pk=document.case_id)
        .exists()
    ):
        return SignatureParty.EMPLOYER
    return None


def may_sign(actor: Actor, document: Document) -> bool:
    """A final, current version that the actor's party signs and has not signed yet."""
    party = signing_party(actor, document)
    return (
        party is not None
        and document.is_final
        and types.signs(document.schema, party)
        and not Document.objects.filter(replaces=document).exists()
        and not DocumentSignature.objects.filter(document=document, party=party).exists()
    )


REMARK_MAX = 2000


@transaction.atomic
def sign(*, actor: Actor, document_id: int, agreed: bool, remark: str = "") -> DocumentSignature:
    """Sign a final version digitally for one's party, once: "voor gezien en akkoord", or
    "voor gezien, niet akkoord" with the reason in `remark` (the employee keeps his right to
    disagree; UWV reads it). Counts as the signature the paper scan otherwise proves."""
    document = _locked(actor, document_id)
    party = signing_party(actor, document)
    if party is None or not types.signs(document.schema, party):
        raise PermissionDenied(message("document_not_signer"))
    if not document.is_final:
        raise Conflict(message("document_not_final"))
    if Document.objects.filter(replaces=document).exists():
        raise Conflict(message("document_replaced"))
    if DocumentSignature.objects.filter(document=document, party=party).exists():
        raise Conflict(message("document_already_signed"))
    remark = (remark or "").strip()
    problems = Problems()
    if not agreed and not remark:
        problems.add("remark", "document_remark_required")
    if len(remark) > REMARK_MAX:
        problems.add("remark", "document_field_too_long")
    check_free_text(problems, {"remark": remark}, ("remark",))
    problems.raise_if_any()
    signature = DocumentSignature.objects.create(
        document=document,
        party=party,
        user=user_or_none(actor),
        signer_name=actor.get_full_name() or actor.get_username(),
        signed_at=timezone.now(),
        agreed=agreed,
        remark=remark,
    )
    record_change(
        actor=actor,
        action="sign",
        obj=document,
        changes={"signature": [None, party], "agreed": [None, agreed]},
    )
    return signature


def scan_type(head: bytes) -> str | None:
    """The content type by the file's first bytes (never by its name or the browser's word)."""
    return proven_type(head)


@transaction.atomic
def attach_scan(*, actor: Actor, document_id: int, filename: str, content: bytes) -> DocumentScan:
    """The signed paper version back in the dossier: a PDF, JPEG or PNG, within the size limit."""
    document = _document(actor, document_id)
    if not document.is_final:
        raise Conflict(message("document_not_final"))
    problems = Problems()
    limit = scan_limit()
    if not content:
        problems.add("file", "scan_empty")
    elif len(content) > limit:
        problems.add("file", "scan_too_large", limit=limit // (1024 * 1024))
    kind = scan_type(content[:16])
    if content and kind is None:
        problems.add("file", "scan_type")
    problems.raise_if_any()
    assert kind is not None
    scan = DocumentScan.objects.create(
        document=document,
        filename=(filename or "scan")[:200],
        content_type=kind,
        size=len(content),
        content=content,
        uploaded_by=user_or_none(actor),
    )
    record_change(
        actor=actor,
        action="scan",
        obj=document,
        changes={"scan": [None, scan.filename], "size": [None, scan.size]},
    )
    return scan


# --- a consult report as the probleemanalyse or actueel oordeel (docs/adr/0025) ----------

# A first consult's report is the probleemanalyse; a later consult's report serves the
# actueel oordeel only when the doctor has started that document (it is due late, once).
REPORT_DOCUMENTS = {"first": "PROBLEEMANALYSE"}
REPORT_INTO_DRAFT = "ACTUEEL_OORDEEL"


def report_values(report: ReleasedReport) -> dict[str, Any]:
    """The report's functional content under the document fields that ask the same."""
    capabilities = "\n\n".join(part for part in (report.hours, report.adjustments) if part)
    return {
        "limitations": report.limitations_and_capabilities,
        "capabilities": capabilities,
        "prognosis": report.prognosis,
        "medical_cause": report.medical_cause,
        "treatment_adequate": report.treatment_adequate,
        "advice": report.advice,
    }


def take_over_report(*, report: ReleasedReport, user: Actor, **_rest: Any) -> Document | None:
    """Receiver of core.signals.report_released: fill the empty employer-readable fields of
    the case's probleemanalyse draft (made when there is none and no final one) or of an
    actueel oordeel draft from the final report, as the releasing medic. Fields someone
    already wrote stay; the audit row names the report version it came from. Nothing
    happens where the medic may not draft (the report's release never fails on it)."""
    if report.case_id is None:
        return None
    case = (
        AbsenceCase.objects.filter(pk=report.case_id)
        .select_related("employee", "employer", "employment")
        .first()
    )
    code = REPORT_DOCUMENTS.get(report.consult_kind, REPORT_INTO_DRAFT)
    schema = types.get(code)
    if (
        case is None
        or schema is None
        or case.status == CaseStatus.WITHDRAWN
        or not may_draft(user, case, schema)
    ):
        return None
    if code in REPORT_DOCUMENTS.values() and _final_of(case, code) is not None:
        return None  # the probleemanalyse exists; a change of it is a bijstelling by hand
    draft = (
        Document.objects.select_for_update()
        .filter(case__in=[c.pk for c in whole_chain(case)], doc_type=code)
        .filter(status=DocumentStatus.DRAFT)
        .order_by("-created_at", "-id")
        .first()
    )
    if draft is None:
        if code not in REPORT_DOCUMENTS.values():
            return None
        draft = create_draft(actor=user, case_id=case.pk, doc_type=code)
    taken: dict[str, Any] = {}
    for name, value in report_values(report).items():
        f = schema.field(name)
        if (
            f is None
            or f.medical
            or value in (None, "")
            or draft.fields.get(name) not in (None, "")
        ):
            continue
        if types.check_value(f, value) is None:
            taken[name] = value
    if not taken:
        return draft
    before = snapshot(draft, Document.AUDITED)
    draft.fields = {**draft.fields, **taken}
    save_and_record(
        actor=user,
        obj=draft,
        before=before,
        fields=Document.AUDITED,
        reason=f"consult report {report.report_id} v{report.version}",
    )
    return draft
