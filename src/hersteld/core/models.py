"""Audit trail: append-only change and access events (NEN 7513)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hersteld.core.restrict import RestrictedQuerySet, ScopedModel, ScopePaths


class AppendOnlyError(RuntimeError):
    """Audit rows are never changed or removed."""


class AppendOnlyQuerySet(RestrictedQuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit rows cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit rows cannot be deleted")


class AppendOnlyModel(ScopedModel):
    objects: ClassVar[AppendOnlyQuerySet] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit rows cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit rows cannot be deleted")


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    END = "end", _("ended")
    DELETE = "delete", _("removed")
    GRANT = "grant", _("right granted")
    REVOKE = "revoke", _("right revoked")
    LOGIN = "login", _("logged in")
    TOKEN = "token", _("API token")
    MFA = "mfa", _("two-factor authentication")
    EXPORT = "export", _("exported (GDPR access request)")
    # Retention replaced the person's data by neutral values (never the old ones in changes).
    ANONYMISE = "anonymise", _("anonymised")


class Event(AppendOnlyModel):
    """What every audit row shares: whose data (tenant, employer, employee), who, when, from where."""

    scope_paths = ScopePaths(
        arbodienst="arbodienst", employer="employer", employee="employee", department=None
    )

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The log names rows without database constraints (db_constraint=False, indexes kept): a
    # log row must never block, nor be changed by, what happens to the row it names, and the
    # bulk import writes two per employee without a deferred check each at commit (ADR 0024).
    # The tenant and the employee have no index of their own: the composite indexes of the
    # subclasses start with them and serve the same look-ups, one index less to write each.
    arbodienst = models.ForeignKey(
        "organisations.Arbodienst",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    employer = models.ForeignKey(
        "organisations.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    employee = models.ForeignKey(
        "people.Employee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(max_length=150, blank=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=8, blank=True)
    # The hash chain (hersteld.core.chain): empty until the row is sealed after its commit.
    seal_seq = models.BigIntegerField(null=True, blank=True, editable=False)
    seal_prev = models.CharField(max_length=64, blank=True, editable=False)
    seal_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class AuditEvent(Event):
    """One write: who changed what, before and after; written in the write's own transaction."""

    action = models.CharField(max_length=16, choices=AuditAction.choices)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta(Event.Meta):
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["employee", "created_at"]),
            models.Index(fields=["arbodienst", "seal_seq"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"
        )


class AccessEvent(Event):
    """One read of a person's page or record (UI or API): who looked, at what, when, from where."""

    purpose = models.CharField(max_length=64, blank=True)

    class Meta(Event.Meta):
        indexes = [
            models.Index(fields=["employee", "created_at"]),
            models.Index(fields=["arbodienst", "seal_seq"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} viewed {self.object_type}"


class ChainCheckpoint(models.Model):
    """Where a tenant's log chain starts after the retention job pruned its oldest rows.

    `seq` and `seal_hash` are those of the last removed row: `hersteld verify-log` then
    expects the first remaining row to follow on exactly, so a row removed outside the job
    still shows (docs/adr/0022-retention.md). Only ever added to; the latest one counts.
    """

    table = models.CharField(max_length=64)
    arbodienst = models.ForeignKey(
        "organisations.Arbodienst",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    seq = models.BigIntegerField()
    seal_hash = models.CharField(max_length=64)
    removed = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["table", "arbodienst", "-seq"]
        indexes = [models.Index(fields=["table", "arbodienst", "seq"])]

    def __str__(self) -> str:
        return f"{self.table} {self.arbodienst_id} pruned to {self.seq}"


class RetentionRun(models.Model):
    """One run of the retention job: when, as of which day, over which tenant (None: all)."""

    arbodienst = models.ForeignKey(
        "organisations.Arbodienst",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d}"


class RetentionLine(models.Model):
    """What one run removed: a category, an employer and a number; never who (no personal data)."""

    run = models.ForeignKey(RetentionRun, on_delete=models.CASCADE, related_name="lines")
    arbodienst = models.ForeignKey(
        "organisations.Arbodienst",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    employer = models.ForeignKey(
        "organisations.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=32)
    count = models.PositiveIntegerField(_("number of records"))

    class Meta:
        ordering = ["run", "category", "employer", "id"]
        verbose_name = _("retention report line")
        verbose_name_plural = _("retention report lines")

    def __str__(self) -> str:
        return f"{self.category} {self.count}"
