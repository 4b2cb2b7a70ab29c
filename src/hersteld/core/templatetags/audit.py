"""Show audited values to people: the history rows are formatted by core.display."""

from __future__ import annotations

from typing import Any

from django import template

from hersteld.core.display import format_value

register = template.Library()


@register.filter
def audit_value(value: Any) -> str:
    """Yes/no as Ja/Nee, a dash for empty, dates and numbers in Dutch format."""
    return format_value(value)
