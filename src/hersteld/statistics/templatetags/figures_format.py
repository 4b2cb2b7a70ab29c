"""How a figure reads on the page: two decimals in the user's locale, "—" when withheld."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value: object, decimals: int = 2) -> str:
    """None (no figure, or withheld) is "—"; a float gets fixed decimals; a count stays whole."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return number_format(value, decimal_pos=decimals, use_l10n=True)
    return str(value)
