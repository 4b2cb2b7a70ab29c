"""A text longer than its column is a rule violation with the field and the limit.

PostgreSQL refuses such a value with a database error (a 500), SQLite stores it anyway;
neither is what a person should see. Every save of a Hersteld model is checked here
(connected in CoreConfig.ready), so the API answers 422 and a portal form shows the
field's error, whichever service or form let the value through.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from hersteld.core.validation import Problems


def refuse_overlong_text(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """pre_save receiver: `too_long` for each text field whose value exceeds max_length."""
    if kwargs.get("raw") or not sender.__module__.startswith("hersteld."):
        return
    problems = Problems()
    for field in sender._meta.concrete_fields:
        limit = getattr(field, "max_length", None)
        if not limit or not isinstance(field, models.CharField):
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str) and len(value) > limit:
            problems.add(field.name, "too_long", limit=limit)
    problems.raise_if_any()
