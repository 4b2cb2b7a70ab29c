"""`{{ value|show:"money" }}`: every value a page shows goes through core.display."""

from __future__ import annotations

from typing import Any

from django import template

from hersteld.core.display import AUTO, format_value

register = template.Library()


@register.filter
def show(value: Any, kind: str = AUTO) -> str:
    """Dutch format by kind: date, datetime, number, hours, percent, money, bool (or auto)."""
    return format_value(value, kind)
