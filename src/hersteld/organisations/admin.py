from django.contrib import admin

from hersteld.organisations.models import Arbodienst


@admin.register(Arbodienst)
class ArbodienstAdmin(admin.ModelAdmin):
    """Operators create tenants here; everything inside a tenant goes through the portal."""

    list_display = ("name", "slug", "created_at")
    prepopulated_fields = {"slug": ("name",)}
