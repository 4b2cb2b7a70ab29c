"""Reads of messages, always through `restrict`: a message outside the reader's threads is not found."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from hersteld.absence.models import CASE_SCOPE, AbsenceCase
from hersteld.core import subject
from hersteld.core.actor import Actor
from hersteld.core.audit import record_access
from hersteld.core.restrict import Place, reaches
from hersteld.core.signals import SubjectRecords
from hersteld.messaging.models import Attachment, Message, Receipt
from hersteld.messaging.rules import PARTY_ROLES, Thread


def case_place(case: AbsenceCase) -> Place:
    """Where the dossier lies (one query): what a party's scope is matched against."""
    arbodienst_id, department_path = (
        AbsenceCase.objects.filter(pk=case.pk)
        .values_list("employer__arbodienst_id", "employment__department__path")
        .get()
    )
    return Place(
        arbodienst_id=arbodienst_id,
        employer_id=case.employer_id,
        department_path=department_path,
        employee_id=case.employee_id,
    )


def threads_at(user: Actor, case: AbsenceCase, place: Place) -> list[str]:
    """The threads of `case` (lying at `place`) that `user` takes part in (none for a
    non-party). No query once the user's grants are read, so that the recipients of a
    message are found in one pass (accounts.selectors.with_scopes)."""
    if user.role not in PARTY_ROLES:
        return []
    found = []
    if reaches(user, "absence.view", CASE_SCOPE, place):
        found.append(Thread.CASE.value)
    own_case = user.employee_id is not None and user.employee_id == case.employee_id
    if own_case or reaches(user, "medical.view", CASE_SCOPE, place):
        found.append(Thread.MEDICAL.value)
    return found


def threads_of(user: Actor, case: AbsenceCase) -> list[str]:
    """The threads of `case` that `user` takes part in (none for a non-party)."""
    if user.role not in PARTY_ROLES:
        return []
    return threads_at(user, case, case_place(case))


def messages(user: Actor) -> QuerySet[Message]:
    """Every message `user` may read: the dossier threads in scope, his medical threads."""
    if user.role not in PARTY_ROLES:
        return Message.objects.none()
    readable = Message.objects.restrict(user, "absence.view").filter(thread=Thread.CASE)
    medical = Message.objects.restrict(user, "medical.view").filter(thread=Thread.MEDICAL)
    if user.employee_id is not None:
        medical = medical | Message.objects.filter(
            thread=Thread.MEDICAL, employee_id=user.employee_id
        )
    return (readable | medical).order_by("-created_at", "-id")


def _with_details(queryset: QuerySet[Message]) -> QuerySet[Message]:
    return queryset.select_related("case", "employee").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.defer("data")),
        Prefetch("receipts", queryset=Receipt.objects.select_related("user").order_by("id")),
    )


def case_messages(user: Actor, case: AbsenceCase, thread: str | None = None) -> QuerySet[Message]:
    """The messages of one dossier, oldest first, as a conversation reads."""
    queryset = messages(user).filter(case=case)
    if thread is not None:
        queryset = queryset.filter(thread=thread)
    return _with_details(queryset).order_by("created_at", "id")


def message(user: Actor, pk: int) -> Message:
    found: Message = get_object_or_404(_with_details(messages(user)), pk=pk)
    return found


def inbox(user: Actor) -> QuerySet[Receipt]:
    """The user's received messages, unread first, newest first within each."""
    return (
        Receipt.objects.filter(user_id=user.pk, message__in=messages(user))
        .select_related("message", "message__employee", "message__case")
        .annotate(files=Count("message__attachments"))
        .annotate(
            unread_first=Case(
                When(read_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("unread_first", "-message__created_at", "-id")
    )


def unread_count(user: Actor) -> int:
    """One query on every portal page (the menu bar), so without the inbox's joins."""
    return Receipt.objects.filter(
        user_id=user.pk, read_at__isnull=True, message__in=messages(user)
    ).count()


def attachment(user: Actor, pk: int) -> Attachment:
    """A file of a message the user may read; each download is an access event."""
    found: Attachment = get_object_or_404(
        Attachment.objects.select_related("message"), pk=pk, message__in=messages(user)
    )
    record_access(actor=user, obj=found, purpose="attachment")
    return found


MESSAGE_FIELDS = ("case", "thread", "topic", "text", "author_name", "author_role", "created_at")


def subject_records(
    employee: Any, requester: Actor, medical: bool, **kwargs: Any
) -> list[SubjectRecords]:
    """Receiver of core.signals.subject_records: the messages of his dossiers as far as the
    requester takes part in them; the medical thread only with medical.view."""
    found = messages(requester).filter(employee_id=employee.pk)
    if not medical:
        found = found.filter(thread=Thread.CASE)
    found = found.prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.defer("data")),
        Prefetch("receipts", queryset=Receipt.objects.select_related("user").order_by("id")),
    ).order_by("created_at", "id")
    rows = []
    for item in found:
        row = subject.rows([item], MESSAGE_FIELDS)[0]
        row["attachments"] = [
            {"name": a.name, "content_type": a.content_type, "size": a.size}
            for a in item.attachments.all()
        ]
        row["read_by"] = [
            {"who": r.user.get_full_name() or r.user.get_username(), "read_at": r.read_at}
            for r in item.receipts.all()
            if r.read_at is not None
        ]
        rows.append(row)
    omitted: list[str] = [] if medical else ["*"]
    if requester.role not in PARTY_ROLES:
        omitted.append(str(_("every message: the requester takes no part in the messages")))
    return [
        SubjectRecords(
            name="messages",
            title=_("Messages"),
            rows=rows,
            columns=subject.columns(
                Message,
                ("created_at", "thread_display", "author_name", "topic", "text"),
                {"created_at": _("sent"), "author_name": _("from")},
            ),
            omitted=tuple(omitted),
        )
    ]
