"""Data exchange (X1-X9): couplings, the durable inbox, review tasks, outbox, change feed, imports."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hersteld.core.restrict import RestrictedQuerySet, ScopedModel, ScopePaths

EMPLOYER_PATHS = ScopePaths(arbodienst="employer__arbodienst", employer="employer")
COUPLING_PATHS = ScopePaths(
    arbodienst="coupling__employer__arbodienst", employer="coupling__employer"
)


class CouplingStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    CONFIGURED = "configured", _("configured")
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")


class CorrectionPolicy(models.TextChoices):
    MANUAL = "manual", _("review by a casemanager")
    AUTOMATIC = "automatic", _("apply automatically")


class Coupling(ScopedModel):
    """One employer's link with one source system (seed 000); only an active one accepts messages."""

    scope_paths = EMPLOYER_PATHS
    AUDITED = (
        "source_system",
        "employer_key",
        "connection_no",
        "status",
        "all_employments",
        "absence_reports",
        "salary",
        "bsn",
        "error_email",
        "correction_policy",
        "outbound_url",
        "outbound_employer_key",
        "outbound_connection_no",
        "vault",
    )

    employer = models.ForeignKey(
        "organisations.Employer",
        on_delete=models.PROTECT,
        related_name="couplings",
        verbose_name=_("employer"),
    )
    source_system = models.CharField(_("source system"), max_length=100)
    employer_key = models.CharField(
        _("employer key (IdWrkgvrArbdnst)"),
        max_length=40,
        help_text=_("How the source system identifies this employer in SIVI messages."),
    )
    connection_no = models.CharField(
        _("connection number (AansltnrGeguitwlngArbdnst)"), max_length=70, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CouplingStatus.choices, default=CouplingStatus.REQUESTED
    )
    all_employments = models.BooleanField(
        _("all employments"),
        default=True,
        help_text=_("Off: only employments of employees with an absence dossier."),
    )
    absence_reports = models.BooleanField(_("absence reports"), default=True)
    salary = models.BooleanField(_("salary data"), default=False)
    bsn = models.BooleanField(_("BSN"), default=False)
    error_email = models.EmailField(_("error-log e-mail address"), blank=True)
    correction_policy = models.CharField(
        _("corrections"),
        max_length=12,
        choices=CorrectionPolicy.choices,
        default=CorrectionPolicy.MANUAL,
    )
    vault = models.BooleanField(
        _("Datakluis"),
        default=False,
        help_text=_(
            "The employer sends its whole population; people without a care request stay "
            "pseudonymised until a sick report, pregnancy leave or preventive consult."
        ),
    )
    outbound_url = models.URLField(_("outbound target (URL)"), blank=True)
    outbound_employer_key = models.CharField(
        _("employer key at the target"), max_length=40, blank=True
    )
    outbound_connection_no = models.CharField(
        _("connection number at the target"), max_length=70, blank=True
    )
    outbound_secret = models.CharField(max_length=128, blank=True, editable=False)
    key_prefix = models.CharField(max_length=8, blank=True, editable=False)
    key_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    key_created_at = models.DateTimeField(null=True, blank=True, editable=False)
    activated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[RestrictedQuerySet[Coupling]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["employer__name", "source_system", "id"]
        verbose_name = _("coupling")
        verbose_name_plural = _("couplings")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "source_system"], name="coupling_one_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employer} - {self.source_system}"

    @property
    def arbodienst_id(self) -> int:
        return self.employer.arbodienst_id

    @property
    def is_active(self) -> bool:
        return self.status == CouplingStatus.ACTIVE


class BillableKind(models.TextChoices):
    SETUP = "setup", _("set-up")
    MESSAGE = "message", _("processed message")


class BillableItem(ScopedModel):
    """What the arbodienst invoices: the set-up and each processed message, counted per month."""

    scope_paths = COUPLING_PATHS

    coupling = models.ForeignKey(Coupling, on_delete=models.PROTECT, related_name="billables")
    kind = models.CharField(max_length=10, choices=BillableKind.choices)
    month = models.DateField(help_text="First day of the month")
    message = models.OneToOneField(
        "InboxMessage", null=True, blank=True, on_delete=models.PROTECT, related_name="billable"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[RestrictedQuerySet[BillableItem]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-month", "coupling", "kind"]
        indexes = [models.Index(fields=["coupling", "month"])]


class InboxStatus(models.TextChoices):
    RECEIVED = "received", _("received, waiting to be processed")
    PROCESSED = "processed", _("processed")
    HELD = "held", _("held: an earlier report of this absence is missing")
    REVIEW = "review", _("waiting for a decision (merge proposal)")
    REJECTED = "rejected", _("rejected: not a valid message")
    FAILED = "failed", _("failed: breaks a rule")
    DISMISSED = "dismissed", _("set aside without processing")


ERROR_STATUSES = (InboxStatus.REJECTED, InboxStatus.FAILED)


class InboxMessage(ScopedModel):
    """A message as received, stored before anything is applied (the durable inbox)."""

    scope_paths = COUPLING_PATHS

    coupling = models.ForeignKey(Coupling, on_delete=models.PROTECT, related_name="inbox")
    message_ref = models.CharField(_("message reference"), max_length=512)
    content_type = models.CharField(max_length=100)
    body = models.BinaryField()
    checksum = models.CharField(max_length=64)
    message_type = models.CharField(max_length=12, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InboxStatus.choices, default=InboxStatus.RECEIVED
    )
    errors = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    held_for = models.CharField(max_length=40, blank=True, db_index=True)
    # Datakluis: the body is encrypted with the vault key (people.vault.seal_bytes).
    body_sealed = models.BooleanField(default=False, editable=False)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[RestrictedQuerySet[InboxMessage]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        constraints = [
            models.UniqueConstraint(fields=["coupling", "message_ref"], name="inbox_ref_unique")
        ]
        indexes = [models.Index(fields=["coupling", "status"])]

    def __str__(self) -> str:
        return f"{self.message_ref} ({self.status})"


class KeyKind(models.TextChoices):
    EMPLOYEE = "employee", _("employee")
    EMPLOYMENT = "employment", _("employment")
    ABSENCE = "absence", _("absence")


class ExternalKey(models.Model):
    """How the employer's system names one of our objects (IdWrknmr, IdDnstvbnd, VrzmgvlId).

    `sequence` is the last report number applied to an absence; `source_time` the send time of
    the newest message applied to an employee, so an older message never overwrites newer state.
    """

    employer = models.ForeignKey(
        "organisations.Employer", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=KeyKind.choices)
    key = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    sequence = models.PositiveIntegerField(null=True, blank=True)
    source_time = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employer", "kind", "key"], name="external_key_unique")
        ]
        indexes = [models.Index(fields=["employer", "kind", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} -> {self.object_id}"


class ReviewKind(models.TextChoices):
    CORRECTION = "correction", _("correction of an absence")
    WITHDRAWAL = "withdrawal", _("withdrawal of an absence")
    MERGE = "merge", _("possible duplicate person")
    GAP = "gap", _("missing report")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("open")
    APPLIED = "applied", _("applied")
    REJECTED = "rejected", _("rejected")


class ReviewTask(ScopedModel):
    """A change a coupling proposes that a casemanager decides on (current and proposed values)."""

    scope_paths = ScopePaths(
        arbodienst="coupling__employer__arbodienst", employer="coupling__employer"
    )

    coupling = models.ForeignKey(Coupling, on_delete=models.PROTECT, related_name="reviews")
    message = models.ForeignKey(InboxMessage, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(_("kind"), max_length=12, choices=ReviewKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    case = models.ForeignKey(
        "absence.AbsenceCase", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey(
        "people.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    external_key = models.CharField(max_length=40, blank=True)
    current = models.JSONField(default=dict, blank=True)
    proposed = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects: ClassVar[RestrictedQuerySet[ReviewTask]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review task")
        verbose_name_plural = _("review tasks")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.status})"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed: gave up after retries")


class OutboxMessage(ScopedModel):
    """A message to send to a coupling's target, written in the transaction of the change."""

    scope_paths = COUPLING_PATHS

    coupling = models.ForeignKey(Coupling, on_delete=models.PROTECT, related_name="outbox")
    stream = models.PositiveSmallIntegerField()  # SIVI stream 1 (absence) or 2 (employee)
    message_ref = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=100, default="application/xml")
    body = models.BinaryField()
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[RestrictedQuerySet[OutboxMessage]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.message_ref} ({self.status})"


class FeedCounter(models.Model):
    """The last sequence number given to a change; locked while a transaction writes changes."""

    name = models.CharField(max_length=20, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Change(ScopedModel):
    """One entry of the change feed (X8): what changed, in commit order (`seq`)."""

    scope_paths = ScopePaths(
        arbodienst="arbodienst",
        employer="employer",
        department="department",
        employee="employee",
        sealed="employee__sealed",
    )

    seq = models.PositiveBigIntegerField(unique=True)
    # Without database constraints, as the audit log (ADR 0024): the feed records what
    # happened and is written in bulk by the import; the ORM still cascades on delete.
    arbodienst = models.ForeignKey(
        "organisations.Arbodienst", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    employer = models.ForeignKey(
        "organisations.Employer", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    department = models.ForeignKey(
        "organisations.Department",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    employee = models.ForeignKey(
        "people.Employee",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    object_type = models.CharField(max_length=32)
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=16)
    fields = models.JSONField(default=list, blank=True)
    occurred_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[RestrictedQuerySet[Change]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq} {self.action} {self.object_type} {self.object_id}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("stopped with an error")


class ImportRun(ScopedModel):
    """A bulk import of a population file (X9); `rows_done` makes it resumable."""

    scope_paths = EMPLOYER_PATHS

    employer = models.ForeignKey(
        "organisations.Employer", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    checksum = models.CharField(max_length=64, db_index=True)
    file_format = models.CharField(max_length=8)
    content = models.BinaryField(blank=True)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[RestrictedQuerySet[ImportRun]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"
