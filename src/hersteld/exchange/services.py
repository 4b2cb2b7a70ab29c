"""Writes of the data exchange: couplings (X1), the inbox and its worker (X2-X4), reviews, errors (X6)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hersteld.accounts.permissions import Role
from hersteld.core.actor import Actor
from hersteld.core.audit import record_change, snapshot, user_or_none
from hersteld.core.services import locked, record_created, save_and_record
from hersteld.core.tasks import send_email_after_commit
from hersteld.core.validation import Problems, fail, message
from hersteld.exchange import apply, codec, reply
from hersteld.exchange.context import applying
from hersteld.exchange.models import (
    ERROR_STATUSES,
    BillableItem,
    BillableKind,
    Coupling,
    CouplingStatus,
    ExternalKey,
    InboxMessage,
    InboxStatus,
    KeyKind,
    ReviewKind,
    ReviewStatus,
    ReviewTask,
)
from hersteld.organisations.models import Employer
from hersteld.people import key_rotation, vault
from hersteld.people import services as people_services
from hersteld.people.models import Employee, Employment, RevealPurpose

KEY_PREFIX_LENGTH = 8
# What the arbodienst configures: every audited field but the status (the operator's).
CONFIG_FIELDS = tuple(name for name in Coupling.AUDITED if name != "status")
# A message still "received" this long after its last try is picked up again by the sweep.
STALE_AFTER = dt.timedelta(minutes=5)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# --- couplings (X1) -----------------------------------------------------------------------


def _is_operator(actor: Actor) -> bool:
    return getattr(actor, "role", None) == Role.OPERATOR


def _check_config(data: dict[str, Any], problems: Problems) -> None:
    problems.require(data, "source_system", "employer_key")
    for name, limit in (("source_system", 100), ("employer_key", 40), ("connection_no", 70)):
        if len(str(data.get(name) or "")) > limit:
            problems.add(name, "too_long", limit=limit)
    url = data.get("outbound_url") or ""
    if url and not re.match(r"^https?://", url):
        problems.add("outbound_url", "url_scheme")
    if data.get("vault") and not vault.configured():
        problems.add("vault", "vault_key_missing")


@transaction.atomic
def request_coupling(*, actor: Actor, employer_id: int, data: dict[str, Any]) -> Coupling:
    """The arbodienst asks for a coupling of one employer with one source system (requested)."""
    employer = locked(Employer, actor, employer_id, "exchange.manage")
    values = {key: data[key] for key in CONFIG_FIELDS if key in data}
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    problems = Problems()
    _check_config(values, problems)
    if Coupling.objects.filter(employer=employer, source_system=values.get("source_system")):
        problems.add("source_system", "coupling_exists")
    problems.raise_if_any()
    coupling = Coupling.objects.create(employer=employer, **values)
    record_created(actor=actor, obj=coupling, fields=Coupling.AUDITED)
    return coupling


@transaction.atomic
def configure_coupling(*, actor: Actor, coupling_id: int, data: dict[str, Any]) -> Coupling:
    """The four questions, error address, correction policy, target; a requested one is configured."""
    coupling = locked(Coupling, actor, coupling_id, "exchange.manage")
    before = snapshot(coupling, Coupling.AUDITED)
    for key in CONFIG_FIELDS:
        if key in data:
            value = data[key]
            setattr(coupling, key, value.strip() if isinstance(value, str) else value)
    problems = Problems()
    _check_config({key: getattr(coupling, key) for key in CONFIG_FIELDS}, problems)
    taken = Coupling.objects.filter(
        employer_id=coupling.employer_id, source_system=coupling.source_system
    ).exclude(pk=coupling.pk)
    if taken.exists():
        problems.add("source_system", "coupling_exists")
    problems.raise_if_any()
    if coupling.status == CouplingStatus.REQUESTED:
        coupling.status = CouplingStatus.CONFIGURED
    if coupling.outbound_url and not coupling.outbound_secret:
        coupling.outbound_secret = secrets.token_urlsafe(32)
    save_and_record(actor=actor, obj=coupling, before=before, fields=Coupling.AUDITED)
    return coupling


def _operator_only(actor: Actor) -> None:
    if not _is_operator(actor):
        raise PermissionDenied(message("operator_only"))


def missing_for_activation(coupling: Coupling) -> list[str]:
    """What a coupling still lacks before the operator can activate it (sentences for the page).

    Complete means: the answers a request already requires (source system, employer key) and an
    API key. Saving "Configure" once is not needed: the request holds the same answers.
    """
    missing: list[str] = []
    if not coupling.source_system.strip():
        missing.append(_("the source system (Configure)"))
    if not coupling.employer_key.strip():
        missing.append(_("the employer key in messages, IdWrkgvrArbdnst (Configure)"))
    if not coupling.key_hash:
        missing.append(_("an API key (Issue API key, by the operator)"))
    if coupling.vault and not vault.configured():
        missing.append(_("the Datakluis key file (HERSTELD_DATAKLUIS_KEY_FILE, by the operator)"))
    return missing


def message_incomplete(missing: list[str]) -> str:
    return _("This coupling cannot be activated yet. Missing: %(missing)s.") % {
        "missing": "; ".join(missing)
    }


@transaction.atomic
def activate_coupling(*, actor: Actor, coupling_id: int) -> Coupling:
    """Only the operator activates a complete coupling; the first activation is billed as set-up."""
    _operator_only(actor)
    coupling = locked(Coupling, actor, coupling_id, "exchange.manage")
    if coupling.status == CouplingStatus.ACTIVE:
        raise fail("status", "coupling_not_configured")
    missing = missing_for_activation(coupling)
    if missing:
        error = ValidationError(message_incomplete(missing), code="coupling_incomplete")
        raise ValidationError({"__all__": [error]})
    before = snapshot(coupling, Coupling.AUDITED)
    coupling.status = CouplingStatus.ACTIVE
    if coupling.outbound_url and not coupling.outbound_secret:
        coupling.outbound_secret = secrets.token_urlsafe(32)  # as saving "Configure" would
    if coupling.activated_at is None:
        coupling.activated_at = timezone.now()
        BillableItem.objects.create(
            coupling=coupling, kind=BillableKind.SETUP, month=_month(timezone.localdate())
        )
    save_and_record(actor=actor, obj=coupling, before=before, fields=Coupling.AUDITED)
    return coupling


@transaction.atomic
def suspend_coupling(*, actor: Actor, coupling_id: int) -> Coupling:
    """A suspended coupling's key opens nothing (403 on every endpoint); the inbox stays."""
    _operator_only(actor)
    coupling = locked(Coupling, actor, coupling_id, "exchange.manage")
    if coupling.status != CouplingStatus.ACTIVE:
        raise fail("status", "coupling_not_active")
    before = snapshot(coupling, Coupling.AUDITED)
    coupling.status = CouplingStatus.SUSPENDED
    save_and_record(actor=actor, obj=coupling, before=before, fields=Coupling.AUDITED)
    return coupling


@transaction.atomic
def rotate_key(*, actor: Actor, coupling_id: int, key: str | None = None) -> str:
    """Issue a new API key (shown once; only its hash is kept); the old one stops working."""
    _operator_only(actor)
    coupling = locked(Coupling, actor, coupling_id, "exchange.manage")
    key = key or "hc_" + secrets.token_urlsafe(32)
    coupling.key_hash = hash_key(key)
    coupling.key_prefix = key[:KEY_PREFIX_LENGTH]
    coupling.key_created_at = timezone.now()
    coupling.save(update_fields=["key_hash", "key_prefix", "key_created_at", "updated_at"])
    record_change(
        actor=actor,
        action="token",
        obj=coupling,
        changes={"key_prefix": [None, coupling.key_prefix]},
        reason="coupling key issued",
    )
    return key


def coupling_for_key(key: str) -> Coupling | None:
    if not key:
        return None
    return Coupling.objects.select_related("employer").filter(key_hash=hash_key(key)).first()


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


# --- the inbox (X2-X4) ---------------------------------------------------------------------

SCRUB = {
    "bsn": [
        re.compile(rb"<([\w.-]+:)?SofiNr>[^<]*</([\w.-]+:)?SofiNr>"),
        re.compile(rb'"bsn"\s*:\s*"[^"]*"'),
    ],
    "salary": [
        re.compile(rb"<([\w.-]+:)?Jaarsalaris>[^<]*</([\w.-]+:)?Jaarsalaris>"),
        re.compile(rb'"annual_salary"\s*:\s*"?[^",}\s]*"?'),
    ],
}


def _scrubbed_raw(coupling: Coupling, body: bytes) -> bytes:
    """An unreadable message is kept as received, minus what the coupling may not bring."""
    for allowed, patterns in ((coupling.bsn, SCRUB["bsn"]), (coupling.salary, SCRUB["salary"])):
        if not allowed:
            for pattern in patterns:
                body = pattern.sub(b"", body)
    return body


def _stored_body(coupling: Coupling, parsed: codec.Message) -> bytes:
    """The message as stored: re-written without BSN and salary when the coupling forbids them."""
    if coupling.bsn and coupling.salary:
        return b""
    items = tuple(apply.allowed_item(coupling, item) for item in parsed.items)
    if items == parsed.items:
        return b""
    clean = codec.Message(parsed.envelope, parsed.employer, items)
    return codec.to_json(clean) if parsed.envelope.format == "json" else codec.to_sivi(clean)


def receive(coupling: Coupling, body: bytes, content_type: str) -> tuple[InboxMessage, bool]:
    """Store an inbound message durably (before anything is applied); (message, is_new).

    The same reference again returns the first message and stores nothing. An unreadable
    message is stored as rejected, with path and rule, under a reference made of its checksum.
    """
    checksum = hashlib.sha256(body).hexdigest()
    errors: list[dict[str, str]] = []
    parsed: codec.Message | None = None
    try:
        parsed = codec.parse(body, content_type)
    except codec.InvalidMessage as exc:
        errors = [
            {"path": error.path, "rule": error.rule, "message": error.message}
            for error in exc.errors
        ]
    if parsed is not None:
        ref = parsed.envelope.message_ref
        stored = _stored_body(coupling, parsed) or body
        values: dict[str, Any] = {
            "message_type": parsed.envelope.message_type,
            "sent_at": parsed.envelope.sent_at,
            "status": InboxStatus.RECEIVED,
        }
    else:
        ref = f"sha256:{checksum}"
        stored = _scrubbed_raw(coupling, body)
        values = {"status": InboxStatus.REJECTED, "errors": errors, "processed_at": timezone.now()}
    existing = InboxMessage.objects.filter(coupling=coupling, message_ref=ref).first()
    if existing is not None:
        return existing, False
    if coupling.vault:
        # A Datakluis population is at rest only encrypted, its messages too (VaultKeyMissing
        # without a key: the API answers 503 before this point and nothing is stored).
        stored = vault.seal_bytes(stored)
    try:
        with transaction.atomic():
            inbox = InboxMessage.objects.create(
                coupling=coupling,
                message_ref=ref,
                content_type=content_type[:100],
                body=stored,
                body_sealed=coupling.vault,
                checksum=checksum,
                **values,
            )
    except IntegrityError:  # the same reference arrived at the same moment
        return InboxMessage.objects.get(coupling=coupling, message_ref=ref), False
    if inbox.status == InboxStatus.RECEIVED:
        schedule(inbox.pk)
    return inbox, True


def schedule(message_id: int) -> None:
    """Process after commit: a Celery task, or in-process when there is no broker.

    Robust: when the broker is down the message stays `received` (it is stored) and the
    sender gets its answer; the sweep applies it once the worker runs again."""
    from hersteld.exchange.tasks import process_message

    transaction.on_commit(lambda: process_message.delay(message_id), robust=True)


def _options_for(inbox: InboxMessage) -> apply.Options:
    """Decisions on this message's review tasks (merge yes/no, go on despite a gap)."""
    options = apply.Options()
    for review in inbox.reviews.exclude(status=ReviewStatus.OPEN):
        if review.kind == ReviewKind.MERGE:
            if review.status == ReviewStatus.APPLIED and review.employee_id is not None:
                options.merge_into[review.external_key] = review.employee_id
            else:
                options.no_merge.add(review.external_key)
        elif review.kind == ReviewKind.GAP and review.status == ReviewStatus.APPLIED:
            options.ignore_gap = True
    return options


def process(message_id: int) -> str | None:
    """Apply one inbox message entirely or not at all; returns its new status.

    The message row is locked (skipped when another worker has it). A worker that dies leaves
    the row `received`, and nothing of the message applied: the sweep tries it again.
    """
    with transaction.atomic():
        inbox = (
            InboxMessage.objects.select_for_update(skip_locked=True)
            .select_related("coupling__employer")
            .filter(pk=message_id, status=InboxStatus.RECEIVED)
            .first()
        )
        if inbox is None:
            return None
        inbox.attempts += 1
        _process_locked(inbox)
        inbox.processed_at = timezone.now()
        inbox.save()
        if inbox.status == InboxStatus.PROCESSED:
            BillableItem.objects.create(
                coupling=inbox.coupling,
                kind=BillableKind.MESSAGE,
                month=_month(timezone.localdate()),
                message=inbox,
            )
            _release_held(inbox)
        return str(inbox.status)


def body_of(inbox: InboxMessage) -> bytes:
    """The message as received (minus what the coupling may not bring); a Datakluis message
    is decrypted here, for processing only (VaultKeyMissing without the key)."""
    raw = bytes(inbox.body)
    return vault.unseal_bytes(raw) if inbox.body_sealed else raw


# --- Datakluis key rotation (docs/adr/0027-datakluis-key-rotation.md) ------------------------


def _reseal_body(inbox: InboxMessage) -> None:
    inbox.body = vault.rotate(inbox.body)


def rotate_sealed_messages(progress: key_rotation.Progress | None = None) -> int:
    """Seal every encrypted inbox message of a Datakluis coupling again with the current key."""
    sealed = InboxMessage.objects.filter(body_sealed=True)
    return key_rotation.reseal(sealed, ("body",), _reseal_body, progress=progress)


def messages_needing_an_earlier_key() -> int:
    """How many encrypted inbox messages the current key alone cannot open yet."""
    bodies = (
        InboxMessage.objects.filter(body_sealed=True)
        .values_list("body", flat=True)
        .iterator(chunk_size=key_rotation.BATCH)
    )
    return sum(1 for body in bodies if not vault.opens_with_current_key(body))


def _process_locked(inbox: InboxMessage) -> None:
    coupling = inbox.coupling
    inbox.errors, inbox.held_for = [], ""
    try:
        parsed = codec.parse(body_of(inbox), inbox.content_type)
    except vault.VaultKeyMissing:
        inbox.status = InboxStatus.FAILED
        inbox.errors = [
            {"path": "/", "rule": "vault_key_missing", "message": str(message("vault_key_missing"))}
        ]
        return
    except codec.InvalidMessage as exc:
        inbox.status = InboxStatus.REJECTED
        inbox.errors = [{"path": e.path, "rule": e.rule, "message": e.message} for e in exc.errors]
        return
    try:
        with transaction.atomic(), applying(coupling.pk):
            outcome = apply.Applier(coupling, parsed, inbox.pk, _options_for(inbox)).run()
    except apply.ItemFailed as exc:
        inbox.status, inbox.errors = InboxStatus.FAILED, exc.errors
    except (PermissionDenied, Http404) as exc:
        inbox.status = InboxStatus.FAILED
        inbox.errors = [
            {"path": "/", "rule": "not_allowed", "message": str(exc) or _("Not allowed.")}
        ]
    except apply.Hold as exc:
        inbox.status, inbox.held_for = InboxStatus.HELD, exc.absence_id
        inbox.errors = [{"path": "/", "rule": "sequence_gap", "message": str(exc)}]
    except apply.NeedsDecision as exc:
        inbox.status = InboxStatus.REVIEW
        review = exc.review
        ReviewTask.objects.create(
            coupling=coupling,
            message=inbox,
            kind=review["kind"],
            employee_id=review["employee_id"],
            external_key=review["external_key"],
            current=review["current"],
            proposed=review["proposed"],
        )
    except ValidationError as exc:  # a rule outside an item (should not happen)
        inbox.status = InboxStatus.FAILED
        inbox.errors = [{"path": "/", "rule": "invalid", "message": "; ".join(exc.messages)}]
    else:
        inbox.status, inbox.result = InboxStatus.PROCESSED, outcome.as_json()


def _release_held(inbox: InboxMessage) -> None:
    """After a message applied, the messages waiting for one of its absences get another try."""
    absences = inbox.result.get("absences") or []
    if not absences:
        return
    waiting = InboxMessage.objects.filter(
        coupling=inbox.coupling, status=InboxStatus.HELD, held_for__in=absences
    ).order_by("sent_at", "id")
    for held in waiting:
        InboxMessage.objects.filter(pk=held.pk).update(status=InboxStatus.RECEIVED)
        schedule(held.pk)


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Pick up messages a dead worker left; turn long-held messages into review tasks."""
    now = now or timezone.now()
    stale = InboxMessage.objects.filter(
        status=InboxStatus.RECEIVED, received_at__lt=now - STALE_AFTER
    ).values_list("pk", flat=True)
    picked = 0
    for message_id in list(stale):
        if process(message_id) is not None:
            picked += 1
    hold_for = dt.timedelta(hours=settings.EXCHANGE_HOLD_HOURS)
    gaps = 0
    for held in InboxMessage.objects.filter(
        status=InboxStatus.HELD, received_at__lt=now - hold_for
    ).select_related("coupling"):
        with transaction.atomic():
            ReviewTask.objects.create(
                coupling=held.coupling,
                message=held,
                kind=ReviewKind.GAP,
                external_key=held.held_for,
                proposed={"detail": held.errors[0]["message"] if held.errors else ""},
            )
            held.status = InboxStatus.REVIEW
            held.save(update_fields=["status"])
            gaps += 1
    return {"picked_up": picked, "gap_reviews": gaps}


@transaction.atomic
def retry(*, actor: Actor, message_id: int) -> InboxMessage:
    """Try a rejected or failed message again (after the cause was fixed)."""
    inbox = get_error_message(actor, message_id, for_update=True)
    if inbox.status not in ERROR_STATUSES:
        raise fail("__all__", "message_not_failed")
    inbox.status = InboxStatus.RECEIVED
    inbox.save(update_fields=["status"])
    schedule(inbox.pk)
    return inbox


@transaction.atomic
def dismiss(*, actor: Actor, message_id: int) -> InboxMessage:
    """Set a rejected or failed message aside: it leaves the error log, nothing is applied."""
    inbox = get_error_message(actor, message_id, for_update=True)
    if inbox.status not in ERROR_STATUSES:
        raise fail("__all__", "message_not_failed")
    before = inbox.status
    inbox.status = InboxStatus.DISMISSED
    inbox.save(update_fields=["status"])
    record_change(
        actor=actor,
        action="update",
        obj=inbox,
        changes={"status": [before, inbox.status]},
        reason="set aside from the error log",
    )
    return inbox


def get_error_message(actor: Actor, message_id: int, *, for_update: bool = False) -> InboxMessage:
    queryset = InboxMessage.objects.restrict(actor, "exchange.view_error_log")
    if for_update:
        queryset = queryset.select_for_update()
    found = queryset.filter(pk=message_id).first()
    if found is None:
        raise Http404
    return found


def reply_for(inbox: InboxMessage) -> bytes:
    """The Retourmelding1 for a message: its current status and errors, addressed to its sender."""
    sender, test = "", False
    try:
        envelope = codec.parse(body_of(inbox), inbox.content_type).envelope
        sender, test = envelope.sender, envelope.test
    except (codec.InvalidMessage, vault.VaultKeyMissing):
        pass
    return reply.retourmelding(
        reply_ref=f"HERSTELD-R-{inbox.pk}-{inbox.status}",
        replied_ref=inbox.message_ref,
        status=inbox.status,
        errors=inbox.errors,
        sender="HERSTELD",
        receiver=sender or inbox.coupling.employer_key,
        test=test,
        at=timezone.now(),
    )


# --- review tasks ------------------------------------------------------------------------


# --- the Datakluis (X7) ------------------------------------------------------------------

REVEAL_ROLES = frozenset({Role.CASEMANAGER, Role.MEDIC})


def may_reveal(user: object) -> bool:
    """Who names a Datakluis person for a preventive consult: casemanagers and medics only
    (an access rule of the page and the API operation)."""
    return getattr(user, "role", None) in REVEAL_ROLES


@transaction.atomic
def reveal_for_preventive_consult(*, actor: Actor, employer_id: int, key: str) -> Employee:
    """A casemanager starts a preventive consult for someone who was never absent.

    The person is named by the coupling's key (IdWrknmr) or his personnel number, as the
    employer's request names him: he is never typed in again, so no duplicate arises, and a
    later sick report through the coupling finds the same person. A sealed Datakluis person
    is revealed for this purpose (audited); one already visible is returned as he is. The
    consult planner calls this before it plans.
    """
    employer = Employer.objects.restrict(actor, "absence.change").filter(pk=employer_id).first()
    if employer is None:
        raise Http404
    if not may_reveal(actor):
        raise PermissionDenied(message("vault_admin"))
    key = (key or "").strip()
    if not key:
        raise fail("key", "required")
    linked = ExternalKey.objects.filter(employer=employer, kind=KeyKind.EMPLOYEE, key=key).first()
    employee_id: int | None = linked.object_id if linked is not None else None
    if employee_id is None:
        employee_id = (
            Employment.objects.filter(employer=employer, personnel_number=key)
            .values_list("employee_id", flat=True)
            .first()
        )
    if employee_id is None:
        raise fail("key", "vault_unknown_person")
    return people_services.reveal(
        actor=actor, employee_id=employee_id, purpose=RevealPurpose.PREVENTIVE_CONSULT
    )


@transaction.atomic
def decide(*, actor: Actor, review_id: int, accept: bool) -> ReviewTask:
    """A casemanager's yes or no on a proposed correction, withdrawal, merge or gap."""
    review = locked(ReviewTask, actor, review_id, "exchange.review")
    if review.status != ReviewStatus.OPEN:
        raise fail("__all__", "review_decided")
    review.status = ReviewStatus.APPLIED if accept else ReviewStatus.REJECTED
    review.decided_at = timezone.now()
    review.decided_by = user_or_none(actor)
    if review.kind in (ReviewKind.CORRECTION, ReviewKind.WITHDRAWAL) and accept:
        assert review.case is not None
        reason = _("Proposed by coupling %(source)s, accepted") % {
            "source": review.coupling.source_system
        }
        with applying(review.coupling_id):
            apply.apply_decision(actor, review.case, review.kind, review.proposed, reason)
    review.save()
    record_change(
        actor=actor,
        action="update",
        obj=review,
        changes={"status": [ReviewStatus.OPEN.value, review.status]},
        reason=review.kind,
    )
    if review.kind in (ReviewKind.MERGE, ReviewKind.GAP):
        message_row = review.message
        if accept or review.kind == ReviewKind.MERGE:
            message_row.status = InboxStatus.RECEIVED
            message_row.save(update_fields=["status"])
            schedule(message_row.pk)
        else:
            message_row.status = InboxStatus.REJECTED
            message_row.errors = [
                {
                    "path": "/",
                    "rule": "gap_refused",
                    "message": _("A casemanager refused to apply it without the missing report."),
                }
            ]
            message_row.save(update_fields=["status", "errors"])
    return review


# --- the error log digest (X6) -----------------------------------------------------------


def daily_step(today: dt.date | None, report: Callable[[str, int, int], None]) -> dict[str, int]:
    """This app's part of `hersteld run-daily` (registered in apps.py): the last day's errors."""
    with transaction.atomic():
        sent = send_error_digests(timezone.now() - dt.timedelta(days=1))
    return {"coupling error digests": sent}


def send_error_digests(since: dt.datetime) -> int:
    """One e-mail per coupling with new errors: counts and a link, never personal data."""
    counts = (
        InboxMessage.objects.filter(status__in=ERROR_STATUSES, processed_at__gte=since)
        .values("coupling")
        .annotate(n=Count("id"), rejected=Count("id", filter=Q(status=InboxStatus.REJECTED)))
    )
    sent = 0
    couplings = Coupling.objects.in_bulk([row["coupling"] for row in counts])
    for row in counts:
        coupling = couplings[row["coupling"]]
        if not coupling.error_email:
            continue
        link = settings.BASE_URL.rstrip("/") + reverse("exchange:errors", args=[coupling.pk])
        body = _(
            "Coupling %(source)s: %(n)s message(s) could not be processed since %(since)s "
            "(%(rejected)s rejected as invalid). See the error log: %(link)s"
        ) % {
            "source": coupling.source_system,
            "n": row["n"],
            "rejected": row["rejected"],
            "since": timezone.localtime(since).strftime("%d-%m-%Y %H:%M"),
            "link": link,
        }
        send_email_after_commit(_("Hersteld: coupling errors"), body, [coupling.error_email])
        sent += 1
    return sent
