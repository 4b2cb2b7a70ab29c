"""Reads of consults, always through `restrict` (docs/rules/consults.md).

An open-spreekuur consult exists only for arbodienst staff and the employee himself: for
an employer user it is filtered out of every query here, so it answers 404, is not listed
and is not counted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from hersteld.accounts.models import User
from hersteld.accounts.permissions import EMPLOYER_SIDE_ROLES, PRACTITIONER_ROLES, Role
from hersteld.consults.models import (
    AgendaSettings,
    AvailabilityBlock,
    BillableItem,
    BillableKind,
    Consult,
    ConsultNote,
    InformationRequest,
    Kind,
    Notice,
    Report,
    SmsConsent,
    Status,
)
from hersteld.core import signals, subject
from hersteld.core.actor import Actor
from hersteld.core.audit import record_access
from hersteld.core.restrict import AllScopes
from hersteld.core.signals import BillableRow, billable_items
from hersteld.core.sms import SmsPurpose
from hersteld.web.access import is_employee


def is_employer_user(actor: Actor) -> bool:
    return getattr(actor, "role", None) == Role.EMPLOYER_USER


def consults(actor: Actor, action: str = "consults.view") -> QuerySet[Consult]:
    """Consults in scope; open-spreekuur ones never for the employer side (except the
    employee's own, which the employee scope already narrows to him)."""
    qs = Consult.objects.restrict(actor, action)
    if getattr(actor, "role", None) in EMPLOYER_SIDE_ROLES and not is_employee(actor):
        qs = qs.exclude(kind=Kind.EMPLOYEE_REQUESTED)
    return qs.select_related(
        "employee", "employer", "employer__arbodienst", "practitioner", "case", "employment"
    ).prefetch_related("reports")


def consult(actor: Actor, pk: int, action: str = "consults.view", *, log: bool = True) -> Consult:
    found = get_object_or_404(consults(actor, action), pk=pk)
    if log:
        record_access(actor=actor, obj=found)
    return found


def consult_list(
    actor: Actor,
    *,
    case_id: int | None = None,
    practitioner_id: int | None = None,
    status: str = "",
    kind: str = "",
    changed_after: dt.datetime | None = None,
    upcoming: bool = False,
    now: dt.datetime | None = None,
) -> QuerySet[Consult]:
    qs = consults(actor)
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    if practitioner_id is not None:
        qs = qs.filter(practitioner_id=practitioner_id)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if changed_after is not None:
        qs = qs.filter(updated_at__gt=changed_after)
    if upcoming and now is not None:
        qs = qs.filter(Q(starts_at__gte=now) | Q(starts_at__isnull=True))
    return qs.order_by("starts_at", "id")


def tenant_ids(actor: Actor, action: str) -> list[int] | None:
    """The arbodiensten where the actor holds `action` (None: all, the operator)."""
    scopes = actor.scopes_for(action)
    if isinstance(scopes, AllScopes):
        return None
    return sorted({scope.arbodienst_id for scope in scopes})


def practitioners(actor: Actor, action: str = "consults.view") -> QuerySet[User]:
    """Medics and POBs of the actor's arbodienst(en); for the employer side: none (they
    learn who holds a consult from the consult itself)."""
    qs = User.objects.filter(role__in=[r.value for r in PRACTITIONER_ROLES], is_active=True)
    if getattr(actor, "role", None) in EMPLOYER_SIDE_ROLES:
        return qs.none()
    tenants = tenant_ids(actor, action)
    if tenants is not None:
        qs = qs.filter(arbodienst_id__in=tenants)
    return qs.order_by("last_name", "first_name", "id")


def practitioner(actor: Actor, pk: int, action: str = "consults.view") -> User:
    return get_object_or_404(practitioners(actor, action), pk=pk)


def settings_for(arbodienst_id: int) -> AgendaSettings:
    """The arbodienst's settings; an unsaved row with the defaults when none was stored."""
    found = AgendaSettings.objects.filter(arbodienst_id=arbodienst_id).first()
    return found or AgendaSettings(arbodienst_id=arbodienst_id)


def blocks(actor: Actor, practitioner_id: int) -> QuerySet[AvailabilityBlock]:
    return AvailabilityBlock.objects.restrict(actor, "consults.view").filter(
        practitioner_id=practitioner_id
    )


def notes(actor: Actor, found: Consult) -> QuerySet[ConsultNote]:
    """Consult notes are the medical file: medical.view only; each read is logged."""
    qs = ConsultNote.objects.restrict(actor, "medical.view").filter(consult=found)
    record_access(actor=actor, obj=found, purpose="medical")
    return qs.order_by("-created_at", "-id")


def may(actor: Actor, found: Consult, action: str) -> bool:
    return Consult.objects.restrict(actor, action).filter(pk=found.pk).exists()


def report_versions(actor: Actor, found: Consult) -> QuerySet[Report]:
    """Reports of a consult: drafts only for the medical team; the others read released
    versions only, newest first."""
    qs = Report.objects.filter(consult=found)
    if not may(actor, found, "medical.view"):
        qs = qs.filter(status="final")
    return qs.order_by("-version")


def report_status(actor: Actor, found: Consult) -> str:
    """none, draft or final as far as the actor may know, from the prefetched reports (lists)."""
    medical = actor.has_perm_anywhere("medical.view")
    statuses = [r.status for r in found.reports.all() if medical or r.status == "final"]
    if not statuses:
        return "none"
    return "draft" if "draft" in statuses else "final"


def current_report(actor: Actor, found: Consult) -> Report | None:
    return report_versions(actor, found).first()


def notices(user: Actor) -> QuerySet[Notice]:
    qs = Notice.objects.filter(user_id=user.pk).select_related("consult")
    if getattr(user, "role", None) in EMPLOYER_SIDE_ROLES and not is_employee(user):
        qs = qs.exclude(consult__kind=Kind.EMPLOYEE_REQUESTED)
    return qs.order_by("-created_at", "-id")


def sms_consent(employee_id: int, purpose: str = SmsPurpose.REMINDERS.value) -> SmsConsent | None:
    """The employee's SMS consent for `purpose` in force (for the jobs that send; no actor)."""
    return SmsConsent.objects.filter(
        employee_id=employee_id, purpose=purpose, withdrawn_at__isnull=True
    ).first()


def sms_number(employee_id: int, purpose: str, **kwargs: Any) -> str | None:
    """Receiver of core.signals.sms_number: the mobile number to which the employee agreed to
    receive SMS for `purpose`, or None (messaging asks it before a notice of a new message)."""
    consent = sms_consent(employee_id, purpose) if purpose in SmsPurpose.values else None
    return consent.phone if consent is not None else None


def billing(
    actor: Actor, *, employer_id: int | None = None, month: dt.date | None = None
) -> list[BillableRow]:
    """Counts per employer, month and kind: never a name or a date (the open spreekuur).

    The consults' own items, and what other apps answer to `billable_items` (exchange: the
    coupling items), in one list by month, employer and kind."""
    labels = dict(BillableKind.choices)
    qs = BillableItem.objects.restrict(actor, "consults.billing")
    if employer_id is not None:
        qs = qs.filter(employer_id=employer_id)
    if month is not None:
        qs = qs.filter(month=month)
    counted = (
        qs.values("employer_id", "employer__name", "month", "kind")
        .annotate(count=Count("id"))
        .order_by("month", "employer__name", "employer_id", "kind")
    )
    rows = [
        BillableRow(
            employer_id=row["employer_id"],
            employer_name=row["employer__name"],
            month=row["month"],
            kind=row["kind"],
            label=str(labels.get(row["kind"], row["kind"])),
            number=row["count"],
        )
        for row in counted
    ]
    for _receiver, answer in billable_items.send(
        sender=BillableItem, user=actor, employer_id=employer_id, month=month
    ):
        if isinstance(answer, list):
            rows.extend(row for row in answer if isinstance(row, BillableRow))
    return sorted(rows, key=lambda r: (r.month, r.employer_name, r.employer_id, r.kind))


def billing_totals(rows: list[BillableRow]) -> dict[tuple[int, dt.date], int]:
    """The number of items per employer and month, of every kind together."""
    totals: dict[tuple[int, dt.date], int] = {}
    for row in rows:
        key = (row.employer_id, row.month)
        totals[key] = totals.get(key, 0) + row.number
    return totals


def information_requests(actor: Actor) -> QuerySet[InformationRequest]:
    """The medical team sees them in scope; the employee his own consents (shown to him)."""
    if is_employee(actor):
        return InformationRequest.objects.restrict(actor, "consults.view")
    return InformationRequest.objects.restrict(actor, "medical.view")


def next_invitations(actor: Actor, now: dt.datetime, limit: int = 3) -> list[Consult]:
    """The actor's coming consults, planned ones by time, then requests not planned yet
    (without their reports: one query)."""
    return list(
        consults(actor)
        .prefetch_related(None)
        .filter(status__in=[Status.PLANNED, Status.REQUESTED])
        .filter(Q(starts_at__gte=now) | Q(starts_at__isnull=True))
        .order_by(F("starts_at").asc(nulls_last=True), "id")[:limit]
    )


def own_sms_consents(actor: Actor) -> list[tuple[str, str, SmsConsent | None]]:
    """Per purpose (value, label, consent in force or None): the actor's own SMS consents,
    in one query (an employee's; an empty list for anyone else)."""
    if actor.employee_id is None:
        return []
    in_force = {
        consent.purpose: consent
        for consent in SmsConsent.objects.restrict(actor, "consults.view").filter(
            employee_id=actor.employee_id, withdrawn_at__isnull=True
        )
    }
    return [(value, str(label), in_force.get(value)) for value, label in SmsPurpose.choices]


def own_sms_consent_history(actor: Actor) -> QuerySet[SmsConsent]:
    """Every SMS consent the actor gave, in force and withdrawn, newest first (none for anyone
    but an employee)."""
    if actor.employee_id is None:
        return SmsConsent.objects.none()
    return (
        SmsConsent.objects.restrict(actor, "consults.view")
        .filter(employee_id=actor.employee_id)
        .order_by("-given_at", "-id")
    )


def own_information_consents(actor: Actor) -> list[InformationRequest]:
    """The information requests the employee consented to and has not withdrawn."""
    if not is_employee(actor):
        return []
    return list(
        information_requests(actor).filter(withdrawn_at__isnull=True).order_by("-consent_at", "-id")
    )


CONSULT_FIELDS = (
    "case",
    "kind",
    "method",
    "status",
    "practitioner",
    "starts_at",
    "ends_at",
    "location",
    "cancel_timing",
    "cancelled_by",
    "cancel_reason",
    "cancelled_at",
    "outcome_at",
    "report_needed",
    "report_consent",
    "created_at",
)
REPORT_FIELDS = ("consult", "version", "status", *Report.AUDITED[2:], "created_at")
CONSENT_FIELDS = ("purpose", "phone", "given_at", "withdrawn_at")
REQUEST_FIELDS = (*InformationRequest.AUDITED, "answer", "created_at")


def subject_records(
    employee: Any, requester: Actor, medical: bool, **kwargs: Any
) -> list[signals.SubjectRecords]:
    """Receiver of core.signals.subject_records: his consults and their reports, his consents
    and, for a requester with medical.view, the consult notes, the employee's own question of
    an open-spreekuur consult and the medical information requests."""
    held = list(consults(requester).filter(employee_id=employee.pk).order_by("created_at", "id"))
    consult_rows = subject.rows(held, (*CONSULT_FIELDS, "question") if medical else CONSULT_FIELDS)
    for row, consult in zip(consult_rows, held, strict=True):
        practitioner = consult.practitioner
        row["practitioner_name"] = practitioner.get_full_name() if practitioner else ""
    reports = Report.objects.restrict(requester, "consults.view").filter(
        consult__employee_id=employee.pk
    )
    if not medical:
        reports = reports.filter(status="final")  # drafts are the medical team's
    notes = ConsultNote.objects.restrict(requester, "medical.view").filter(
        consult__employee_id=employee.pk
    )
    requests = InformationRequest.objects.restrict(requester, "medical.view").filter(
        employee_id=employee.pk
    )
    consents = SmsConsent.objects.restrict(requester, "consults.view").filter(
        employee_id=employee.pk
    )
    return [
        signals.SubjectRecords(
            name="consults",
            title=_("Consults"),
            rows=consult_rows,
            columns=(
                *subject.columns(Consult, ("kind_display", "status_display", "starts_at")),
                ("practitioner_name", str(_("practitioner"))),
                *subject.columns(Consult, ("method_display", "report_consent")),
            ),
            omitted=() if medical else ("question",),
        ),
        signals.SubjectRecords(
            name="consult_reports",
            title=_("Consult reports"),
            rows=subject.rows(reports.order_by("consult_id", "version"), REPORT_FIELDS),
            columns=subject.columns(
                Report,
                ("consult", "version", "status_display", "text", "capabilities", "advice"),
                {"consult": _("consult (id)"), "version": _("version")},
            ),
            omitted=() if medical else ("drafts",),
        ),
        signals.SubjectRecords(
            name="consult_notes",
            title=_("Consult notes"),
            rows=subject.rows(
                notes.order_by("created_at", "id"), ("consult", "text", "author_name", "created_at")
            )
            if medical
            else [],
            columns=subject.columns(
                ConsultNote,
                ("created_at", "author_name", "text"),
                {"created_at": _("date"), "author_name": _("author")},
            ),
            omitted=() if medical else ("*",),
        ),
        signals.SubjectRecords(
            name="consents",
            title=_("Consents"),
            rows=subject.rows(consents.order_by("given_at", "id"), CONSENT_FIELDS),
            columns=subject.columns(
                SmsConsent,
                ("purpose_display", *CONSENT_FIELDS[1:]),
                {"given_at": _("consent given"), "withdrawn_at": _("consent withdrawn")},
            ),
        ),
        signals.SubjectRecords(
            name="information_requests",
            title=_("Medical information requests"),
            rows=subject.rows(requests.order_by("created_at", "id"), REQUEST_FIELDS)
            if medical
            else [],
            columns=subject.columns(
                InformationRequest,
                ("physician", "scope", "consent_at", "withdrawn_at", "answered_at"),
                {"answered_at": _("answered")},
            ),
            omitted=() if medical else ("*",),
        ),
    ]
