"""Consults with the bedrijfsarts (P13): agenda, consults, notes, reports, billable items.

See docs/rules/consults.md. A consult of the open spreekuur (kind `employee_requested`) is
confidential: no employer user ever reads it; its audit rows go under a separate object
type that only medical readers see (`CONFIDENTIAL_TYPE`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from hersteld.core.restrict import RestrictedQuerySet, ScopedModel, ScopePaths
from hersteld.core.sms import SmsPurpose


class Kind(models.TextChoices):
    FIRST = "first", _("first consult")
    FOLLOW_UP = "follow_up", _("follow-up consult")
    PREVENTIVE = "preventive", _("preventive consult")
    EMPLOYEE_REQUESTED = (
        "employee_requested",
        _("open consultation hour (requested by the employee)"),
    )
    HOME_VISIT = "home_visit", _("home visit")


# Kinds without a report to the employer (the seed: "behalve een preventief consult").
NO_REPORT_KINDS = frozenset({Kind.PREVENTIVE, Kind.EMPLOYEE_REQUESTED})


class Method(models.TextChoices):
    LOCATION = "location", _("on location")
    PHONE = "phone", _("by phone")
    ONLINE = "online", _("online (video)")


class Status(models.TextChoices):
    REQUESTED = "requested", _("requested")
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")
    NO_SHOW = "no_show", _("no-show")


# The statuses that hold a place in the practitioner's agenda (the exclusion constraint's
# condition in migration 0001 repeats this list).
BOOKED = (Status.PLANNED, Status.HELD, Status.NO_SHOW)


class Party(models.TextChoices):
    EMPLOYEE = "employee", _("employee")
    EMPLOYER = "employer", _("employer")
    ARBODIENST = "arbodienst", _("arbodienst")


class Timing(models.TextChoices):
    ON_TIME = "on_time", _("on time")
    LATE = "late", _("late")


class AgendaSettings(ScopedModel):
    """The agenda settings of one arbodienst; without a row the defaults apply."""

    scope_paths = ScopePaths(arbodienst="arbodienst")
    AUDITED = (
        "cancel_hours",
        "sms_days_before",
        "minutes_first",
        "minutes_follow_up",
        "minutes_preventive",
        "minutes_employee_requested",
        "minutes_home_visit",
        "location_measures",
    )

    arbodienst = models.OneToOneField(
        "organisations.Arbodienst", on_delete=models.CASCADE, related_name="agenda_settings"
    )
    cancel_hours = models.PositiveSmallIntegerField(
        _("the employer cancels up to this many hours before a consult"), default=48
    )
    sms_days_before = models.PositiveSmallIntegerField(
        _("SMS reminder this many days before a first consult"), default=2
    )
    minutes_first = models.PositiveSmallIntegerField(_("minutes of a first consult"), default=45)
    minutes_follow_up = models.PositiveSmallIntegerField(
        _("minutes of a follow-up consult"), default=30
    )
    minutes_preventive = models.PositiveSmallIntegerField(
        _("minutes of a preventive consult"), default=30
    )
    minutes_employee_requested = models.PositiveSmallIntegerField(
        _("minutes of an open-consultation-hour consult"), default=30
    )
    minutes_home_visit = models.PositiveSmallIntegerField(_("minutes of a home visit"), default=60)
    location_measures = models.TextField(
        _("measures in force on location (printed in the invitation)"), blank=True
    )

    objects: ClassVar[RestrictedQuerySet[AgendaSettings]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("agenda settings")
        verbose_name_plural = _("agenda settings")

    def __str__(self) -> str:
        return f"agenda {self.arbodienst_id}"

    def minutes(self, kind: str) -> int:
        return int(getattr(self, f"minutes_{kind}"))


class AvailabilityBlock(ScopedModel):
    """A stretch a practitioner can be booked: weekly (`weekday`) or once (`day`).

    A block is at a location (an address) or remote (phone and online consults)."""

    scope_paths = ScopePaths(arbodienst="arbodienst")
    AUDITED = ("practitioner", "weekday", "day", "start_time", "end_time", "location", "remote")

    arbodienst = models.ForeignKey(
        "organisations.Arbodienst", on_delete=models.CASCADE, related_name="+"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), null=True, blank=True, help_text=_("0 = Monday ... 6 = Sunday")
    )
    day = models.DateField(_("date (one-off)"), null=True, blank=True)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    location = models.CharField(_("location (address)"), max_length=200, blank=True)
    remote = models.BooleanField(_("remote (phone and online)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[RestrictedQuerySet[AvailabilityBlock]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["practitioner", "weekday", "day", "start_time", "id"]
        verbose_name = _("availability block")
        verbose_name_plural = _("availability blocks")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__isnull=False, day__isnull=True)
                | Q(weekday__isnull=True, day__isnull=False),
                name="block_weekly_or_once",
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="block_ends_after_start"
            ),
        ]

    @property
    def weekday_label(self) -> str:
        return str(WEEKDAYS[self.weekday]) if self.weekday is not None else ""

    def __str__(self) -> str:
        when = self.day.isoformat() if self.day else f"weekday {self.weekday}"
        return f"{when} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


CONSULT_SCOPE = ScopePaths(
    arbodienst="employer__arbodienst",
    employer="employer",
    department="employment__department",
    employee="employee",
)


class Consult(ScopedModel):
    """One appointment of an employee with a practitioner.

    A request of the open spreekuur starts as `requested` without practitioner and time;
    the arbodienst plans it. `ends_at` is stored so that the database can refuse an
    overlapping booking (an exclusion constraint on PostgreSQL, docs/adr/0020)."""

    scope_paths = CONSULT_SCOPE
    AUDITED = (
        "kind",
        "method",
        "status",
        "practitioner",
        "starts_at",
        "ends_at",
        "location",
        "outside_availability",
        "cancel_timing",
        "cancelled_by",
        "cancel_reason",
        "report_needed",
        "report_consent",
    )

    employer = models.ForeignKey(
        "organisations.Employer", on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="consults"
    )
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "absence.AbsenceCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consults",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consults_held",
        verbose_name=_("practitioner"),
    )
    starts_at = models.DateTimeField(_("start"), null=True, blank=True)
    ends_at = models.DateTimeField(_("end"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    outside_availability = models.BooleanField(_("planned outside availability"), default=False)
    question = models.TextField(_("question of the employee"), blank=True)
    cancel_timing = models.CharField(
        _("cancelled"), max_length=10, choices=Timing.choices, blank=True
    )
    cancelled_by = models.CharField(
        _("cancelled by"), max_length=10, choices=Party.choices, blank=True
    )
    cancel_reason = models.CharField(_("reason"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)  # held or no-show recorded
    report_needed = models.BooleanField(_("report needed"), default=False)
    report_consent = models.BooleanField(_("employee consents to the report"), default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects: ClassVar[RestrictedQuerySet[Consult]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("consult")
        verbose_name_plural = _("consults")
        indexes = [models.Index(fields=["practitioner", "starts_at"])]
        constraints = [
            # Everywhere (SQLite too): one booked consult per practitioner and start. The full
            # overlap rule is the PostgreSQL exclusion constraint of migration 0001.
            models.UniqueConstraint(
                fields=["practitioner", "starts_at"],
                condition=Q(status__in=["planned", "held", "no_show"]),
                name="consult_one_per_practitioner_start",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="consult_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.starts_at:%d-%m-%Y %H:%M}" if self.starts_at else "-"
        return f"{self.get_kind_display()} {when}"

    @property
    def arbodienst_id(self) -> int:
        return self.employer.arbodienst_id

    @property
    def confidential(self) -> bool:
        """An open-spreekuur consult: no employer user may learn it exists."""
        return self.kind == Kind.EMPLOYEE_REQUESTED

    @property
    def needs_report(self) -> bool:
        if self.kind == Kind.EMPLOYEE_REQUESTED:
            return self.report_needed and self.report_consent
        return self.kind not in NO_REPORT_KINDS


class ConfidentialConsult(Consult):
    """The same rows, named differently in the audit trail: readers without medical.view
    never see audit rows of this type (hersteld.core.selectors.MEDICAL_OBJECT_TYPES)."""

    class Meta:
        proxy = True
        verbose_name = _("open-consultation-hour consult")


CONFIDENTIAL_TYPE = "consults.confidentialconsult"


class ConsultChild(ScopedModel):
    """A row of a consult: it reaches the scope through the consult."""

    scope_paths = ScopePaths(
        arbodienst="consult__employer__arbodienst",
        employer="consult__employer",
        department="consult__employment__department",
        employee="consult__employee",
    )
    consult: Any

    class Meta:
        abstract = True

    @property
    def employer_id(self) -> int:
        return int(self.consult.employer_id)

    @property
    def employee_id(self) -> int:
        return int(self.consult.employee_id)

    @property
    def arbodienst_id(self) -> int:
        return int(self.consult.arbodienst_id)


class ConsultNote(ConsultChild):
    """A note of the practitioner: part of the medical file (medical.view only). Its audit
    row records that it was written, never its text (docs/rules/privacy.md)."""

    AUDITED = ("text",)

    consult = models.ForeignKey(Consult, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(_("consult note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[RestrictedQuerySet[ConsultNote]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("consult note")
        verbose_name_plural = _("consult notes")

    def __str__(self) -> str:
        return f"{self.author_name} {self.created_at:%d-%m-%Y}"


class YesNo(models.TextChoices):
    UNKNOWN = "", _("not stated")
    YES = "yes", _("yes")
    NO = "no", _("no")


# The report's free-text fields, in the order of the form; the medical-term guard reads them all.
REPORT_TEXT_FIELDS = (
    "text",
    "capabilities",
    "hours",
    "adjustments",
    "expected_duration",
    "advice",
    "next_appointment",
)


class Report(ConsultChild):
    """The report to the employer (terugkoppeling): functional, never medical.

    Drafted (by a POB or a medic), made final by a medic; from `released_at` employer and
    employee read the same text. A final version never changes: a correction is the next
    version. Seam for the UWV documents: a final report of a first consult can serve as
    the probleemanalyse, one of a later consult as actueel oordeel; the documents app may
    refer to a report version by id instead of copying it (docs/rules/consults.md)."""

    AUDITED = (
        "version",
        "status",
        *REPORT_TEXT_FIELDS,
        "medical_cause",
        "treatment_adequate",
        "released_at",
    )

    consult = models.ForeignKey(Consult, on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=10, choices=[("draft", _("draft")), ("final", _("final"))], default="draft"
    )
    text = models.TextField(_("summary"), blank=True)
    capabilities = models.TextField(_("functional limitations and capabilities"), blank=True)
    hours = models.CharField(_("hours and from when"), max_length=300, blank=True)
    adjustments = models.TextField(_("work adjustments"), blank=True)
    expected_duration = models.CharField(
        _("expected duration / prognosis"), max_length=300, blank=True
    )
    medical_cause = models.CharField(
        _("medical cause"), max_length=3, choices=YesNo.choices, blank=True
    )
    treatment_adequate = models.CharField(
        _("treatment adequate"), max_length=3, choices=YesNo.choices, blank=True
    )
    advice = models.TextField(_("advice"), blank=True)
    next_appointment = models.CharField(_("next appointment"), max_length=300, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[RestrictedQuerySet[Report]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["consult", "version"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["consult", "version"], name="one_report_per_version"),
            models.UniqueConstraint(
                fields=["consult"], condition=Q(status="draft"), name="one_draft_report"
            ),
        ]

    def __str__(self) -> str:
        return f"report {self.consult_id} v{self.version}"

    @property
    def is_final(self) -> bool:
        return self.status == "final"


class Notice(models.Model):
    """An in-portal message to one user about one consult, without content: e-mail and SMS
    carry only a link (docs/rules/consults.md)."""

    class Topic(models.TextChoices):
        INVITED = "invited", _("You are invited to a consult.")
        CANCELLED = "cancelled", _("A consult has been cancelled.")
        MOVED = "moved", _("A consult has been moved to another time.")
        NO_SHOW = "no_show", _("A consult was not attended (no-show).")
        REPORT = "report", _("A report of a consult is ready.")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consult_notices"
    )
    consult = models.ForeignKey(Consult, on_delete=models.CASCADE, related_name="notices")
    topic = models.CharField(max_length=10, choices=Topic.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.topic} {self.consult_id}"


class SmsConsent(ScopedModel):
    """The employee's consent to SMS for one purpose: given, and withdrawn at any time. At
    most one open consent per purpose; a new number closes the old consent and opens one."""

    scope_paths = ScopePaths(
        arbodienst="employee__employer__arbodienst",
        employer="employee__employer",
        department="employee__employments__department",
        department_many=True,
        employee="employee",
    )
    AUDITED = ("purpose", "phone", "given_at", "withdrawn_at")

    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(
        _("purpose"), max_length=10, choices=SmsPurpose.choices, default=SmsPurpose.REMINDERS
    )
    phone = models.CharField(_("mobile number"), max_length=20)
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[RestrictedQuerySet[SmsConsent]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_open_sms_consent_per_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"sms consent {self.employee_id} {self.purpose}"

    @property
    def employer_id(self) -> int:
        return int(self.employee.employer_id)

    @property
    def arbodienst_id(self) -> int:
        return int(self.employee.employer.arbodienst_id)


class SmsMessage(models.Model):
    """What the gateway was handed: one reminder per consult (the unique key keeps the
    daily job idempotent)."""

    consult = models.OneToOneField(Consult, on_delete=models.CASCADE, related_name="sms")
    phone = models.CharField(max_length=20)
    text = models.CharField(max_length=320)
    gateway = models.CharField(max_length=40)
    sent_at = models.DateTimeField(auto_now_add=True)
    error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"sms {self.consult_id}"


class BillableKind(models.TextChoices):
    NO_SHOW = "no_show", _("no-show")
    LATE_CANCELLATION = "late_cancellation", _("late cancellation")
    EMPLOYEE_REQUESTED = "employee_requested", _("open-consultation-hour consult")
    INFORMATION_REQUEST = "information_request", _("medical information request")


class BillableItem(ScopedModel):
    """One chargeable event for an employer in a month. An open-spreekuur item carries no
    consult and no employee: the bill shows only employer, month and count."""

    scope_paths = ScopePaths(arbodienst="employer__arbodienst", employer="employer")

    employer = models.ForeignKey(
        "organisations.Employer", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField()  # the first day of the month
    kind = models.CharField(max_length=20, choices=BillableKind.choices)
    consult = models.OneToOneField(
        Consult, null=True, blank=True, on_delete=models.PROTECT, related_name="billable"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[RestrictedQuerySet[BillableItem]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["month", "employer", "kind", "id"]
        indexes = [models.Index(fields=["employer", "month"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.month:%Y-%m}"

    @property
    def arbodienst_id(self) -> int:
        return int(self.employer.arbodienst_id)


class InformationRequest(ScopedModel):
    """A question of the bedrijfsarts to a treating physician (WGBO, KNMG code): only with
    the employee's prior consent for exactly this scope, physician and question; the answer
    is medical file. Withdrawn consent stops it; a sent request is billable."""

    scope_paths = ScopePaths(
        arbodienst="employer__arbodienst",
        employer="employer",
        department="employment__department",
        employee="employee",
    )
    AUDITED = ("scope", "physician", "question", "consent_at", "withdrawn_at", "answered_at")

    employer = models.ForeignKey(
        "organisations.Employer", on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="+")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("scope of the consent"), max_length=300)
    physician = models.CharField(_("treating physician"), max_length=200)
    question = models.TextField(_("question"))
    consent_at = models.DateTimeField(_("consent given"))
    withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[RestrictedQuerySet[InformationRequest]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"information request {self.pk}"

    @property
    def arbodienst_id(self) -> int:
        return int(self.employer.arbodienst_id)
