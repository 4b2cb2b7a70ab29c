"""The operator's list of holiday decree days (rules.md 1), audited like the tenant settings."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hersteld.core.audit import diff, record_change, snapshot
from hersteld.core.models import AuditAction
from hersteld.poortwachter.models import HolidayDecree
from hersteld.poortwachter.workdays import builtin_decrees


@admin.register(HolidayDecree)
class HolidayDecreeAdmin(admin.ModelAdmin):
    """Days the built-in list lacks; a change moves the 42nd-week report of running cases."""

    list_display = ("day", "description", "created_at")
    ordering = ("-day",)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        builtin = ", ".join(day.isoformat() for day in sorted(builtin_decrees()))
        extra_context = {**(extra_context or {}), "subtitle": f"Built in: {builtin}"}
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: HolidayDecree, form: Any, change: bool) -> None:
        fields = HolidayDecree.AUDITED
        before = snapshot(HolidayDecree.objects.get(pk=obj.pk), fields) if change else {}
        super().save_model(request, obj, form, change)
        changes = diff(before, snapshot(obj, fields))
        if changes:
            record_change(
                actor=request.user,
                action=AuditAction.UPDATE if change else AuditAction.CREATE,
                obj=obj,
                changes=changes,
            )

    def delete_model(self, request: HttpRequest, obj: HolidayDecree) -> None:
        changes = diff(snapshot(obj, HolidayDecree.AUDITED), {})
        record_change(actor=request.user, action=AuditAction.DELETE, obj=obj, changes=changes)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
