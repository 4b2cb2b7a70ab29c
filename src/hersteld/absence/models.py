"""Absence cases (P5-P7), recoveries (P11), the case journal and the medical file (P8, P9)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hersteld.core.display import PERCENT, format_value
from hersteld.core.restrict import RestrictedQuerySet, ScopedModel, ScopePaths

CASE_SCOPE = ScopePaths(
    arbodienst="employer__arbodienst",
    employer="employer",
    department="employment__department",
    employee="employee",
)


class CaseKind(models.TextChoices):
    SICKNESS = "sickness", _("Sickness absence")
    PREGNANCY_LEAVE = "pregnancy_leave", _("Pregnancy leave")
    PREVENTIVE = "preventive", _("Other (preventive)")


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "open")
    CLOSED = "closed", pgettext_lazy("case status", "closed")
    WITHDRAWN = "withdrawn", pgettext_lazy("case status", "withdrawn")


class EndReason(models.TextChoices):
    """Why a period ended (docs/rules/statistics.md): the GVD counts only RECOVERED.

    The values are those of hersteld.statistics.figures.EndReason."""

    OPEN = "", pgettext_lazy("end reason", "still open")
    RECOVERED = "recovered", _("recovered")
    EMPLOYMENT_ENDED = "employment_ended", _("employment ended")
    WAITING_PERIOD_ENDED = "waiting_period_ended", _("end of the waiting period")
    DEATH = "death", _("death")
    PREGNANCY_LEAVE = "pregnancy_leave", _("start of pregnancy leave")
    WITHDRAWN = "withdrawn", _("withdrawn")
    LEAVE_ENDED = "leave_ended", _("end of the leave")
    CLOSED = "closed", _("closed (preventive case)")


class Context(models.TextChoices):
    ILLNESS = "illness", _("illness")
    WORK_CONFLICT = "work_conflict", _("work conflict")
    PRIVATE_CIRCUMSTANCES = "private_circumstances", _("private circumstances")
    OTHER = "other", _("other")


class SafetyNetCategory(models.TextChoices):
    PREGNANCY = "pregnancy", _("sick because of pregnancy or childbirth")
    ORGAN_DONATION = "organ_donation", _("organ donation")
    NO_RISK_POLICY = "no_risk_policy", _("no-riskpolis")
    COMPENSATION = "compensation", _("compensatieregeling")


class SameCause(models.TextChoices):
    """The bedrijfsarts's answer for sickness resuming directly after a leave (docs/rules/samentelling.md)."""

    UNANSWERED = "", _("not answered yet")
    YES = "yes", _("yes, the same cause")
    NO = "no", _("no, another cause")


class Relatedness(models.TextChoices):
    NONE = "", _("none")
    WORK_ACCIDENT = "work_accident", _("work accident")
    TRAFFIC_ACCIDENT = "traffic_accident", _("traffic accident caused by a third party (recourse)")
    OTHER = "other", _("other accident")


class RequestedAction(models.TextChoices):
    NORMAL = "normal", _("Normal: as agreed")
    DIRECT = "direct", _("Direct: act at once on the explanation")
    NONE = "none", _("None: wait for the employer")


CONTACT_FIELDS = ("own_risk_wga", "own_risk_zw", "insurance", "deviating_phone", "care_address")
ACTION_FIELDS = ("requested_action", "requested_action_note")
# The fields of each kind, as the form shows them: the report itself, then "more options".
MAIN_FIELDS: dict[str, tuple[str, ...]] = {
    CaseKind.SICKNESS: (
        "first_day",
        "context",
        "sick_percentage",
        "expected_recovery",
        "safety_net",
        "safety_net_category",
        "came_from_long_ww",
        "note",
    ),
    CaseKind.PREGNANCY_LEAVE: ("first_day", "expected_delivery", "multiple", "premature"),
    CaseKind.PREVENTIVE: ("first_day", "note"),
}
MORE_FIELDS: dict[str, tuple[str, ...]] = {
    CaseKind.SICKNESS: (
        "relatedness",
        *CONTACT_FIELDS,
        *ACTION_FIELDS,
        "full_recovery_expected",
        "wage_sanction_until",
    ),
    CaseKind.PREGNANCY_LEAVE: CONTACT_FIELDS,
    CaseKind.PREVENTIVE: (*CONTACT_FIELDS, *ACTION_FIELDS),
}


class AbsenceCase(ScopedModel):
    """One case of one employment: a sickness absence, a pregnancy leave or a preventive case.

    `chained_to` links a case to the one it is counted together with (samentelling,
    docs/rules/samentelling.md); `week_anchor` is the date from which the weeks of this case count
    (the chain's D1 plus the gap days before this case), so lists can filter on weeks.
    """

    scope_paths = CASE_SCOPE
    # Shown in history only to users with this permission (docs/rules/vangnet.md).
    RESTRICTED_FIELDS: ClassVar[dict[str, str]] = {
        "safety_net_category": "absence.view_safety_net",
        "came_from_long_ww": "absence.view_safety_net",
        # A judgement of the bedrijfsarts: the employer sees only the resulting chain.
        "same_cause": "absence.view_safety_net",
    }

    AUDITED = (
        "kind",
        "status",
        "first_day",
        "end_date",
        "end_reason",
        "context",
        "sick_percentage",
        "expected_recovery",
        "safety_net",
        "safety_net_category",
        "came_from_long_ww",
        "relatedness",
        "own_risk_wga",
        "own_risk_zw",
        "insurance",
        "deviating_phone",
        "care_address",
        "requested_action",
        "requested_action_note",
        "expected_delivery",
        "actual_delivery",
        "multiple",
        "premature",
        "hospital_days",
        "leave_end",
        "planned_start",
        "chained_to",
        "same_cause",
        "full_recovery_expected",
        "wage_sanction_until",
    )

    employer = models.ForeignKey(
        "organisations.Employer", on_delete=models.PROTECT, related_name="cases"
    )
    employee = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="cases")
    employment = models.ForeignKey(
        "people.Employment", on_delete=models.PROTECT, related_name="cases"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    first_day = models.DateField(_("first day"))
    end_date = models.DateField(
        _("recovered on"), null=True, blank=True, help_text=_("First day fully at work.")
    )
    end_reason = models.CharField(
        _("end reason"), max_length=24, choices=EndReason.choices, blank=True, default=""
    )
    context = models.CharField(_("context"), max_length=24, choices=Context.choices, blank=True)
    sick_percentage = models.DecimalField(
        _("percentage sick"), max_digits=5, decimal_places=2, default=100
    )
    current_sick_percentage = models.DecimalField(max_digits=5, decimal_places=2, default=100)
    expected_recovery = models.DateField(_("expected recovery"), null=True, blank=True)
    safety_net = models.BooleanField(_("safety net (vangnet) applies"), default=False)
    safety_net_category = models.CharField(
        _("safety-net category"), max_length=20, choices=SafetyNetCategory.choices, blank=True
    )
    came_from_long_ww = models.BooleanField(
        _("came directly from a WW benefit of more than 52 weeks"), default=False
    )
    relatedness = models.CharField(
        _("relatedness"), max_length=20, choices=Relatedness.choices, blank=True
    )
    own_risk_wga = models.BooleanField(_("ERD WGA"), default=False)
    own_risk_zw = models.BooleanField(_("ERD ZWT"), default=False)
    insurance = models.CharField(_("insurance"), max_length=200, blank=True)
    deviating_phone = models.CharField(_("deviating phone"), max_length=20, blank=True)
    care_address = models.CharField(_("temporary care address"), max_length=300, blank=True)
    requested_action = models.CharField(
        _("requested action"),
        max_length=8,
        choices=RequestedAction.choices,
        default=RequestedAction.NORMAL,
    )
    requested_action_note = models.TextField(_("explanation of the requested action"), blank=True)
    expected_delivery = models.DateField(_("expected delivery date"), null=True, blank=True)
    actual_delivery = models.DateField(_("actual delivery date"), null=True, blank=True)
    multiple = models.BooleanField(_("multiple birth"), default=False)
    premature = models.BooleanField(_("premature birth"), default=False)
    hospital_days = models.PositiveSmallIntegerField(
        _("days the newborn was in hospital"), default=0
    )
    leave_end = models.DateField(_("last day of leave"), null=True, blank=True)
    planned_start = models.DateField(
        _("planned start of the leave"),
        null=True,
        blank=True,
        help_text=_("Kept when a birth before the planned start moved the start of the leave."),
    )
    full_recovery_expected = models.BooleanField(
        _("full recovery expected within 3 months"), default=False
    )
    wage_sanction_until = models.DateField(
        _("wage sanction (loonsanctie) until"),
        null=True,
        blank=True,
        help_text=_("Set by UWV: the waiting period is extended to this date (at most 52 weeks)."),
    )
    chained_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chained_from",
        verbose_name=_("counted together with"),
    )
    week_anchor = models.DateField()
    same_cause = models.CharField(
        _("same cause as the sickness before the leave"),
        max_length=3,
        choices=SameCause.choices,
        blank=True,
        default=SameCause.UNANSWERED,
    )
    same_cause_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("same cause answered by"),
    )
    same_cause_by_name = models.CharField(max_length=150, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    # A legal hold (docs/rules/privacy.md, "Retention"): while set, nothing of this case or of
    # its employee is erased, by the retention job or on request.
    hold_since = models.DateTimeField(_("legal hold since"), null=True, blank=True)
    hold_reason = models.CharField(_("reason for the legal hold"), max_length=500, blank=True)
    hold_by_name = models.CharField(max_length=150, blank=True)
    # The day the retention job erased the re-integration file of the case (its notes and
    # free texts); the case row itself stays as administration until the employee goes.
    file_erased_on = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects: ClassVar[RestrictedQuerySet[AbsenceCase]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-first_day", "-id"]
        verbose_name = _("absence case")
        verbose_name_plural = _("absence cases")
        indexes = [
            models.Index(fields=["employment", "first_day"]),
            models.Index(fields=["employer", "status", "week_anchor"]),
            models.Index(fields=["employee", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("first_day")),
                name="case_end_after_first_day",
            ),
            models.CheckConstraint(
                condition=models.Q(sick_percentage__gte=0, sick_percentage__lte=100),
                name="case_percentage_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.first_day:%d-%m-%Y}"

    @property
    def arbodienst_id(self) -> int:
        return self.employer.arbodienst_id

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    @property
    def on_hold(self) -> bool:
        return self.hold_since is not None

    @property
    def is_sickness(self) -> bool:
        return self.kind == CaseKind.SICKNESS


class CaseChild(ScopedModel):
    """A row that belongs to a case: it reaches tenant, employer, department and employee through it.

    The audit trail finds employer and employee by these names (core/audit.py).
    """

    scope_paths = ScopePaths(
        arbodienst="case__employer__arbodienst",
        employer="case__employer",
        department="case__employment__department",
        employee="case__employee",
    )
    case: Any

    class Meta:
        abstract = True

    @property
    def employer_id(self) -> int:
        return self.case.employer_id

    @property
    def employee_id(self) -> int:
        return self.case.employee_id

    @property
    def arbodienst_id(self) -> int:
        return self.case.arbodienst_id


class Recovery(CaseChild):
    """A (partial) recovery report: from `date` on, the employee works `percentage` of the hours."""

    AUDITED = ("date", "percentage", "hours", "therapeutic")

    case = models.ForeignKey(AbsenceCase, on_delete=models.PROTECT, related_name="recoveries")
    date = models.DateField(_("recovered from"))
    percentage = models.DecimalField(_("percentage recovered"), max_digits=5, decimal_places=2)
    hours = models.DecimalField(_("hours per week recovered"), max_digits=5, decimal_places=2)
    contract_hours = models.DecimalField(max_digits=5, decimal_places=2)
    therapeutic = models.BooleanField(_("recovered on a therapeutic basis (Hersteld AT)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[RestrictedQuerySet[Recovery]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["case", "date", "id"]
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        constraints = [
            models.UniqueConstraint(fields=["case", "date"], name="one_recovery_per_case_and_date")
        ]

    def __str__(self) -> str:
        return f"{format_value(self.percentage, PERCENT)} {self.date:%d-%m-%Y}"

    @property
    def is_full(self) -> bool:
        return self.percentage >= 100 and not self.therapeutic


class CaseNote(CaseChild):
    """A journal entry of a case. Never medical: the guard checks it on save (P8)."""

    AUDITED = ("text", "internal")

    case = models.ForeignKey(AbsenceCase, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(_("note"))
    internal = models.BooleanField(
        _("internal (not visible to the employee)"),
        default=False,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[RestrictedQuerySet[CaseNote]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return f"{self.author_name} {self.created_at:%d-%m-%Y}"


class MedicalNote(ScopedModel):
    """An entry in the medical file: written and read only with `medical.view` (docs/rules/privacy.md)."""

    scope_paths = CASE_SCOPE

    case = models.ForeignKey(AbsenceCase, on_delete=models.PROTECT, related_name="medical_notes")
    employer = models.ForeignKey(
        "organisations.Employer", on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="+")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("medical note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[RestrictedQuerySet[MedicalNote]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("medical note")
        verbose_name_plural = _("medical notes")

    def __str__(self) -> str:
        return f"{self.author_name} {self.created_at:%d-%m-%Y}"

    @property
    def arbodienst_id(self) -> int:
        return self.employer.arbodienst_id
