from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hersteld.core.admin import admin_actor
from hersteld.core.audit import diff, record_change, snapshot
from hersteld.core.models import AuditAction
from hersteld.organisations.models import Arbodienst

AUDITED_SETTINGS = (
    "name",
    "slug",
    "report_week",
    "evaluation_interval_days",
    "wia_letter_week",
    "consult_planning_week",
    "signal_days",
)


@admin.register(Arbodienst)
class ArbodienstAdmin(admin.ModelAdmin):
    """Operators create tenants here; everything inside a tenant goes through the portal."""

    list_display = ("name", "slug", "created_at")
    prepopulated_fields = {"slug": ("name",)}
    # The retention terms are the arbodienst's own, set in the portal within the law's bounds.
    exclude = Arbodienst.RETENTION_FIELDS

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a tenant with data is ended, never deleted here

    def save_model(self, request: HttpRequest, obj: Arbodienst, form: Any, change: bool) -> None:
        before = snapshot(Arbodienst.objects.get(pk=obj.pk), AUDITED_SETTINGS) if change else {}
        super().save_model(request, obj, form, change)
        changes = diff(before, snapshot(obj, AUDITED_SETTINGS))
        if changes:
            record_change(
                actor=admin_actor(request),
                action=AuditAction.UPDATE if change else AuditAction.CREATE,
                obj=obj,
                changes=changes,
            )
