from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hersteld.core.restrict import RestrictedQuerySet, ScopedModel, ScopePaths


class Arbodienst(ScopedModel):
    """The tenant: an occupational health service running the portal for its client employers."""

    scope_paths = ScopePaths(arbodienst="")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    # Poortwachter settings of this arbodienst (docs/rules/poortwachter.md: "configurable").
    report_week = models.PositiveSmallIntegerField(
        _("sick report to the arbodienst due by the end of week"), default=1
    )
    evaluation_interval_days = models.PositiveSmallIntegerField(
        _("days between evaluations of the plan van aanpak"), default=42
    )
    wia_letter_week = models.PositiveSmallIntegerField(
        _("week of the WIA letter of UWV"), default=88
    )
    consult_planning_week = models.PositiveSmallIntegerField(
        _("week in which the first consult is planned"), default=4
    )
    signal_days = models.PositiveSmallIntegerField(
        _("signal to-dos this many days before they are due"), default=7
    )
    # Retention terms in years (docs/rules/privacy.md, "Retention"; privacy.retention_rules).
    retention_administration = models.PositiveSmallIntegerField(
        _("absence administration: years after the employment ended"), default=2
    )
    retention_reintegration = models.PositiveSmallIntegerField(
        _("re-integration file: years after the case ended"), default=2
    )
    retention_erd_zw = models.PositiveSmallIntegerField(
        _("own risk Ziektewet (ERD-ZW): years after the case ended"), default=5
    )
    retention_erd_wga = models.PositiveSmallIntegerField(
        _("own risk WGA (ERD-WGA): years after the case ended"), default=10
    )
    retention_medical = models.PositiveSmallIntegerField(
        _("medical file: years after its last change"), default=20
    )
    retention_logs = models.PositiveSmallIntegerField(
        _("access and audit logs: years after the event"), default=5
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    RETENTION_FIELDS: ClassVar[tuple[str, ...]] = (
        "retention_administration",
        "retention_reintegration",
        "retention_erd_zw",
        "retention_erd_wga",
        "retention_medical",
        "retention_logs",
    )

    objects: ClassVar[RestrictedQuerySet[Arbodienst]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name"]
        verbose_name = _("arbodienst")
        verbose_name_plural = _("arbodiensten")

    def __str__(self) -> str:
        return self.name


class Employer(ScopedModel):
    """A client employer of one arbodienst."""

    scope_paths = ScopePaths(arbodienst="arbodienst", employer="")

    AUDITED = (
        "name",
        "kvk_number",
        "payroll_tax_number",
        "own_risk_wga",
        "own_risk_zw",
        "street",
        "house_number",
        "postcode",
        "city",
        "contact_name",
        "contact_email",
        "contact_phone",
        "fulltime_hours",
        "end_date",
    )

    arbodienst = models.ForeignKey(Arbodienst, on_delete=models.PROTECT, related_name="employers")
    name = models.CharField(_("name"), max_length=200)
    kvk_number = models.CharField(_("KvK number"), max_length=8)
    payroll_tax_number = models.CharField(_("loonheffingennummer"), max_length=12, blank=True)
    own_risk_wga = models.BooleanField(_("ERD WGA"), default=False)
    own_risk_zw = models.BooleanField(_("ERD ZW"), default=False)
    street = models.CharField(_("street"), max_length=120, blank=True)
    house_number = models.CharField(_("house number"), max_length=12, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    fulltime_hours = models.DecimalField(
        _("full-time working week (hours)"),
        max_digits=4,
        decimal_places=2,
        default=40,
        help_text=_("The part-time factor of the absence statistics is contract hours / this."),
    )
    end_date = models.DateField(_("client until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects: ClassVar[RestrictedQuerySet[Employer]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [
            models.UniqueConstraint(
                fields=["arbodienst", "kvk_number"], name="employer_kvk_unique_per_tenant"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Department(ScopedModel):
    """A department (bedrijfsonderdeel) in a tree of any depth under one employer.

    `path` is a materialised path of zero-padded ids ("000012.000034.") so a subtree
    is one `startswith` filter, on SQLite and PostgreSQL alike.
    """

    scope_paths = ScopePaths(arbodienst="employer__arbodienst", employer="employer", department="")

    AUDITED = ("code", "name", "parent", "end_date")

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="departments")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent department"),
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    end_date = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects: ClassVar[RestrictedQuerySet[Department]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["employer", "path"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "code"], name="department_code_unique_per_employer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def arbodienst_id(self) -> int:
        return self.employer.arbodienst_id
