"""Every write of the consults app: planning, cancelling, outcomes, notes, reports, consent.

Each function checks rights through `restrict` (via the selectors), validates all input
before it writes, and audits in the same transaction (docs/rules/consults.md). A
practitioner is never double-booked: a friendly check here, the database's constraint
behind it (docs/adr/0020-consult-double-booking.md).
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus
from hersteld.accounts.models import User
from hersteld.accounts.permissions import PRACTITIONER_ROLES, Role
from hersteld.consults import rules, selectors
from hersteld.consults.models import (
    BOOKED,
    REPORT_TEXT_FIELDS,
    AgendaSettings,
    AvailabilityBlock,
    BillableItem,
    BillableKind,
    ConfidentialConsult,
    Consult,
    ConsultNote,
    InformationRequest,
    Kind,
    Method,
    Notice,
    Party,
    Report,
    SmsConsent,
    SmsMessage,
    Status,
    Timing,
    YesNo,
)
from hersteld.core import signals
from hersteld.core.actor import Actor
from hersteld.core.audit import diff, record_change, snapshot, user_or_none
from hersteld.core.contact import is_mobile, normalise_phone, phone_problem
from hersteld.core.services import record_created, save_and_record
from hersteld.core.sms import SmsError, SmsPurpose, gateway
from hersteld.core.validation import MESSAGES, Problems, fail
from hersteld.people.models import Employment
from hersteld.poortwachter.models import Party as TodoParty
from hersteld.poortwachter.models import Todo
from hersteld.privacy.problems import check_free_text
from hersteld.web.access import is_employee

logger = logging.getLogger("hersteld.consults")

MESSAGES.update(
    {
        "consult_in_past": gettext_lazy("A consult cannot start in the past; choose a later time."),
        "consult_double_booked": gettext_lazy(
            "The practitioner already has a consult at this time (%(start)s - %(end)s); "
            "choose another time."
        ),
        "consult_outside_availability": gettext_lazy(
            "This time lies outside the practitioner's availability for this method; choose a "
            "free slot or tick 'plan outside availability'."
        ),
        "consult_not_practitioner": gettext_lazy(
            "Choose a company doctor or POB of this arbodienst."
        ),
        "consult_kind_for_case": gettext_lazy(
            "A preventive consult belongs to an 'Other (preventive)' case; a first or follow-up "
            "consult to a sickness case."
        ),
        "consult_employee_requested_via_request": gettext_lazy(
            "An open-consultation-hour consult is requested by the employee himself."
        ),
        "consult_late_for_employer": gettext_lazy(
            "This consult starts within %(hours)s hours. The employer can no longer cancel or "
            "change it; please contact the arbodienst."
        ),
        "consult_not_planned": gettext_lazy("Only a planned consult can be changed."),
        "consult_outside_free_times": gettext_lazy(
            "This time lies outside the practitioner's availability; choose one of the free "
            "times or contact the arbodienst."
        ),
        "consult_override_by_arbodienst": gettext_lazy(
            "Only the arbodienst plans a consult outside the practitioner's availability; "
            "choose one of the free times."
        ),
        "consult_outcome_too_early": gettext_lazy(
            "Held or no-show can be recorded from the day of the consult."
        ),
        "consult_not_own": gettext_lazy(
            "Only the practitioner of this consult or a company doctor records this."
        ),
        "report_not_applicable": gettext_lazy(
            "This consult has no report to the employer (preventive, or open consultation hour "
            "without need and consent)."
        ),
        "report_before_held": gettext_lazy("A report is written once the consult is held."),
        "report_final_by_medic": gettext_lazy("Only a company doctor makes a report final."),
        "report_no_draft": gettext_lazy("There is no draft report to make final."),
        "report_empty": gettext_lazy("Write the report before making it final."),
        "sms_consent_missing": gettext_lazy("No SMS consent is recorded."),
        "sms_phone_not_mobile": gettext_lazy(
            "An SMS needs a mobile number, e.g. 06 12345678; this is a landline number."
        ),
        "employee_without_employment": gettext_lazy(
            "No employment in service is known for you; ask your employer."
        ),
        "block_needs_weekday_or_day": gettext_lazy(
            "Give either a weekday (every week) or a date (once)."
        ),
        "block_times": gettext_lazy("The end time must lie after the start time."),
        "block_location_or_remote": gettext_lazy(
            "Give a location (address) or mark the block as remote."
        ),
        "billing_month_format": gettext_lazy("A month is written as YYYY-MM, e.g. 2026-03."),
    }
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _now() -> dt.datetime:
    return timezone.now()


def month_of(moment: dt.datetime | dt.date) -> dt.date:
    day = timezone.localtime(moment).date() if isinstance(moment, dt.datetime) else moment
    return day.replace(day=1)


def is_practitioner(actor: Actor) -> bool:
    return getattr(actor, "role", None) in PRACTITIONER_ROLES


def is_medic(actor: Actor) -> bool:
    return getattr(actor, "role", None) == Role.MEDIC


def _audit_obj(consult: Consult) -> models.Model:
    """The object the audit trail names: a confidential consult under its own type."""
    if consult.confidential:
        proxy = copy.copy(consult)
        proxy.__class__ = ConfidentialConsult
        return proxy
    return consult


def _record(
    consult: Consult, actor: Actor, action: str, before: dict[str, Any], reason: str = ""
) -> None:
    changes = diff(before, snapshot(consult, Consult.AUDITED))
    record_change(
        actor=actor, action=action, obj=_audit_obj(consult), changes=changes, reason=reason
    )


# --- the agenda --------------------------------------------------------------------------


def windows(practitioner_id: int, first: dt.date, last: dt.date) -> list[rules.Window]:
    """The practitioner's availability between two days (inclusive), as aware windows."""
    recurring: dict[int, list[AvailabilityBlock]] = {}
    once: dict[dt.date, list[AvailabilityBlock]] = {}
    for block in AvailabilityBlock.objects.filter(practitioner_id=practitioner_id).filter(
        models.Q(day__isnull=True) | models.Q(day__range=(first, last))
    ):
        if block.day is None:
            recurring.setdefault(int(block.weekday or 0), []).append(block)
        else:
            once.setdefault(block.day, []).append(block)
    out: list[rules.Window] = []
    day = first
    while day <= last:
        for block in recurring.get(day.weekday(), []) + once.get(day, []):
            out.append(
                rules.Window(
                    start=dt.datetime.combine(day, block.start_time, tzinfo=AMSTERDAM),
                    end=dt.datetime.combine(day, block.end_time, tzinfo=AMSTERDAM),
                    location=block.location,
                    remote=block.remote,
                )
            )
        day += dt.timedelta(days=1)
    return sorted(out, key=lambda w: w.start)


def _fits_method(window: rules.Window, method: str, kind: str) -> bool:
    if kind == Kind.HOME_VISIT:
        return True
    return window.remote if method in (Method.PHONE, Method.ONLINE) else not window.remote


def busy(
    practitioner_id: int, start: dt.datetime, end: dt.datetime, exclude: int | None = None
) -> list[tuple[dt.datetime, dt.datetime]]:
    qs = Consult.objects.filter(
        practitioner_id=practitioner_id,
        status__in=BOOKED,
        starts_at__lt=end,
        ends_at__gt=start,
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return sorted(
        (c.starts_at, c.ends_at)
        for c in qs.only("starts_at", "ends_at")
        if c.starts_at is not None and c.ends_at is not None
    )


def free_slots(
    actor: Actor, practitioner_id: int, first: dt.date, last: dt.date, kind: str, method: str = ""
) -> list[tuple[dt.datetime, rules.Window]]:
    """Free slots of the kind's length between two days, from now on."""
    found = selectors.practitioner(actor, practitioner_id)
    minutes = selectors.settings_for(int(found.arbodienst_id or 0)).minutes(kind)
    spans = [
        w
        for w in windows(practitioner_id, first, last)
        if not method or _fits_method(w, method, kind)
    ]
    if not spans:
        return []
    taken = busy(practitioner_id, spans[0].start, spans[-1].end)
    return list(rules.free_slots(spans, taken, minutes, not_before=_now()))


def consult_free_slots(consult: Consult, first: dt.date, days: int) -> list[dt.datetime]:
    """Free starts for moving `consult`: its practitioner, kind and method, from now on, the
    consult's own place counted as free. For whoever may move it (the employer user sees no
    practitioners' agenda, only these times)."""
    if consult.practitioner_id is None:
        return []
    minutes = selectors.settings_for(consult.employer.arbodienst_id).minutes(consult.kind)
    last = first + dt.timedelta(days=days - 1)
    spans = [
        w
        for w in windows(consult.practitioner_id, first, last)
        if _fits_method(w, consult.method, consult.kind)
    ]
    if not spans:
        return []
    taken = busy(consult.practitioner_id, spans[0].start, spans[-1].end, exclude=consult.pk)
    return [
        start
        for start, _window in rules.free_slots(spans, taken, minutes, not_before=_now())
        if start != consult.starts_at
    ]


def _as_aware(value: dt.datetime) -> dt.datetime:
    if timezone.is_naive(value):
        return value.replace(tzinfo=AMSTERDAM)
    return value


def _check_slot(
    problems: Problems,
    *,
    practitioner: User,
    kind: str,
    method: str,
    starts_at: dt.datetime,
    override_availability: bool,
    exclude: int | None = None,
    outside: str = "consult_outside_availability",
) -> tuple[dt.datetime, rules.Window | None]:
    """Validate a start for a practitioner; answers the end and the window it lies in."""
    minutes = selectors.settings_for(int(practitioner.arbodienst_id or 0)).minutes(kind)
    ends_at = starts_at.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)  # real minutes
    if starts_at <= _now():
        problems.add("starts_at", "consult_in_past")
    day = timezone.localtime(starts_at, AMSTERDAM).date()
    spans = [w for w in windows(practitioner.pk, day, day) if _fits_method(w, method, kind)]
    window = rules.within(spans, starts_at, ends_at)
    if window is None and not override_availability:
        problems.add("starts_at", outside)
    clash = busy(practitioner.pk, starts_at, ends_at, exclude=exclude)
    if clash:
        start, end = clash[0]
        problems.add(
            "starts_at",
            "consult_double_booked",
            start=f"{timezone.localtime(start, AMSTERDAM):%d-%m-%Y %H:%M}",
            end=f"{timezone.localtime(end, AMSTERDAM):%H:%M}",
        )
    return ends_at, window


def _practitioner(problems: Problems, arbodienst_id: int, practitioner_id: Any) -> User | None:
    found = (
        User.objects.select_for_update()  # one booking per practitioner at a time
        .filter(
            pk=practitioner_id,
            arbodienst_id=arbodienst_id,
            role__in=[r.value for r in PRACTITIONER_ROLES],
            is_active=True,
        )
        .first()
        if isinstance(practitioner_id, int)
        else None
    )
    if found is None:
        problems.add("practitioner_id", "consult_not_practitioner")
    return found


def _save_booking(consult: Consult) -> None:
    """Insert or update under a savepoint: the database refuses an overlap that slipped past
    the check (two requests at once); that becomes the same field error."""
    try:
        with transaction.atomic():
            consult.save()
    except IntegrityError as clash:
        raise fail(
            "starts_at",
            "consult_double_booked",
            start=f"{timezone.localtime(consult.starts_at, AMSTERDAM):%d-%m-%Y %H:%M}"
            if consult.starts_at
            else "",
            end=f"{timezone.localtime(consult.ends_at, AMSTERDAM):%H:%M}"
            if consult.ends_at
            else "",
        ) from clash


PLAN_FIELDS = (
    "kind",
    "method",
    "practitioner_id",
    "starts_at",
    "location",
    "override_availability",
)


@transaction.atomic
def plan_consult(*, actor: Actor, case_id: int, data: dict[str, Any]) -> Consult:
    """Plan a consult of a case (the casemanager, after consulting the employer)."""
    case = get_object_or_404(
        AbsenceCase.objects.restrict(actor, "consults.plan").select_related("employer"),
        pk=case_id,
    )
    problems = Problems()
    problems.require(data, "kind", "method", "practitioner_id", "starts_at")
    kind, method = data.get("kind") or "", data.get("method") or ""
    if kind and kind not in Kind.values:
        problems.add("kind", "invalid_choice")
    elif kind == Kind.EMPLOYEE_REQUESTED:
        problems.add("kind", "consult_employee_requested_via_request")
    elif kind and (kind == Kind.PREVENTIVE) != (case.kind == CaseKind.PREVENTIVE):
        problems.add("kind", "consult_kind_for_case")
    if method and method not in Method.values:
        problems.add("method", "invalid_choice")
    if case.status != CaseStatus.OPEN:
        problems.add("__all__", "case_not_open")
    location = (data.get("location") or "").strip()
    check_free_text(problems, {"location": location}, ("location",))
    practitioner = None
    if data.get("practitioner_id") is not None:
        practitioner = _practitioner(problems, case.employer.arbodienst_id, data["practitioner_id"])
    if (
        problems.has("kind")
        or problems.has("method")
        or practitioner is None
        or not data.get("starts_at")
    ):
        problems.raise_if_any()
        raise fail("__all__", "required")  # unreachable: a missing field is already a problem
    starts_at = _as_aware(data["starts_at"])
    ends_at, window = _check_slot(
        problems,
        practitioner=practitioner,
        kind=kind,
        method=method,
        starts_at=starts_at,
        override_availability=bool(data.get("override_availability")),
    )
    problems.raise_if_any()
    if not location and method == Method.LOCATION and window is not None:
        location = window.location
    consult = Consult(
        employer=case.employer,
        employee_id=case.employee_id,
        employment_id=case.employment_id,
        case=case,
        kind=kind,
        method=method,
        status=Status.PLANNED,
        practitioner=practitioner,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        outside_availability=window is None,
        created_by=user_or_none(actor),
    )
    _save_booking(consult)
    _record(consult, actor, "create", {})
    invite(consult)
    return consult


@transaction.atomic
def request_consult(*, actor: Actor, question: str, method: str) -> Consult:
    """The employee asks for a consult himself (open spreekuur, Arbowet art. 14): the
    arbodienst plans it; the employer never learns of it."""
    if not is_employee(actor) or actor.employee_id is None:
        raise PermissionDenied(_("Only an employee requests a consult himself."))
    problems = Problems()
    question = (question or "").strip()
    if not question:
        problems.add("question", "required")
    if method not in Method.values:
        problems.add("method", "invalid_choice")
    employment = (
        Employment.objects.filter(employee_id=actor.employee_id, end_date__isnull=True)
        .select_related("employer")
        .order_by("-start_date", "-id")
        .first()
    )
    if employment is None:
        problems.add("__all__", "employee_without_employment")
    problems.raise_if_any()
    assert employment is not None
    consult = Consult.objects.create(
        employer=employment.employer,
        employee_id=actor.employee_id,
        employment=employment,
        kind=Kind.EMPLOYEE_REQUESTED,
        method=method,
        status=Status.REQUESTED,
        question=question,
        created_by=user_or_none(actor),
    )
    _record(consult, actor, "create", {})
    return consult


@transaction.atomic
def schedule_request(*, actor: Actor, consult_id: int, data: dict[str, Any]) -> Consult:
    """Plan a requested open-spreekuur consult: practitioner and time, no employer copy."""
    consult = _locked(actor, consult_id, "consults.plan")
    if consult.status != Status.REQUESTED:
        raise fail("__all__", "consult_not_planned")
    problems = Problems()
    problems.require(data, "practitioner_id", "starts_at")
    method = data.get("method") or consult.method
    if method not in Method.values:
        problems.add("method", "invalid_choice")
    practitioner = None
    if data.get("practitioner_id") is not None:
        practitioner = _practitioner(
            problems, consult.employer.arbodienst_id, data["practitioner_id"]
        )
    if practitioner is None or not data.get("starts_at") or problems.has("method"):
        problems.raise_if_any()
    assert practitioner is not None
    starts_at = _as_aware(data["starts_at"])
    ends_at, window = _check_slot(
        problems,
        practitioner=practitioner,
        kind=consult.kind,
        method=method,
        starts_at=starts_at,
        override_availability=bool(data.get("override_availability")),
    )
    problems.raise_if_any()
    before = snapshot(consult, Consult.AUDITED)
    consult.practitioner, consult.starts_at, consult.ends_at = practitioner, starts_at, ends_at
    consult.method, consult.status = method, Status.PLANNED
    consult.location = (data.get("location") or "").strip() or (window.location if window else "")
    consult.outside_availability = window is None
    _save_booking(consult)
    _record(consult, actor, "plan", before)
    invite(consult)
    return consult


def _locked(actor: Actor, consult_id: int, action: str) -> Consult:
    """Fetch for a write under a row lock, through the same scope as the reads (404)."""
    qs = selectors.consults(actor, action).select_for_update(of=("self",))
    found: Consult = get_object_or_404(qs, pk=consult_id)
    return found


# --- who is told -------------------------------------------------------------------------


def employer_users(consult: Consult) -> list[User]:
    """The employer users whose scope holds this consult's employee (the case's HR people)."""
    if consult.confidential:
        return []
    department = consult.employment.department
    path = department.path if department is not None else ""
    out = []
    for user in User.objects.filter(
        role=Role.EMPLOYER_USER, employer_id=consult.employer_id, is_active=True
    ).select_related("department"):
        if user.department is None or path.startswith(user.department.path):
            out.append(user)
    return out


def employee_user(consult: Consult) -> User | None:
    return User.objects.filter(employee_id=consult.employee_id, is_active=True).first()


def _tell(consult: Consult, topic: str, users: list[User]) -> None:
    """A notice in the portal and an e-mail with only a link: no name, no date, no content."""
    from hersteld.core.tasks import send_email_after_commit

    link = settings.BASE_URL.rstrip("/") + reverse("consults:detail", args=[consult.pk])
    for user in users:
        Notice.objects.create(user=user, consult=consult, topic=topic)
        if user.email:
            with override(settings.LANGUAGE_CODE):
                subject = _("Hersteld: there is something new for you")
                body = _(
                    "There is something new for you in Hersteld.\n\nLog in to see it: %(link)s\n"
                ) % {"link": link}
            send_email_after_commit(subject, body, [user.email])


def _parties(consult: Consult, *, employer: bool = True) -> list[User]:
    users = [u for u in [employee_user(consult)] if u is not None]
    if employer:
        users += employer_users(consult)
    return users


def invite(consult: Consult) -> None:
    """The invitation: to the employee, and a copy to the employer except for the open spreekuur."""
    _tell(consult, Notice.Topic.INVITED, _parties(consult, employer=not consult.confidential))


# --- cancel, held, no-show ---------------------------------------------------------------


def _bill(consult: Consult, kind: str, moment: dt.datetime) -> None:
    """One billable item; the open spreekuur's carries neither consult nor name."""
    if consult.confidential:
        BillableItem.objects.create(
            employer_id=consult.employer_id,
            month=month_of(moment),
            kind=BillableKind.EMPLOYEE_REQUESTED,
        )
        return
    BillableItem.objects.get_or_create(
        consult=consult,
        defaults={"employer_id": consult.employer_id, "month": month_of(moment), "kind": kind},
    )


@transaction.atomic
def cancel_consult(*, actor: Actor, consult_id: int, reason: str = "", by: str = "") -> Consult:
    """Cancel a consult. The employer only more than `cancel_hours` before the start; staff
    always, naming who cancelled. A late cancellation is billed."""
    consult = _locked(actor, consult_id, "consults.cancel")
    if consult.status not in (Status.PLANNED, Status.REQUESTED):
        raise fail("__all__", "consult_not_planned")
    problems = Problems()
    reason = (reason or "").strip()
    now = _now()
    employer_side = getattr(actor, "role", None) in (Role.EMPLOYER_USER, Role.EMPLOYEE)
    hours = selectors.settings_for(consult.employer.arbodienst_id).cancel_hours
    timing = (
        rules.cancel_timing(now, consult.starts_at, hours) if consult.starts_at else rules.ON_TIME
    )
    if employer_side:
        if getattr(actor, "role", None) == Role.EMPLOYEE:
            raise PermissionDenied(_("The employer or the arbodienst cancels a consult."))
        if timing == rules.LATE:
            raise fail("__all__", "consult_late_for_employer", hours=hours)
        by = Party.EMPLOYER
    else:
        if not reason:
            problems.add("reason", "reason_required")
        if by not in Party.values:
            problems.add("by", "invalid_choice" if by else "required")
    if len(reason) > 500:
        problems.add("reason", "invalid_choice")
    check_free_text(problems, {"reason": reason}, ("reason",))
    problems.raise_if_any()
    before = snapshot(consult, Consult.AUDITED)
    consult.status = Status.CANCELLED
    consult.cancel_timing = Timing.ON_TIME if timing == rules.ON_TIME else Timing.LATE
    consult.cancelled_by = by
    consult.cancel_reason = reason
    consult.cancelled_at = now
    consult.save()
    _record(consult, actor, "cancel", before, reason=reason)
    if consult.cancel_timing == Timing.LATE and consult.starts_at is not None:
        _bill(consult, BillableKind.LATE_CANCELLATION, consult.starts_at)
    _tell(consult, Notice.Topic.CANCELLED, _parties(consult, employer=not consult.confidential))
    return consult


RESCHEDULE_FIELDS = ("starts_at", "override_availability")


@transaction.atomic
def reschedule_consult(*, actor: Actor, consult_id: int, data: dict[str, Any]) -> Consult:
    """Move a planned consult to another time with the same practitioner (verplaatsen).

    The employer user only while more than `cancel_hours` remain before the current start
    (the boundary of cancelling, `rules.employer_may_cancel`) and only within availability;
    arbodienst staff always, also outside availability with the explicit override. The new
    time passes the checks of planning and the database refuses a double booking. Employee
    and employer users are told again, as for the invitation."""
    consult = _locked(actor, consult_id, "consults.cancel")
    role = getattr(actor, "role", None)
    if role == Role.EMPLOYEE:
        raise PermissionDenied(_("The employer or the arbodienst changes a consult."))
    if consult.status != Status.PLANNED or consult.starts_at is None:
        raise fail("__all__", "consult_not_planned")
    assert consult.practitioner is not None
    employer_side = role == Role.EMPLOYER_USER
    if employer_side:
        hours = selectors.settings_for(consult.employer.arbodienst_id).cancel_hours
        if not rules.employer_may_cancel(_now(), consult.starts_at, hours):
            raise fail("__all__", "consult_late_for_employer", hours=hours)
    problems = Problems()
    problems.require(data, "starts_at")
    override = bool(data.get("override_availability"))
    if override and employer_side:
        problems.add("override_availability", "consult_override_by_arbodienst")
        override = False
    if not isinstance(data.get("starts_at"), dt.datetime):
        if data.get("starts_at"):
            problems.add("starts_at", "invalid_choice")
        problems.raise_if_any()
    starts_at = _as_aware(data["starts_at"])
    # The practitioner's row lock, as when planning: one booking per practitioner at a time.
    User.objects.select_for_update().filter(pk=consult.practitioner.pk).first()
    ends_at, window = _check_slot(
        problems,
        practitioner=consult.practitioner,
        kind=consult.kind,
        method=consult.method,
        starts_at=starts_at,
        override_availability=override,
        exclude=consult.pk,
        # The employer user has no override to tick: he is pointed to the free times.
        outside="consult_outside_free_times" if employer_side else "consult_outside_availability",
    )
    problems.raise_if_any()
    before = snapshot(consult, Consult.AUDITED)
    consult.starts_at, consult.ends_at = starts_at, ends_at
    consult.outside_availability = window is None
    if consult.method == Method.LOCATION and window is not None and window.location:
        consult.location = window.location  # the address of the block it now lies in
    _save_booking(consult)
    _record(consult, actor, "reschedule", before)
    _tell(consult, Notice.Topic.MOVED, _parties(consult, employer=not consult.confidential))
    return consult


def _outcome_allowed(actor: Actor, consult: Consult) -> None:
    if consult.status != Status.PLANNED:
        raise fail("__all__", "consult_not_planned")
    if not (is_medic(actor) or consult.practitioner_id == actor.pk):
        raise PermissionDenied(str(MESSAGES["consult_not_own"]))
    assert consult.starts_at is not None
    day = timezone.localtime(consult.starts_at, AMSTERDAM).date()
    if not rules.may_record_outcome(timezone.localdate(), day):
        raise fail("__all__", "consult_outcome_too_early")


@transaction.atomic
def record_held(*, actor: Actor, consult_id: int) -> Consult:
    consult = _locked(actor, consult_id, "consults.hold")
    _outcome_allowed(actor, consult)
    before = snapshot(consult, Consult.AUDITED)
    consult.status, consult.outcome_at = Status.HELD, _now()
    consult.save()
    _record(consult, actor, "held", before)
    if consult.confidential:
        _bill(consult, BillableKind.EMPLOYEE_REQUESTED, consult.starts_at or _now())
    return consult


@transaction.atomic
def record_no_show(*, actor: Actor, consult_id: int) -> Consult:
    """The employee did not come: both parties are told, the case gets the to-do 'plan a new
    consult', and the no-show is billed."""
    consult = _locked(actor, consult_id, "consults.hold")
    _outcome_allowed(actor, consult)
    before = snapshot(consult, Consult.AUDITED)
    consult.status, consult.outcome_at = Status.NO_SHOW, _now()
    consult.save()
    _record(consult, actor, "no_show", before)
    _bill(consult, BillableKind.NO_SHOW, consult.starts_at or _now())
    _tell(consult, Notice.Topic.NO_SHOW, _parties(consult, employer=not consult.confidential))
    if consult.case is not None and consult.case.status == CaseStatus.OPEN:
        with override(settings.LANGUAGE_CODE):
            title = _("Plan a new consult (no-show on %(day)s)") % {
                "day": f"{timezone.localtime(consult.starts_at, AMSTERDAM):%d-%m-%Y}"
            }
        todo = Todo.objects.create(
            case=consult.case, title=title, due=timezone.localdate(), party=TodoParty.NONE
        )
        record_created(actor=actor, obj=todo, fields=Todo.AUDITED)
    return consult


# --- notes and the report ----------------------------------------------------------------


@transaction.atomic
def add_note(*, actor: Actor, consult_id: int, text: str) -> ConsultNote:
    consult = _locked(actor, consult_id, "medical.view")
    if not selectors.may(actor, consult, "consults.hold"):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise fail("text", "required")
    note = ConsultNote.objects.create(
        consult=consult,
        text=text,
        author=user_or_none(actor),
        author_name=actor.get_full_name() or actor.get_username(),
    )
    # Only the fact that a note was written (docs/rules/privacy.md, as for a medical note): the
    # audit trail outlives the medical file's erasure, so the text stays out of it.
    record_change(actor=actor, action="create", obj=note, changes={})
    return note


REPORT_FIELDS = (*REPORT_TEXT_FIELDS, "medical_cause", "treatment_adequate")


def _report_consult(actor: Actor, consult_id: int) -> Consult:
    consult = _locked(actor, consult_id, "consults.hold")
    if not selectors.may(actor, consult, "medical.view"):
        raise PermissionDenied
    if consult.status != Status.HELD:
        raise fail("__all__", "report_before_held")
    if not consult.needs_report:
        raise fail("__all__", "report_not_applicable")
    return consult


@transaction.atomic
def save_report(*, actor: Actor, consult_id: int, data: dict[str, Any]) -> Report:
    """Write the draft (a POB or a medic). After a final version, this starts the next
    version: the correction; the final one stays as it was."""
    consult = _report_consult(actor, consult_id)
    problems = Problems()
    values: dict[str, Any] = {}
    for name in REPORT_TEXT_FIELDS:
        values[name] = str(data.get(name) or "").strip()
    for name in ("medical_cause", "treatment_adequate"):
        value = data.get(name) or ""
        if value not in YesNo.values:
            problems.add(name, "invalid_choice")
        values[name] = value
    for name, limit in (("hours", 300), ("expected_duration", 300), ("next_appointment", 300)):
        if len(values[name]) > limit:
            problems.add(name, "invalid_choice")
    check_free_text(problems, values, REPORT_TEXT_FIELDS)
    problems.raise_if_any()
    draft = Report.objects.select_for_update().filter(consult=consult, status="draft").first()
    if draft is None:
        latest = Report.objects.filter(consult=consult).order_by("-version").first()
        draft = Report(consult=consult, version=(latest.version + 1) if latest else 1)
        before: dict[str, Any] = {}
    else:
        before = snapshot(draft, Report.AUDITED)
    for name, value in values.items():
        setattr(draft, name, value)
    draft.drafted_by = user_or_none(actor)
    draft.save()
    record_change(
        actor=actor,
        action="create" if not before else "update",
        obj=draft,
        changes=diff(before, snapshot(draft, Report.AUDITED)),
    )
    return draft


@transaction.atomic
def finalise_report(*, actor: Actor, consult_id: int) -> Report:
    """A medic makes the draft final: from this moment employer and employee read the same
    text, and both are told (without content)."""
    consult = _report_consult(actor, consult_id)
    if not is_medic(actor):
        raise PermissionDenied(str(MESSAGES["report_final_by_medic"]))
    draft = Report.objects.select_for_update().filter(consult=consult, status="draft").first()
    if draft is None:
        raise fail("__all__", "report_no_draft")
    if not any(getattr(draft, name) for name in REPORT_TEXT_FIELDS):
        raise fail("text", "report_empty")
    problems = Problems()  # the guard once more: the lexicon may have grown since the draft
    check_free_text(
        problems, {n: getattr(draft, n) for n in REPORT_TEXT_FIELDS}, REPORT_TEXT_FIELDS
    )
    problems.raise_if_any()
    before = snapshot(draft, Report.AUDITED)
    draft.status, draft.released_at, draft.released_by = "final", _now(), user_or_none(actor)
    save_and_record(actor=actor, obj=draft, before=before, fields=Report.AUDITED, action="final")
    _tell(consult, Notice.Topic.REPORT, _parties(consult, employer=True))
    if not consult.confidential:  # an open-spreekuur report never feeds the employer's file
        signals.report_released.send(sender=Report, report=_released(consult, draft), user=actor)
    return draft


def _yes_no(value: str) -> bool | None:
    if value == YesNo.YES:
        return True
    return False if value == YesNo.NO else None


def _released(consult: Consult, report: Report) -> signals.ReleasedReport:
    assert report.released_at is not None
    return signals.ReleasedReport(
        report_id=report.pk,
        version=report.version,
        consult_id=consult.pk,
        consult_kind=consult.kind,
        case_id=consult.case_id,
        released_on=timezone.localtime(report.released_at, AMSTERDAM).date(),
        limitations_and_capabilities=report.capabilities,
        hours=report.hours,
        adjustments=report.adjustments,
        prognosis=report.expected_duration,
        medical_cause=_yes_no(report.medical_cause),
        treatment_adequate=_yes_no(report.treatment_adequate),
        advice=report.advice,
    )


@transaction.atomic
def mark_report_needed(*, actor: Actor, consult_id: int, needed: bool) -> Consult:
    """Open spreekuur: the bedrijfsarts judges a report necessary; it follows only when the
    employee consents as well."""
    consult = _locked(actor, consult_id, "consults.hold")
    if not consult.confidential:
        raise fail("__all__", "case_wrong_kind")
    before = snapshot(consult, Consult.AUDITED)
    consult.report_needed = needed
    consult.save()
    _record(consult, actor, "update", before)
    return consult


@transaction.atomic
def consent_to_report(*, actor: Actor, consult_id: int, consent: bool) -> Consult:
    consult = _locked(actor, consult_id, "consults.view")
    if getattr(actor, "role", None) != Role.EMPLOYEE or not consult.confidential:
        raise PermissionDenied
    before = snapshot(consult, Consult.AUDITED)
    consult.report_consent = consent
    consult.save()
    _record(consult, actor, "consent" if consent else "withdraw_consent", before)
    return consult


# --- SMS consent and the reminder --------------------------------------------------------


def _purpose(problems: Problems, purpose: str) -> str:
    if purpose not in SmsPurpose.values:
        problems.add("purpose", "invalid_choice")
    return purpose


def _open_consent(employee_id: int, purpose: str) -> SmsConsent | None:
    return (
        SmsConsent.objects.select_for_update()
        .filter(employee_id=employee_id, purpose=purpose, withdrawn_at__isnull=True)
        .first()
    )


@transaction.atomic
def give_sms_consent(
    *, actor: Actor, phone: str, purpose: str = SmsPurpose.REMINDERS.value
) -> SmsConsent:
    """The employee consents to SMS for one purpose (consult reminders or notices of new
    messages) at this mobile number; a consent for that purpose in force is closed first."""
    if not is_employee(actor) or actor.employee_id is None:
        raise PermissionDenied
    problems = Problems()
    _purpose(problems, purpose)
    phone = (phone or "").strip()
    problems.check("phone", mobile_problem(phone) if phone else "required")
    problems.raise_if_any()
    phone = normalise_phone(phone)
    current = _open_consent(actor.employee_id, purpose)
    if current is not None:
        before = snapshot(current, SmsConsent.AUDITED)
        current.withdrawn_at = _now()
        save_and_record(
            actor=actor, obj=current, before=before, fields=SmsConsent.AUDITED, action="withdraw"
        )
    consent = SmsConsent.objects.create(
        employee_id=actor.employee_id, purpose=purpose, phone=phone, given_at=_now()
    )
    record_created(actor=actor, obj=consent, fields=SmsConsent.AUDITED)
    return consent


@transaction.atomic
def withdraw_sms_consent(*, actor: Actor, purpose: str = SmsPurpose.REMINDERS.value) -> SmsConsent:
    """The employee withdraws his SMS consent for one purpose; the other stays in force."""
    if not is_employee(actor) or actor.employee_id is None:
        raise PermissionDenied
    problems = Problems()
    _purpose(problems, purpose)
    problems.raise_if_any()
    current = _open_consent(actor.employee_id, purpose)
    if current is None:
        raise fail("__all__", "sms_consent_missing")
    before = snapshot(current, SmsConsent.AUDITED)
    current.withdrawn_at = _now()
    save_and_record(
        actor=actor, obj=current, before=before, fields=SmsConsent.AUDITED, action="withdraw"
    )
    return current


def mobile_problem(phone: str) -> str | None:
    """An SMS needs a number that exists and is a mobile one (a landline cannot receive it)."""
    return phone_problem(phone) or (None if is_mobile(phone) else "sms_phone_not_mobile")


def reminder_text(consult: Consult) -> str:
    """No health content and no name: only that there is an appointment, when, and where to look."""
    local = timezone.localtime(consult.starts_at, AMSTERDAM)
    with override(settings.LANGUAGE_CODE):
        return _("Reminder: you have an appointment on %(day)s at %(time)s. Details: %(link)s") % {
            "day": f"{local:%d-%m-%Y}",
            "time": f"{local:%H:%M}",
            "link": settings.BASE_URL.rstrip("/") + reverse("portal:home"),  # no hint of a consult
        }


def send_reminders(today: dt.date, send: Callable[[str, str], None] | None = None) -> int:
    """SMS reminders of first consults due today (days before per arbodienst), only with a
    current consent; each consult at most once."""
    sender = gateway()
    deliver = send or sender.send
    sent = 0
    candidates = Consult.objects.filter(
        kind=Kind.FIRST,
        status=Status.PLANNED,
        starts_at__gte=dt.datetime.combine(today, dt.time(), tzinfo=AMSTERDAM),
        starts_at__lt=dt.datetime.combine(
            today + dt.timedelta(days=31), dt.time(), tzinfo=AMSTERDAM
        ),
        sms__isnull=True,
    ).select_related("employer")
    for consult in candidates:
        assert consult.starts_at is not None
        days = selectors.settings_for(consult.employer.arbodienst_id).sms_days_before
        day = timezone.localtime(consult.starts_at, AMSTERDAM).date()
        if rules.reminder_day(day, days) != today:
            continue
        consent = selectors.sms_consent(consult.employee_id)
        if consent is None:
            continue
        text = reminder_text(consult)
        error = ""
        try:
            deliver(consent.phone, text)
        except SmsError as failed:
            error = str(failed)[:300]
            logger.warning("SMS reminder for consult %s failed: %s", consult.pk, error)
        SmsMessage.objects.create(
            consult=consult, phone=consent.phone, text=text, gateway=sender.name, error=error
        )
        if not error:
            Consult.objects.filter(pk=consult.pk).update(reminded_at=_now())
            sent += 1
    return sent


def daily_step(today: dt.date | None, report: Callable[[str, int, int], None]) -> dict[str, int]:
    """This app's part of `hersteld run-daily` (registered in apps.py)."""
    sent = send_reminders(today or timezone.localdate())
    report("Consult reminders", 1, 1)
    return {"SMS reminders": sent}


# --- availability and settings -----------------------------------------------------------


BLOCK_FIELDS = ("practitioner_id", "weekday", "day", "start_time", "end_time", "location", "remote")


@transaction.atomic
def add_block(*, actor: Actor, data: dict[str, Any]) -> AvailabilityBlock:
    problems = Problems()
    problems.require(data, "practitioner_id", "start_time", "end_time")
    practitioner = None
    tenants = selectors.tenant_ids(actor, "consults.agenda")
    if data.get("practitioner_id") is not None:
        qs = User.objects.filter(
            pk=data["practitioner_id"],
            role__in=[r.value for r in PRACTITIONER_ROLES],
            is_active=True,
        )
        if tenants is not None:
            qs = qs.filter(arbodienst_id__in=tenants)
        practitioner = qs.first()
        if practitioner is None:
            problems.add("practitioner_id", "consult_not_practitioner")
    weekday, day = data.get("weekday"), data.get("day")
    if (weekday is None) == (day is None):
        problems.add("weekday", "block_needs_weekday_or_day")
    elif weekday is not None and not (isinstance(weekday, int) and 0 <= weekday <= 6):
        problems.add("weekday", "invalid_choice")
    start, end = data.get("start_time"), data.get("end_time")
    if start and end and end <= start:
        problems.add("end_time", "block_times")
    location = (data.get("location") or "").strip()
    remote = bool(data.get("remote"))
    if not location and not remote:
        problems.add("location", "block_location_or_remote")
    problems.raise_if_any()
    assert practitioner is not None and practitioner.arbodienst_id is not None
    assert isinstance(start, dt.time) and isinstance(end, dt.time)
    block = AvailabilityBlock.objects.create(
        arbodienst_id=practitioner.arbodienst_id,
        practitioner=practitioner,
        weekday=weekday,
        day=day,
        start_time=start,
        end_time=end,
        location=location,
        remote=remote,
    )
    record_created(actor=actor, obj=block, fields=AvailabilityBlock.AUDITED)
    return block


@transaction.atomic
def remove_block(*, actor: Actor, block_id: int) -> None:
    block = get_object_or_404(
        AvailabilityBlock.objects.restrict(actor, "consults.agenda").select_for_update(
            of=("self",), no_key=True
        ),
        pk=block_id,
    )
    record_change(
        actor=actor,
        action="delete",
        obj=block,
        changes=diff(snapshot(block, AvailabilityBlock.AUDITED), {}),
    )
    block.delete()


SETTING_FIELDS = AgendaSettings.AUDITED


@transaction.atomic
def save_settings(*, actor: Actor, arbodienst_id: int, data: dict[str, Any]) -> AgendaSettings:
    tenants = selectors.tenant_ids(actor, "consults.agenda")
    if tenants is not None and arbodienst_id not in tenants:
        raise PermissionDenied
    problems = Problems()
    for name in SETTING_FIELDS:
        if name == "location_measures":
            continue
        value = data.get(name)
        if (
            not isinstance(value, int)
            or not (0 <= value <= (720 if name == "cancel_hours" else 480))
            or (name.startswith("minutes_") and value < 5)
        ):
            problems.add(name, "invalid_choice")
    check_free_text(problems, data, ("location_measures",))
    problems.raise_if_any()
    found, _created = AgendaSettings.objects.select_for_update().get_or_create(
        arbodienst_id=arbodienst_id
    )
    before = snapshot(found, AgendaSettings.AUDITED)
    for name in SETTING_FIELDS:
        setattr(
            found,
            name,
            data.get(name) if name != "location_measures" else (data.get(name) or "").strip(),
        )
    save_and_record(actor=actor, obj=found, before=before, fields=AgendaSettings.AUDITED)
    return found


def parse_month(value: str) -> dt.date:
    """`YYYY-MM` as the first day of that month; a field error otherwise."""
    try:
        first = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise fail("month", "billing_month_format") from None
    if not 1900 <= first.year <= 2199:
        raise fail("month", "billing_month_format")
    return first


# --- medical information requests (docs/rules/consults.md) -------------------------------

MESSAGES.update(
    {
        "consent_in_future": gettext_lazy("The consent cannot be dated in the future."),
        "consent_withdrawn": gettext_lazy(
            "The employee withdrew the consent; this request may not be sent or answered."
        ),
    }
)


@transaction.atomic
def request_information(
    *, actor: Actor, employee_id: int, data: dict[str, Any]
) -> InformationRequest:
    """Record a question to a treating physician with the employee's consent (scope,
    physician, question, date of the written consent); billable to the employer."""
    from hersteld.people.models import Employee

    employee = get_object_or_404(Employee.objects.restrict(actor, "medical.view"), pk=employee_id)
    if not is_practitioner(actor):
        raise PermissionDenied
    problems = Problems()
    problems.require(data, "scope", "physician", "question", "consent_at")
    consent_at = data.get("consent_at")
    if isinstance(consent_at, dt.datetime) and consent_at > _now():
        problems.add("consent_at", "consent_in_future")
    employment = (
        Employment.objects.filter(employee=employee, end_date__isnull=True)
        .order_by("-start_date", "-id")
        .first()
    )
    if employment is None:
        problems.add("__all__", "employee_without_employment")
    problems.raise_if_any()
    assert employment is not None and isinstance(consent_at, dt.datetime)
    found = InformationRequest.objects.create(
        employer_id=employee.employer_id,
        employee=employee,
        employment=employment,
        scope=str(data["scope"]).strip()[:300],
        physician=str(data["physician"]).strip()[:200],
        question=str(data["question"]).strip(),
        consent_at=consent_at,
        requested_by=user_or_none(actor),
    )
    record_created(actor=actor, obj=found, fields=InformationRequest.AUDITED)
    BillableItem.objects.create(
        employer_id=employee.employer_id,
        month=month_of(_now()),
        kind=BillableKind.INFORMATION_REQUEST,
    )
    return found


@transaction.atomic
def withdraw_information_consent(*, actor: Actor, request_id: int) -> InformationRequest:
    """The employee (or the practitioner on his word) withdraws the consent."""
    action = "consults.view" if getattr(actor, "role", None) == Role.EMPLOYEE else "medical.view"
    found = get_object_or_404(
        InformationRequest.objects.restrict(actor, action).select_for_update(
            of=("self",), no_key=True
        ),
        pk=request_id,
    )
    if found.withdrawn_at is not None:
        raise fail("__all__", "consent_withdrawn")
    before = snapshot(found, InformationRequest.AUDITED)
    found.withdrawn_at = _now()
    save_and_record(
        actor=actor, obj=found, before=before, fields=InformationRequest.AUDITED, action="withdraw"
    )
    return found


@transaction.atomic
def record_information_answer(*, actor: Actor, request_id: int, answer: str) -> InformationRequest:
    """The physician's factual answer, into the medical file; not after a withdrawal."""
    found = get_object_or_404(
        InformationRequest.objects.restrict(actor, "medical.view").select_for_update(
            of=("self",), no_key=True
        ),
        pk=request_id,
    )
    if not is_practitioner(actor):
        raise PermissionDenied
    if found.withdrawn_at is not None:
        raise fail("__all__", "consent_withdrawn")
    answer = (answer or "").strip()
    if not answer:
        raise fail("answer", "required")
    before = snapshot(found, InformationRequest.AUDITED)
    found.answer, found.answered_at = answer, _now()
    save_and_record(actor=actor, obj=found, before=before, fields=InformationRequest.AUDITED)
    return found
