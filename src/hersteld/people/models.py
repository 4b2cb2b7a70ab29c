from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hersteld.core.restrict import RestrictedQuerySet, ScopedModel, ScopePaths


class Gender(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "V", _("female")
    OTHER = "O", _("other / unknown")


class NameUse(models.TextChoices):
    """How the person wants to be addressed (SIVI NmvrkrCd); 'own name' unless told otherwise."""

    OWN = "01", _("own name")
    PARTNER = "02", _("partner's name")
    PARTNER_OWN = "03", _("partner's name, then own name")
    OWN_PARTNER = "04", _("own name, then partner's name")


class MaritalStatus(models.TextChoices):
    UNMARRIED = "unmarried", _("unmarried")
    MARRIED = "married", _("married")
    REGISTERED_PARTNER = "registered_partner", _("registered partnership")
    COHABITING = "cohabiting", _("cohabiting")
    DIVORCED = "divorced", _("divorced")
    WIDOWED = "widowed", _("widowed")
    UNKNOWN = "unknown", _("unknown")


class ContractType(models.TextChoices):
    PERMANENT = "permanent", _("permanent (onbepaalde tijd)")
    FIXED_TERM = "fixed_term", _("fixed term (bepaalde tijd)")
    ON_CALL = "on_call", _("on call / zero hours")
    TEMPORARY_AGENCY = "temporary_agency", _("temporary agency")
    INTERNSHIP = "internship", _("internship")


class Employee(ScopedModel):
    """A person employed by one employer (werknemer). Employer users see people through employments."""

    scope_paths = ScopePaths(
        arbodienst="employer__arbodienst",
        employer="employer",
        department="employments__department",
        department_many=True,
        employee="",
    )

    AUDITED = (
        "initials",
        "first_name",
        "surname_prefix",
        "surname",
        "birth_date",
        "gender",
        "marital_status",
        "name_use",
        "bsn",
        "postcode",
        "street",
        "house_number",
        "house_number_addition",
        "city",
        "country",
        "phone",
        "email",
    )

    employer = models.ForeignKey(
        "organisations.Employer", on_delete=models.PROTECT, related_name="employees"
    )
    initials = models.CharField(_("initials"), max_length=12)
    first_name = models.CharField(_("first name (roepnaam)"), max_length=80, blank=True)
    surname_prefix = models.CharField(_("surname prefix"), max_length=20, blank=True)
    surname = models.CharField(_("surname"), max_length=120)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    marital_status = models.CharField(
        _("marital status"), max_length=20, choices=MaritalStatus.choices
    )
    name_use = models.CharField(
        _("name use"), max_length=2, choices=NameUse.choices, default=NameUse.OWN
    )
    bsn = models.CharField(_("BSN"), max_length=9, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10)
    street = models.CharField(_("street"), max_length=120)
    house_number = models.PositiveIntegerField(_("house number"), null=True, blank=True)
    house_number_addition = models.CharField(_("addition"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=80)
    country = models.CharField(_("country"), max_length=2, default="NL")
    phone = models.CharField(_("phone (mobile or landline)"), max_length=20)
    email = models.EmailField(_("private e-mail"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects: ClassVar[RestrictedQuerySet[Employee]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["surname", "initials", "id"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        indexes = [models.Index(fields=["employer", "surname"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        parts = [self.initials, self.surname_prefix, self.surname]
        return " ".join(part for part in parts if part)

    @property
    def arbodienst_id(self) -> int:
        return self.employer.arbodienst_id

    @property
    def employee_id(self) -> int:
        return self.pk


class Employment(ScopedModel):
    """A dienstverband: one employee with one employer, from start date to (maybe) end date.

    Department, function and hours here are the values in force today; their
    effective-dated history is in EmploymentTerms.
    """

    scope_paths = ScopePaths(
        arbodienst="employer__arbodienst",
        employer="employer",
        department="department",
        employee="employee",
    )

    AUDITED = (
        "personnel_number",
        "start_date",
        "end_date",
        "department",
        "function_name",
        "hours_per_week",
        "annual_salary",
        "contract_type",
        "no_risk_policy",
        "insurance",
        "wia_percentage",
    )

    employer = models.ForeignKey(
        "organisations.Employer", on_delete=models.PROTECT, related_name="employments"
    )
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="employments")
    department = models.ForeignKey(
        "organisations.Department",
        on_delete=models.PROTECT,
        related_name="employments",
        verbose_name=_("department"),
    )
    personnel_number = models.CharField(_("personnel number"), max_length=35)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    function_name = models.CharField(_("function"), max_length=120, blank=True)
    hours_per_week = models.DecimalField(_("working week (hours)"), max_digits=5, decimal_places=2)
    annual_salary = models.DecimalField(
        _("annual salary"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    contract_type = models.CharField(
        _("contract type"), max_length=20, choices=ContractType.choices
    )
    no_risk_policy = models.BooleanField(_("no-riskpolis"), default=False)
    insurance = models.CharField(_("insurance"), max_length=200, blank=True)
    wia_percentage = models.DecimalField(
        _("WIA percentage"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects: ClassVar[RestrictedQuerySet[Employment]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["employee__surname", "personnel_number", "id"]
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "personnel_number"], name="personnel_number_unique_per_employer"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="employment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.personnel_number} {self.employee}"

    @property
    def arbodienst_id(self) -> int:
        return self.employer.arbodienst_id

    @property
    def in_service(self) -> bool:
        from django.utils import timezone

        return self.end_date is None or self.end_date >= timezone.localdate()


class EmploymentTerms(models.Model):
    """Department, function and hours of an employment from `valid_from` until the next row.

    Exchange and statistics ask "which hours on date X"; this answers it.
    """

    employment = models.ForeignKey(Employment, on_delete=models.CASCADE, related_name="terms")
    valid_from = models.DateField(_("valid from"))
    department = models.ForeignKey(
        "organisations.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    function_name = models.CharField(_("function"), max_length=120, blank=True)
    hours_per_week = models.DecimalField(_("working week (hours)"), max_digits=5, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["employment", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["employment", "valid_from"], name="terms_one_row_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employment_id} from {self.valid_from}"
