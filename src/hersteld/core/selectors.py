"""Reads of the audit trail for history tabs, through `restrict`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Func, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from hersteld.core.actor import Actor
from hersteld.core.audit import field_label
from hersteld.core.display import DATE, PERCENT, TEXT, format_value, kind_of_field
from hersteld.core.models import AuditEvent

# Object types whose mere existence is medical data: only users with medical.view see them.
# Consult notes, report drafts and open-spreekuur consults (docs/rules/consults.md) too.
MEDICAL_OBJECT_TYPES = (
    "absence.medicalnote",
    "consults.consultnote",
    "consults.report",
    "consults.confidentialconsult",
    "consults.informationrequest",
)


# A message of the medical thread (docs/rules/messages.md): the employer may not even learn
# that it exists, so its audit row is as medical as the message.
MEDICAL_ROWS = Q(object_type__in=MEDICAL_OBJECT_TYPES) | Q(
    object_type="messaging.message", changes__thread__1="medical"
)


# The employer's side (its users and the employee): they never see the audit row of a
# GDPR export (docs/rules/privacy.md).
EMPLOYER_SIDE = frozenset({"employer_user", "employee"})

# A legal hold is the arbodienst's own matter (docs/rules/privacy.md, "Legal hold"): the
# employer's side learns neither that one was set nor why, in history or in the change feed.
STAFF_ONLY_FIELDS = frozenset({"hold_since", "hold_reason"})


def hidden_fields(restricted: Mapping[str, str], user: Actor) -> set[str]:
    """The field names the user may not see: a model's RESTRICTED_FIELDS (name -> permission)
    he lacks, and on the employer's side the legal hold."""
    hidden = {name for name, perm in restricted.items() if not user.has_perm_anywhere(perm)}
    if getattr(user, "role", "") in EMPLOYER_SIDE:
        hidden |= STAFF_ONLY_FIELDS
    return hidden


class _Without(Func):
    """A JSON object without some of its keys (PostgreSQL `-`, SQLite `json_remove`)."""

    output_field = models.JSONField()

    def __init__(self, expression: str, keys: Iterable[str]) -> None:
        self.keys = sorted(keys)
        super().__init__(expression)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} - %s::text[])", (*params, self.keys)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        sql, params = compiler.compile(self.source_expressions[0])
        paths = ", ".join(["%s"] * len(self.keys))
        return f"json_remove({sql}, {paths})", (*params, *(f'$."{key}"' for key in self.keys))


@lru_cache(maxsize=1)
def _models_with_hidden_fields() -> tuple[tuple[str, frozenset[str], dict[str, str]], ...]:
    """(label, field names, RESTRICTED_FIELDS) of each model that may hide a field: the same
    for every request, so walked once rather than on every history page."""
    out = []
    for model in apps.get_models():
        names = frozenset(field.name for field in model._meta.get_fields())
        restricted = getattr(model, "RESTRICTED_FIELDS", {})
        if restricted or names & STAFF_ONLY_FIELDS:
            out.append((model._meta.label_lower, names, restricted))
    return tuple(out)


@lru_cache(maxsize=1)
def _models_with_restricted_kinds() -> tuple[type[models.Model], ...]:
    return tuple(m for m in apps.get_models() if getattr(m, "RESTRICTED_KINDS", None))


def _hidden_by_type(user: Actor) -> dict[str, set[str]]:
    """Per audited model (its label), the fields of it the user may not see."""
    out = {}
    for label, names, restricted in _models_with_hidden_fields():
        hidden = hidden_fields(restricted, user) & names
        if hidden:
            out[label] = hidden
    return out


def _unreadable_kinds(user: Actor) -> list[tuple[str, QuerySet[Any]]]:
    """Per model that declares RESTRICTED_KINDS (field, {value: permission}), the ids (as
    the audit trail stores them, text) of its rows of a kind the user may not read."""
    out = []
    for model in _models_with_restricted_kinds():
        field, kinds = model.RESTRICTED_KINDS  # type: ignore[attr-defined]
        closed = sorted(kind for kind, perm in kinds.items() if not user.has_perm_anywhere(perm))
        if closed:
            ids = (
                model._default_manager.filter(**{f"{field}__in": closed})
                .annotate(text_id=Cast("pk", models.CharField()))
                .values("text_id")
            )
            out.append((model._meta.label_lower, ids))
    return out


def audit_events(user: Actor) -> QuerySet[AuditEvent]:
    """Audit rows in the user's scope; rows about the medical file only with medical.view.

    A row that changed only fields the user may not see is left out here, in the query, so a
    page's count does not tell that it exists either; `describe` strips those fields from
    the rows that changed others too."""
    qs = AuditEvent.objects.restrict(user, "audit.view")
    if not user.has_perm_anywhere("medical.view"):
        qs = qs.exclude(MEDICAL_ROWS)
    if getattr(user, "role", "") in EMPLOYER_SIDE:
        # Whether an employee asked the arbodienst for his data is not the employer's business.
        qs = qs.exclude(action="export")
    for label, ids in _unreadable_kinds(user):
        # A document of a type the user may not read answers 404; its rows would tell it exists.
        qs = qs.exclude(object_type=label, object_id__in=ids)
    for number, (label, hidden) in enumerate(sorted(_hidden_by_type(user).items())):
        rest = f"shown_changes_{number}"
        qs = qs.alias(**{rest: _Without("changes", hidden)}).exclude(
            Q(object_type=label) & ~Q(changes={}) & Q(**{rest: {}})
        )
    return qs


def history_for_employee(user: Actor, employee: Any) -> QuerySet[AuditEvent]:
    """Every change of the employee, his employments and his cases, newest first."""
    return audit_events(user).filter(employee_id=employee.pk).order_by("-created_at", "-id")


def history_for_object(user: Actor, obj: Any) -> QuerySet[AuditEvent]:
    return (
        audit_events(user)
        .filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("-created_at", "-id")
    )


CHANNELS = {"ui": _("portal"), "api": _("API"), "cli": _("command line"), "system": _("system")}


def _field(event: AuditEvent, name: str) -> Any:
    try:
        return apps.get_model(event.object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def _one_line(value: Any) -> Any:
    """A list (the names of the medical fields written) or a dict (a document's fields) as
    one line of text; any other value as it is."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {item}" for key, item in value.items() if item not in (None, ""))
    return value


def _hidden_fields(event: AuditEvent, user: Actor) -> set[str]:
    """Fields of this event's model the user may not see."""
    try:
        restricted = getattr(apps.get_model(event.object_type), "RESTRICTED_FIELDS", {})
    except (LookupError, ValueError):
        restricted = {}
    return hidden_fields(restricted, user)


# A recovery's name was stored with its percentage as Python wrote it ("50.00% 09-02-2026").
_STORED_PERCENTAGE = re.compile(r"^(\d+(?:\.\d+)?)%")


def _percentage(match: re.Match[str]) -> str:
    return format_value(match.group(1), PERCENT)


def _reason(reason: str) -> str:
    """A change of terms stores "valid_from=<ISO date>" as its reason; people read a sentence."""
    prefix = "valid_from="
    if reason.startswith(prefix):
        shown = format_value(reason.removeprefix(prefix), DATE)
        return str(_("effective from %(date)s") % {"date": shown})
    return reason


def describe(events: Iterable[AuditEvent], *, user: Actor) -> list[AuditEvent]:
    """Give each event `rows` of (label, before, after) as a person reads them.

    The stored strings are formatted by the field's kind (core.display: dates dd-mm-jjjj,
    money, percentages, hours, Ja/Nee); choices show their label and references their
    name; referenced objects are fetched with one query per model for the whole page, so a
    history page keeps a fixed number of queries.
    """
    events = list(events)
    shown: list[AuditEvent] = []
    for event in events:
        hidden = _hidden_fields(event, user)
        if hidden and event.changes:
            event.changes = {k: v for k, v in event.changes.items() if k not in hidden}
            if not event.changes:
                continue  # only hidden fields changed: the row (and its reason) would tell
        shown.append(event)
    events = shown
    wanted: dict[type[models.Model], set[Any]] = {}
    for event in events:
        for name, values in event.changes.items():
            field = _field(event, name)
            if field is not None and field.is_relation and field.related_model is not None:
                wanted.setdefault(field.related_model, set()).update(
                    v for v in values if v is not None
                )
    names: dict[type[models.Model], dict[Any, str]] = {
        model: {pk: str(obj) for pk, obj in model._default_manager.in_bulk(ids).items()}
        for model, ids in wanted.items()
    }
    for event in events:
        rows = []
        for name, values in event.changes.items():
            # A row that stored a bare value (documents' medical writes before 2026-12-02)
            # reads as its "after".
            pair = isinstance(values, list) and len(values) == 2
            before, after = (_one_line(v) for v in (values if pair else (None, values)))
            field = _field(event, name)
            lookup: dict[Any, Any] = {}
            kind = TEXT
            if field is not None and field.is_relation:
                lookup = names.get(field.related_model, {})
            elif field is not None and field.choices:
                lookup = dict(field.flatchoices)
            else:
                kind = kind_of_field(field)
            rows.append(
                (
                    field_label(event, name),
                    format_value(lookup.get(before, before), kind),
                    format_value(lookup.get(after, after), kind),
                )
            )
        event.rows = rows  # type: ignore[attr-defined]
        event.reason = _reason(event.reason)
        if event.object_type == "absence.recovery":
            event.object_repr = _STORED_PERCENTAGE.sub(_percentage, event.object_repr)
        event.channel_label = CHANNELS.get(event.channel, event.channel)  # type: ignore[attr-defined]
    return events
