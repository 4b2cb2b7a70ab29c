"""Show audit changes to people: field labels instead of column names, yes/no instead of True/False."""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def field_label(event: Any, name: str) -> str:
    try:
        model = apps.get_model(event.object_type)
        return str(capfirst(model._meta.get_field(name).verbose_name))
    except (LookupError, ValueError, FieldDoesNotExist):
        return name


@register.filter
def audit_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)
