"""The operator's list of holiday decree days (docs/rules/day-arithmetic.md), audited like the tenant settings."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from hersteld.core.admin import admin_actor
from hersteld.core.audit import diff, record_change, snapshot
from hersteld.core.models import AuditAction
from hersteld.poortwachter.models import HolidayDecree
from hersteld.poortwachter.services import resync_around
from hersteld.poortwachter.workdays import builtin_decrees


@admin.register(HolidayDecree)
class HolidayDecreeAdmin(admin.ModelAdmin):
    """Days the built-in list lacks; a change recomputes the 42nd-week reports near it."""

    list_display = ("day", "description", "created_at")
    ordering = ("-day",)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        builtin = ", ".join(day.isoformat() for day in sorted(builtin_decrees()))
        extra_context = {
            **(extra_context or {}),
            "subtitle": _("Built in: %(days)s") % {"days": builtin},
        }
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: HolidayDecree, form: Any, change: bool) -> None:
        fields = HolidayDecree.AUDITED
        old = HolidayDecree.objects.get(pk=obj.pk) if change else None
        before = snapshot(old, fields) if old else {}
        super().save_model(request, obj, form, change)
        for day in {obj.day, *([old.day] if old else [])}:
            resync_around(day)
        changes = diff(before, snapshot(obj, fields))
        if changes:
            record_change(
                actor=admin_actor(request),
                action=AuditAction.UPDATE if change else AuditAction.CREATE,
                obj=obj,
                changes=changes,
            )

    def delete_model(self, request: HttpRequest, obj: HolidayDecree) -> None:
        changes = diff(snapshot(obj, HolidayDecree.AUDITED), {})
        record_change(
            actor=admin_actor(request), action=AuditAction.DELETE, obj=obj, changes=changes
        )
        super().delete_model(request, obj)
        resync_around(obj.day)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
