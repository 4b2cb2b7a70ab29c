from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hersteld.core.actor import Actor
from hersteld.core.models import AccessEvent, AuditEvent


def admin_actor(request: HttpRequest) -> Actor:
    """Django admin serves signed-in staff only: the user acting there, for the audit trail."""
    user = request.user
    assert user.is_authenticated
    return user


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # serves several models
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_name", "action", "object_type", "object_id", "channel")
    list_filter = ("action", "object_type", "channel")


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_name", "object_type", "object_id", "channel")
