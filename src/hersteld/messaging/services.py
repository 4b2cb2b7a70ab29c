"""Writes of messages: send (guarded, with attachments), mark read, e-mail wishes, the digest,
and the SMS notice of a new message to an employee who agreed to it."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from hersteld.absence.models import AbsenceCase
from hersteld.accounts import selectors as account_selectors
from hersteld.accounts.models import User, UserGrant
from hersteld.accounts.permissions import Role
from hersteld.core import signals
from hersteld.core.actor import Actor
from hersteld.core.audit import record_change, user_or_none
from hersteld.core.daily import Report
from hersteld.core.services import locked
from hersteld.core.sms import SmsError, SmsPurpose, gateway
from hersteld.core.validation import Problems, fail
from hersteld.messaging import selectors
from hersteld.messaging.models import Attachment, Message, Preference, Receipt
from hersteld.messaging.rules import (
    MEDICAL_ROLES,
    PARTY_ROLES,
    Frequency,
    Thread,
    attachment_problem,
    guarded,
    sniff,
)
from hersteld.privacy.problems import check_free_text

logger = logging.getLogger("hersteld.messaging")

MAX_TEXT = 10000
MAX_TOPIC = 120
MAX_FILES = 5


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the services never trust the name's suffix or the claimed type."""

    name: str
    data: bytes


def _case(actor: Actor, case_id: int) -> AbsenceCase:
    """The dossier, locked (its own row only: `core.services.locked`); outside the actor's
    scope it does not exist (404). A plain FOR UPDATE also locked the rows the scope joins,
    so two messages in two dossiers of one employee, sent by HR and a casemanager at the
    same moment, could deadlock on the employer and employee rows."""
    return locked(AbsenceCase, actor, case_id, "absence.view")


def _check_uploads(problems: Problems, uploads: Sequence[Upload]) -> None:
    if len(uploads) > MAX_FILES:
        problems.add("attachments", "attachment_count", max=MAX_FILES)
    for upload in uploads:
        code = attachment_problem(
            upload.data[:16], len(upload.data), settings.MESSAGE_ATTACHMENT_MAX_BYTES
        )
        if code is not None:
            problems.add(
                "attachments",
                code,
                name=upload.name[:100],
                max=settings.MESSAGE_ATTACHMENT_MAX_BYTES // (1024 * 1024),
            )


def recipients(case: AbsenceCase, thread: str, author: Actor) -> list[User]:
    """The parties of the thread other than the author, each checked against his scope.

    A fixed number of queries however many parties: the candidates come with their grants
    and e-mail wish, and each one's scope is matched against where the dossier lies in
    Python (core.restrict.reaches, which follows restrict()).
    """
    candidates = User.objects.filter(
        is_active=True, arbodienst_id=case.employer.arbodienst_id, role__in=PARTY_ROLES
    ).exclude(pk=author.pk)
    if thread == Thread.MEDICAL:
        narrowed = candidates.filter(role__in=MEDICAL_ROLES) | candidates.filter(
            employee_id=case.employee_id
        )
    else:
        narrowed = (
            candidates.filter(role__in=("casemanager", *MEDICAL_ROLES))
            | candidates.filter(role="employer_user", employer_id=case.employer_id)
            # An employer user of another employer whom a grant gives this employer's cases.
            | candidates.filter(
                role="employer_user",
                pk__in=UserGrant.objects.filter(employer_id=case.employer_id).values("user_id"),
            )
            | candidates.filter(employee_id=case.employee_id)
        )
    place = selectors.case_place(case)
    parties = account_selectors.with_scopes(narrowed).select_related("message_preference")
    return [
        user for user in parties.order_by("id") if thread in selectors.threads_at(user, case, place)
    ]


@transaction.atomic
def send(
    *,
    actor: Actor,
    case_id: int,
    text: str,
    thread: str = Thread.CASE.value,
    topic: str = "",
    uploads: Sequence[Upload] = (),
) -> Message:
    """Send a message to the parties of a thread; nothing is written when one rule is broken."""
    case = _case(actor, case_id)
    text = (text or "").strip()
    topic = (topic or "").strip()
    problems = Problems()
    if thread not in {t.value for t in Thread}:
        raise fail("thread", "invalid_choice")
    if thread not in selectors.threads_of(actor, case):
        # A party of the dossier who is not in the medical thread, or no party at all.
        raise fail("thread", "thread_not_yours")
    if not text:
        problems.add("text", "required")
    elif len(text) > MAX_TEXT:
        problems.add("text", "too_long", limit=MAX_TEXT)
    if len(topic) > MAX_TOPIC:
        problems.add("topic", "too_long", limit=MAX_TOPIC)
    if guarded(thread):
        check_free_text(problems, {"text": text, "topic": topic}, ("text", "topic"))
    _check_uploads(problems, uploads)
    problems.raise_if_any()
    message = Message.objects.create(
        case=case,
        employer_id=case.employer_id,
        employee_id=case.employee_id,
        thread=thread,
        topic=topic,
        text=text,
        author=user_or_none(actor),
        author_name=actor.get_full_name() or actor.get_username(),
        author_role=actor.role,
    )
    for upload in uploads:
        Attachment.objects.create(
            message=message,
            name=upload.name[:200] or "bijlage",
            content_type=sniff(upload.data[:16]) or "",
            size=len(upload.data),
            data=upload.data,
        )
    # The text stays out of the audit trail: it is in the message, readable by its parties.
    record_change(
        actor=actor,
        action="create",
        obj=message,
        changes={"thread": [None, thread], "attachments": [None, len(uploads)]},
    )
    parties = recipients(case, thread, actor)
    texted = _sms_numbers(parties)  # before the receipts: who had nothing unread yet
    now = timezone.now()
    immediately = {user.pk for user in parties if frequency(user) == Frequency.IMMEDIATELY}
    Receipt.objects.bulk_create(
        [
            Receipt(message=message, user=user, emailed_at=now if user.pk in immediately else None)
            for user in parties
        ]
    )
    for user in parties:
        if user.pk in immediately:
            _notify(user, 1)
    for number in texted:
        transaction.on_commit(functools.partial(_send_sms, number), robust=True)
    return message


def _sms_numbers(parties: Sequence[User]) -> list[str]:
    """The mobile numbers to send an SMS notice of a new message to: of each employee among the
    parties whose consent to SMS about messages is in force (consults keeps the consents and
    answers core.signals.sms_number) and who has no unread message yet (one SMS per batch
    of unread messages: reading them re-arms it). Staff and employer users never get one.
    The consent is asked first: most employees have none, and then it costs one query.

    The recipient's row is locked before his unread messages are counted, until the commit:
    of two messages sent to him at the same moment, the second waits, then counts the
    first as unread, so he gets one SMS, not two."""
    numbers = []
    for user in parties:
        if user.role != Role.EMPLOYEE or user.employee_id is None:
            continue
        answers = signals.sms_number.send(
            sender=Message, employee_id=user.employee_id, purpose=SmsPurpose.MESSAGES.value
        )
        number = next((a for _r, a in answers if isinstance(a, str) and a), None)
        if number is None:
            continue
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        if not selectors.unread_count(user):
            numbers.append(number)
    return numbers


def sms_text() -> str:
    """Only that there is something new, and where to read it: no name, no topic, no text,
    no dossier (the SMS is read on a lock screen)."""
    link = settings.BASE_URL.rstrip("/") + reverse("messaging:inbox")
    with override(settings.LANGUAGE_CODE):
        return _(
            "Hersteld: there is a new message for you. Read it after logging in at %(link)s"
        ) % {"link": link}


def _send_sms(number: str) -> None:
    """Runs after the message is committed: a refused SMS is logged, the message stays sent."""
    try:
        gateway().send(number, sms_text())
    except SmsError as error:
        logger.warning("SMS notice of a new message failed: %s", error)


def mark_read(*, actor: Actor, message_id: int) -> Receipt | None:
    """The actor has read a message; the author sees it. Answers None for his own message."""
    message = selectors.message(actor, message_id)
    receipt = Receipt.objects.filter(message=message, user_id=actor.pk).first()
    if receipt is not None and receipt.read_at is None:
        receipt.read_at = timezone.now()
        receipt.save(update_fields=["read_at"])
    return receipt


def mark_case_read(*, actor: Actor, case: AbsenceCase) -> int:
    """Opening the messages of a dossier reads them all (the threads the actor is in)."""
    return Receipt.objects.filter(
        user_id=actor.pk,
        read_at__isnull=True,
        message__in=selectors.messages(actor).filter(case=case),
    ).update(read_at=timezone.now())


def frequency(user: Actor) -> str:
    """The user's e-mail wish; no query when it was read with him (select_related)."""
    # A missing row raises RelatedObjectDoesNotExist, an AttributeError: getattr's default.
    preference: Preference | None = getattr(user, "message_preference", None)
    return preference.email if preference is not None else Frequency.DAILY.value


@transaction.atomic
def set_frequency(*, actor: Actor, email: str) -> Preference:
    if email not in {f.value for f in Frequency}:
        raise fail("email", "invalid_choice")
    preference, _created = Preference.objects.update_or_create(
        user_id=actor.pk, defaults={"email": email}
    )
    return preference


def _notify(user: User, count: int) -> bool:
    """An e-mail that only says there is something new, with a link: no names, no content."""
    from hersteld.core.tasks import send_email_after_commit

    if not user.email:
        return False
    link = settings.BASE_URL.rstrip("/") + reverse("messaging:inbox")
    with override(settings.LANGUAGE_CODE):
        subject = _("Hersteld: there is something new for you")
        body = ngettext(
            "There is %(count)d new message for you in Hersteld.\n\nLog in to read it: %(link)s\n",
            "There are %(count)d new messages for you in Hersteld.\n\nLog in to read them: %(link)s\n",
            count,
        ) % {"count": count, "link": link}
    send_email_after_commit(subject, body, [user.email])
    return True


def send_digests() -> int:
    """One e-mail per user who wants a daily digest and has unread, un-mailed messages."""
    sent = 0
    pending = Receipt.objects.filter(read_at__isnull=True, emailed_at__isnull=True)
    users = (
        User.objects.filter(pk__in=pending.values("user_id"), is_active=True)
        .select_related("message_preference")
        .order_by("id")
    )
    for user in users:
        if frequency(user) != Frequency.DAILY:
            continue
        mine = pending.filter(user=user)
        with transaction.atomic():
            if _notify(user, mine.count()):
                sent += 1
            mine.update(emailed_at=timezone.now())
    return sent


def daily_step(today: dt.date | None, report: Report) -> dict[str, int]:
    """The messaging part of the daily job."""
    report("Message digests", 0, 1)
    sent = send_digests()
    report("Message digests", 1, 1)
    return {"message digests": sent}
