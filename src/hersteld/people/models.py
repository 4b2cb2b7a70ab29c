from __future__ import annotations

from typing import Any, ClassVar

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


# The employment list's order: the person's surname and initials (copied onto the
# employment), then personnel number and id. `Employment.Meta.indexes` serve it.
SORT_KEY = ("employee_surname", "employee_initials", "personnel_number", "id")


def set_sort_key(employment: Employment) -> None:
    """Copy the person's surname and initials onto the employment (before a write)."""
    employment.employee_surname = employment.employee.surname
    employment.employee_initials = employment.employee.initials


class Employee(ScopedModel):
    """A person employed by one employer (werknemer). Employer users see people through employments."""

    scope_paths = ScopePaths(
        arbodienst="employer__arbodienst",
        employer="employer",
        department="employments__department",
        department_many=True,
        employee="",
        sealed="sealed",
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
    # Datakluis (X7): the identifying fields hold placeholders and the real values are sealed in
    # SealedIdentity until a purpose reveals them (people.services.reveal).
    sealed = models.BooleanField(_("sealed (Datakluis)"), default=False, editable=False)
    # The day the person was anonymised (retention, or erasure on request): the row stays
    # for the records that point at it (cases, logs), with neutral values only.
    anonymised_on = models.DateField(_("anonymised on"), null=True, blank=True, editable=False)
    # A legal hold on the person (docs/rules/privacy.md, "Retention"), as on a case: while
    # set, nothing of him is erased, by the retention job or on request; for a dispute or a
    # claim that is not about one absence case.
    hold_since = models.DateTimeField(_("legal hold since"), null=True, blank=True, editable=False)
    hold_reason = models.CharField(
        _("reason for the legal hold"), max_length=500, blank=True, editable=False
    )
    hold_by_name = models.CharField(max_length=150, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects: ClassVar[RestrictedQuerySet[Employee]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["surname", "initials", "id"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        indexes = [
            models.Index(fields=["employer", "surname"]),
            # The import finds people by BSN, one lookup per chunk (without it: a scan of the
            # employer's people per chunk); the portal checks "BSN taken" the same way.
            models.Index(fields=["employer", "bsn"], name="employee_employer_bsn"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def on_hold(self) -> bool:
        return self.hold_since is not None

    # (surname, initials) as read from the database: save() passes a change on.
    _sort_loaded: tuple[Any, Any] | None = None

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Employee:
        obj = super().from_db(db, field_names, values)
        obj._sort_loaded = (obj.__dict__.get("surname"), obj.__dict__.get("initials"))
        return obj

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saves; a changed surname or initials goes on to the employments' sort key."""
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding and getattr(self, "_sort_loaded", None) != (self.surname, self.initials):
            self.employments.update(employee_surname=self.surname, employee_initials=self.initials)
        self._sort_loaded = (self.surname, self.initials)

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
        sealed="employee__sealed",
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
    # The person's surname and initials, copied here so the list sorts on this table's own
    # index (the whole-tenant list at 100,000 employments); Employee.save keeps them in step.
    employee_surname = models.CharField(max_length=120, default="", editable=False)
    employee_initials = models.CharField(max_length=12, default="", editable=False)
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
        indexes = [
            models.Index(fields=[*SORT_KEY], name="employment_sort"),
            models.Index(fields=["employer", *SORT_KEY], name="employment_employer_sort"),
        ]

    def __str__(self) -> str:
        return f"{self.personnel_number} {self.employee}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new employment takes its person's sort key (see `employee_surname`); later, a
        rename reaches it through `Employee.save`, never from a person object held here
        (which may be older than the rename)."""
        if self._state.adding:
            set_sort_key(self)
        super().save(*args, **kwargs)

    @property
    def arbodienst_id(self) -> int:
        return self.employer.arbodienst_id

    @property
    def in_service(self) -> bool:
        from django.utils import timezone

        return self.end_date is None or self.end_date >= timezone.localdate()


class RevealPurpose(models.TextChoices):
    """Why a sealed Datakluis person is revealed (the only reasons there are)."""

    SICK_REPORT = "sick_report", _("sick report")
    PREGNANCY_LEAVE = "pregnancy_leave", _("pregnancy leave")
    PREVENTIVE_CONSULT = "preventive_consult", _("preventive consult")


class SealedIdentity(models.Model):
    """The identifying data of a Datakluis person, encrypted with the key outside the database.

    Read only by people.services (update while sealed, reveal); no selector, no API, no export
    reaches it. `bsn_digest` is a keyed HMAC (people.vault.digest) for matching on the BSN.
    """

    employee = models.OneToOneField(
        Employee, on_delete=models.CASCADE, related_name="sealed_identity"
    )
    employer = models.ForeignKey(
        "organisations.Employer", on_delete=models.CASCADE, related_name="+"
    )
    token = models.BinaryField()
    bsn_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["employer", "bsn_digest"])]

    def __str__(self) -> str:
        return f"sealed identity of employee {self.employee_id}"


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
