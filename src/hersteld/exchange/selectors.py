"""Reads of the exchange, always through restrict()."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from hersteld.absence.models import AbsenceCase
from hersteld.core.actor import Actor
from hersteld.core.selectors import hidden_fields
from hersteld.core.signals import BillableRow
from hersteld.core.validation import fail
from hersteld.exchange.feed import FEED_TYPES
from hersteld.exchange.models import (
    ERROR_STATUSES,
    BillableItem,
    BillableKind,
    Change,
    Coupling,
    InboxMessage,
    OutboxMessage,
    OutboxStatus,
    ReviewStatus,
    ReviewTask,
)

MAX_CURSOR = 2**63 - 1
# Fields only some users may see, per feed object type (the models' RESTRICTED_FIELDS).
RESTRICTED_BY_TYPE = {"case": AbsenceCase.RESTRICTED_FIELDS}


# Meta.ordering is not applied to a query with GROUP BY (coupling_overview's aggregates), and
# a paginated list needs a stable order: every list here names its order explicitly.
COUPLING_ORDER = ("employer__name", "source_system", "id")


def couplings(user: Actor, action: str = "exchange.manage") -> QuerySet[Coupling]:
    return (
        Coupling.objects.restrict(user, action).select_related("employer").order_by(*COUPLING_ORDER)
    )


def coupling(user: Actor, coupling_id: int, action: str = "exchange.manage") -> Coupling:
    found = couplings(user, action).filter(pk=coupling_id).first()
    if found is None:
        raise Http404
    return found


def coupling_message(coupling: Coupling, message_id: int) -> InboxMessage:
    """A coupling reads its own messages only; another coupling's id does not exist."""
    found = InboxMessage.objects.filter(coupling=coupling, pk=message_id).first()
    if found is None:
        raise Http404
    return found


def messages(coupling: Coupling) -> QuerySet[InboxMessage]:
    return (
        InboxMessage.objects.filter(coupling=coupling).defer("body").order_by("-received_at", "-id")
    )


def error_log(user: Actor, coupling_id: int) -> tuple[Coupling, QuerySet[InboxMessage]]:
    """Rejected and failed messages; only with exchange.view_error_log ("Rapport CDES Fouten log")."""
    found = coupling(user, coupling_id, "exchange.view_error_log")
    rows = (
        InboxMessage.objects.restrict(user, "exchange.view_error_log")
        .filter(coupling=found, status__in=ERROR_STATUSES)
        .defer("body")
        .order_by("-received_at", "-id")
    )
    return found, rows


def outbox(coupling: Coupling) -> QuerySet[OutboxMessage]:
    return (
        OutboxMessage.objects.filter(coupling=coupling).defer("body").order_by("-created_at", "-id")
    )


def failed_outbox(coupling: Coupling) -> QuerySet[OutboxMessage]:
    return outbox(coupling).filter(status=OutboxStatus.FAILED).order_by("-created_at", "-id")


def billing(coupling: Coupling) -> list[dict[str, Any]]:
    """Billable items per month and kind, newest month first."""
    return list(
        BillableItem.objects.filter(coupling=coupling)
        .values("month", "kind")
        .annotate(count=Count("id"))
        .order_by("-month", "kind")
    )


# The coupling items on the consults bill: codes that cannot clash with the consults' kinds.
BILL_KINDS = {BillableKind.SETUP: "coupling_setup", BillableKind.MESSAGE: "coupling_message"}


def billable_rows(
    user: Actor, employer_id: int | None = None, month: dt.date | None = None, **rest: Any
) -> list[BillableRow]:
    """Receiver of core.signals.billable_items: the coupling items counted per employer,
    month and kind, of the employers `user` bills (`consults.billing`)."""
    labels = {
        BillableKind.SETUP: _("coupling set-up"),
        BillableKind.MESSAGE: _("coupling message processed"),
    }
    qs = BillableItem.objects.restrict(user, "consults.billing")
    if employer_id is not None:
        qs = qs.filter(coupling__employer_id=employer_id)
    if month is not None:
        qs = qs.filter(month=month)
    counted = (
        qs.values("coupling__employer_id", "coupling__employer__name", "month", "kind")
        .annotate(count=Count("id"))
        .order_by("month", "coupling__employer__name", "coupling__employer_id", "kind")
    )
    return [
        BillableRow(
            employer_id=row["coupling__employer_id"],
            employer_name=row["coupling__employer__name"],
            month=row["month"],
            kind=BILL_KINDS[row["kind"]],
            label=str(labels[row["kind"]]),
            number=row["count"],
        )
        for row in counted
    ]


# Functional administrators and the operator see no Datakluis person and no content of a
# Datakluis coupling's messages (seed 002); the coupling itself and its counts they do see.
VAULT_BLIND_ROLES = frozenset({"arbodienst_admin", "operator"})


def blind_to_vault(user: Actor) -> bool:
    return getattr(user, "role", None) in VAULT_BLIND_ROLES


def hides_content(user: Actor, coupling: Coupling) -> bool:
    """Whether the texts of this coupling's messages (error details) are hidden from `user`."""
    return coupling.vault and blind_to_vault(user)


def _reviews(user: Actor) -> QuerySet[ReviewTask]:
    rows = ReviewTask.objects.restrict(user, "exchange.review")
    if blind_to_vault(user):
        rows = rows.exclude(coupling__vault=True)
    return rows


def reviews(user: Actor, status: str = ReviewStatus.OPEN) -> QuerySet[ReviewTask]:
    """The queue, oldest first; who decided is joined (not the message's body) so that a
    page of any size costs the same queries in the portal and the API."""
    return (
        _reviews(user)
        .filter(status=status)
        .select_related("coupling__employer", "case", "employee", "message", "decided_by")
        .defer("message__body")
        .order_by("created_at", "id")
    )


def review(user: Actor, review_id: int) -> ReviewTask:
    row = (
        _reviews(user)
        .select_related(
            "coupling__employer", "case__employment__employee", "employee", "message", "decided_by"
        )
        .defer("message__body")
        .filter(pk=review_id)
        .first()
    )
    if row is None:
        raise Http404
    return row


def compared(review: ReviewTask) -> list[tuple[str, Any, Any]]:
    """(field, current, proposed) of a proposal, as the portal sets them side by side.

    `item` (the message's item number) is bookkeeping, not a value; a field the proposal
    leaves out stays as it is, so its proposed value is the current one. The portal page
    and the API show exactly these fields, nothing else of the review's JSON.
    """
    names = dict.fromkeys(n for n in (*review.current, *review.proposed) if n != "item")
    rows = []
    for name in names:
        current = review.current.get(name)
        rows.append((name, current, review.proposed.get(name, current)))
    return rows


def parse_cursor(raw: str) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= MAX_CURSOR:
        raise fail("cursor", "cursor_invalid")
    return value


def changes_after(user: Actor, cursor: int, limit: int) -> tuple[list[Change], int, bool]:
    """(changes, next cursor, more) after the cursor, in scope.

    Field names the user may not see are left out, and a change of only such fields is left out
    entirely (as on the history pages); the next cursor still passes it.
    """
    scanned = list(
        Change.objects.restrict(user, "people.view")
        .filter(seq__gt=cursor)
        .order_by("seq")[: limit + 1]
    )
    more = len(scanned) > limit
    scanned = scanned[:limit]
    hidden = {
        kind: hidden_fields(RESTRICTED_BY_TYPE.get(kind, {}), user) for kind in FEED_TYPES.values()
    }
    shown = []
    for row in scanned:
        secret = hidden.get(row.object_type, set())
        if secret and row.fields:
            fields = [name for name in row.fields if name not in secret]
            if not fields:
                continue
            row.fields = fields
        shown.append(row)
    return shown, (scanned[-1].seq if scanned else cursor), more


def coupling_overview(user: Actor, action: str) -> QuerySet[Coupling]:
    """Couplings with their number of unresolved errors and last message, in two aggregates."""
    return (
        couplings(user, action)
        .annotate(
            error_count=Count("inbox", filter=Q(inbox__status__in=ERROR_STATUSES), distinct=True),
            last_received=Max("inbox__received_at"),
        )
        .order_by(*COUPLING_ORDER)
    )
