"""Who viewed a person's file (B3): the access events about one employee, told for people.

Only reads. Which employee a reader may ask about is decided by the caller (the people app,
through its own `restrict()`); this module turns the rows into lines a person understands:
who by name and role (never a user id), when, what, through which channel, for what purpose,
and whether it was a medical read.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hersteld.core.models import AccessEvent
from hersteld.core.selectors import CHANNELS

# Reads of the medical file, or of the medical thread: marked in the log the employee sees.
MEDICAL_PURPOSES = frozenset({"medical", "messages:medical"})
MEDICAL_OBJECT_TYPES = frozenset({"absence.medicalnote"})

PURPOSES: dict[str, Any] = {
    "view": _("viewed"),
    "medical": _("read the medical file"),
    "messages:case": _("read the messages"),
    "messages:medical": _("read the medical messages"),
    "attachment": _("downloaded an attachment"),
    "export": _("exported the file (GDPR access request)"),
}


@dataclass(frozen=True)
class AccessLine:
    at: dt.datetime
    who: str
    role: str
    what: str
    channel: str
    purpose: str
    medical: bool


def events_about(
    employee_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[AccessEvent]:
    """Every access event about the employee, newest first, within [start, end] if given."""
    queryset = AccessEvent.objects.filter(employee_id=employee_id)
    zone = timezone.get_current_timezone()
    if start is not None:
        queryset = queryset.filter(
            created_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=zone)
        )
    if end is not None:
        queryset = queryset.filter(
            created_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        )
    return queryset.select_related("actor").order_by("-created_at", "-id")


def _what(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


@functools.cache
def _role_labels(user_model: str) -> dict[str, Any]:
    """The role field's labels (lazy, translated when shown), looked up once: the model's
    `get_role_display` rebuilds its choices on every call, a third of a page's time."""
    return dict(apps.get_model(user_model)._meta.get_field("role").flatchoices)


def describe(event: AccessEvent) -> AccessLine:
    actor: Any = event.actor
    if actor is not None:
        who = actor.get_full_name() or actor.get_username()
        role = str(_role_labels(actor._meta.label_lower).get(actor.role, actor.role))
    else:  # a removed user, a coupling or the system: the name the row kept
        who, role = event.actor_name or str(_("system")), ""
    return AccessLine(
        at=event.created_at,
        who=who,
        role=role,
        what=_what(event.object_type),
        channel=str(CHANNELS.get(event.channel, event.channel)),
        purpose=str(PURPOSES.get(event.purpose, event.purpose)),
        medical=event.purpose in MEDICAL_PURPOSES or event.object_type in MEDICAL_OBJECT_TYPES,
    )


class DescribedEvents:
    """Access events told as `AccessLine`s, one page at a time (for the API's pagination)."""

    def __init__(self, events: QuerySet[AccessEvent]) -> None:
        self.events = events

    def all(self) -> DescribedEvents:
        return self

    def count(self) -> int:
        return self.events.count()

    def none(self) -> list[AccessLine]:
        return []

    def __getitem__(self, page: slice) -> list[AccessLine]:
        return [describe(event) for event in self.events[page]]
