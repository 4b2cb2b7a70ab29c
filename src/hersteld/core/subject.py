"""Helpers for the receivers of `signals.subject_records` (the GDPR export): rows and labels.

Each app turns its own records about a person into JSON-safe rows with these, so every file
of the export reads alike: the row's id first, references as ids, dates in ISO.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.text import capfirst

from hersteld.core.actor import Actor
from hersteld.core.audit import snapshot


def rows(objects: Iterable[models.Model], fields: Iterable[str]) -> list[dict[str, Any]]:
    """One dict per object: its id, then the fields as the audit trail stores them; a field
    with choices also as `<name>_display`, the label a person reads (in the active language)."""
    names = tuple(fields)
    out = []
    for obj in objects:
        row: dict[str, Any] = {"id": obj.pk, **snapshot(obj, names)}
        for name in names:
            field = obj._meta.get_field(name)
            if getattr(field, "choices", None):
                row[f"{name}_display"] = str(getattr(obj, f"get_{name}_display")())
        out.append(row)
    return out


def columns(
    model: type[models.Model], names: Iterable[str], labels: dict[str, Any] | None = None
) -> tuple[tuple[str, str], ...]:
    """(name, label) of fields for the PDF summary: the label given in `labels`, else the
    field's own (translated) verbose name (of `kind` for `kind_display`)."""
    given = labels or {}
    out = []
    for name in names:
        field = model._meta.get_field(name.removesuffix("_display"))
        label = given.get(name) or getattr(field, "verbose_name", name)
        out.append((name, str(capfirst(label))))
    return tuple(out)


def hidden_fields(model: type[models.Model], requester: Actor) -> frozenset[str]:
    """The model's RESTRICTED_FIELDS the requester may not see (as on every page)."""
    restricted: dict[str, str] = getattr(model, "RESTRICTED_FIELDS", {})
    return frozenset(
        name for name, perm in restricted.items() if not requester.has_perm_anywhere(perm)
    )
