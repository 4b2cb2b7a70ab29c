"""Portal forms for cases, recoveries and notes: they parse input and leave out what a role may not fill.

The rules live in the services; a field a role may not fill is not on its form at all.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hersteld.absence.models import (
    MAIN_FIELDS,
    MORE_FIELDS,
    AbsenceCase,
    CaseKind,
    Context,
    Relatedness,
    RequestedAction,
    SafetyNetCategory,
    SameCause,
)
from hersteld.absence.services import is_employer_side, is_medic, may
from hersteld.core.actor import Actor
from hersteld.people.models import Gender

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 4})

FIRST_DAY_LABELS: dict[str, Any] = {
    CaseKind.SICKNESS: _("First day of absence"),
    CaseKind.PREGNANCY_LEAVE: _("Start of the leave"),
    CaseKind.PREVENTIVE: _("Start of the case"),
}
NOTE_LABELS: dict[str, Any] = {
    CaseKind.SICKNESS: _("Note"),
    CaseKind.PREVENTIVE: _("Reason for the preventive case"),
}
# Only arbodienst staff record these (docs/rules/vangnet.md and P6 in docs/features.md).
STAFF_ONLY = ("expected_recovery", "full_recovery_expected", "wage_sanction_until")
SAFETY_NET_DETAIL = ("safety_net_category", "came_from_long_ww")


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "---------"), *[(value, label) for value, label in choices if value]]


class CaseForm(forms.Form):
    """Every field of a case; `kind` and the actor's role decide which remain."""

    first_day = forms.DateField(
        label=_("First day"), widget=DATE, help_text=_("Check this date before you save.")
    )
    context = forms.ChoiceField(label=_("Context"), choices=_blank(Context.choices), required=False)
    sick_percentage = forms.DecimalField(
        label=_("Percentage sick"),
        initial=100,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("Usually 100%."),
    )
    expected_recovery = forms.DateField(label=_("Expected recovery"), widget=DATE, required=False)
    safety_net = forms.BooleanField(
        label=_("A safety-net rule (vangnet, Ziektewet) applies"),
        required=False,
        help_text=_(
            "Ask only whether a safety-net rule applies, never which one: sick because of "
            "pregnancy or childbirth, organ donation, no-riskpolis or compensatieregeling."
        ),
    )
    safety_net_category = forms.ChoiceField(
        label=_("Safety-net category"),
        choices=_blank(SafetyNetCategory.choices),
        required=False,
        help_text=_("Recorded by the arbodienst; drives the Ziektewet claim to UWV."),
    )
    came_from_long_ww = forms.BooleanField(
        label=_("Came directly from a WW benefit of more than 52 weeks (declaration)"),
        required=False,
        help_text=_("A condition of the compensatieregeling."),
    )
    expected_delivery = forms.DateField(label=_("Expected delivery date"), widget=DATE)
    multiple = forms.BooleanField(label=_("Multiple birth"), required=False)
    premature = forms.BooleanField(label=_("Premature birth"), required=False)
    note = forms.CharField(
        label=_("Note"),
        widget=TEXT,
        required=False,
        help_text=_("No medical data or terms: they may not be recorded (see the rules)."),
    )
    relatedness = forms.ChoiceField(
        label=_("Relatedness"), choices=Relatedness.choices, required=False
    )
    own_risk_wga = forms.BooleanField(label=_("ERD WGA (own-risk bearer WGA)"), required=False)
    own_risk_zw = forms.BooleanField(label=_("ERD ZWT (own-risk bearer Ziektewet)"), required=False)
    insurance = forms.CharField(
        label=_("Insurance that may cover this absence"), max_length=200, required=False
    )
    deviating_phone = forms.CharField(
        label=_("Deviating phone (temporary)"), max_length=20, required=False
    )
    care_address = forms.CharField(
        label=_("Temporary care address"),
        max_length=300,
        required=False,
        help_text=_("Only when it differs from the address of the employee."),
    )
    requested_action = forms.ChoiceField(
        label=_("Requested action"),
        choices=RequestedAction.choices,
        initial=RequestedAction.NORMAL,
        widget=forms.RadioSelect,
        required=False,
    )
    requested_action_note = forms.CharField(
        label=_("Explanation of the requested action"), widget=TEXT, required=False
    )
    full_recovery_expected = forms.BooleanField(
        label=_("Full recovery expected within 3 months"), required=False
    )
    wage_sanction_until = forms.DateField(
        label=_("Wage sanction (loonsanctie) until"),
        widget=DATE,
        required=False,
        help_text=_("Set by UWV: the waiting period is extended to this date (at most 52 weeks)."),
    )
    confirm_sex_mismatch = forms.BooleanField(
        label=_("The registration is checked: record the pregnancy leave anyway"),
        required=False,
    )
    reason = forms.CharField(
        max_length=500,
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the history."),
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        actor: Actor,
        anchor: Any,
        correction: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.main = [name for name in MAIN_FIELDS[kind] if not (correction and name == "note")]
        self.more = list(MORE_FIELDS[kind])
        if correction:
            self.main.append("reason")
        # docs/rules/wazo.md: a leave for someone registered as male may be a wrong registration.
        self.sex_warning = (
            kind == CaseKind.PREGNANCY_LEAVE
            and not correction
            and getattr(getattr(anchor, "employee", None), "gender", "") == Gender.MALE
        )
        if self.sex_warning:
            self.main.append("confirm_sex_mismatch")
        hidden: set[str] = set()
        if is_employer_side(actor):
            hidden.update(STAFF_ONLY)
        if not may(actor, anchor, "absence.view_safety_net"):
            hidden.update(SAFETY_NET_DETAIL)
        self.main = [name for name in self.main if name not in hidden]
        self.more = [name for name in self.more if name not in hidden]
        for name in list(self.fields):
            if name not in self.main and name not in self.more:
                del self.fields[name]
        self.fields["first_day"].label = FIRST_DAY_LABELS[kind]
        if "note" in self.fields and kind in NOTE_LABELS:
            self.fields["note"].label = NOTE_LABELS[kind]
        if kind == CaseKind.PREVENTIVE and "note" in self.fields:
            self.fields["note"].required = True

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.main]

    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.more]

    def changed_data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields}


def case_initial(case: AbsenceCase) -> dict[str, Any]:
    return {
        name: getattr(case, name)
        for name in (*MAIN_FIELDS[case.kind], *MORE_FIELDS[case.kind])
        if name != "note"
    }


class RecoveryForm(forms.Form):
    date = forms.DateField(
        label=_("Recovered from"),
        widget=DATE,
        help_text=_("For a full recovery: the first day fully at work."),
    )
    percentage = forms.DecimalField(
        label=_("Percentage recovered"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("100% means fully recovered: the case closes."),
    )
    hours = forms.DecimalField(
        label=_("Or: hours per week recovered"),
        min_value=0,
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("When the percentage is not known; it is computed from the working week."),
    )
    therapeutic = forms.BooleanField(
        label=_("Hersteld AT: working on a therapeutic basis"),
        required=False,
        help_text=_("Only the company doctor decides this; the case stays open."),
    )

    def __init__(self, *args: Any, actor: Actor, contract_hours: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contract_hours = contract_hours
        if not is_medic(actor):
            del self.fields["therapeutic"]
        self.fields["percentage"].widget.attrs["data-contract-hours"] = str(contract_hours)


class RecoveryCorrectForm(RecoveryForm):
    """The latest recovery with other values; the reason is kept in the history."""

    reason = forms.CharField(
        max_length=500,
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the history."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("therapeutic", None)  # the kind of report stays as it was


class SameCauseForm(forms.Form):
    same_cause = forms.ChoiceField(
        label=_("Does the sickness have the same cause as the sickness before the leave?"),
        choices=[(SameCause.YES, SameCause.YES.label), (SameCause.NO, SameCause.NO.label)],
        widget=forms.RadioSelect,
        help_text=_(
            "Yes: the sickness is counted together with the sickness before the leave; the "
            "leave days shift the deadlines. No: a new first day of absence (D1)."
        ),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("New note"),
        widget=TEXT,
        help_text=_("No medical data or terms. Medical notes belong in the medical file."),
    )
    internal = forms.BooleanField(label=_("Internal: not visible to the employee"), required=False)


class MedicalNoteForm(forms.Form):
    text = forms.CharField(label=_("Medical note"), widget=forms.Textarea(attrs={"rows": 6}))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the history."),
    )


class ConvertForm(forms.Form):
    first_day = forms.DateField(
        label=_("First day of absence"),
        widget=DATE,
        required=False,
        help_text=_("Leave empty to keep the start date of the preventive case."),
    )


class DeliveryForm(forms.Form):
    actual_delivery = forms.DateField(label=_("Actual delivery date"), widget=DATE)
    premature = forms.BooleanField(label=_("Premature birth"), required=False)
    hospital_days = forms.IntegerField(
        label=_("Days the newborn was admitted to hospital"),
        min_value=0,
        max_value=365,
        required=False,
        initial=0,
        help_text=_("Counts towards an extension of the childbirth leave (UWV method)."),
    )


class EndLeaveForm(forms.Form):
    follow_up = forms.ChoiceField(
        label=_("After the leave"),
        choices=[
            ("close", _("Close the leave: the employee resumes work")),
            ("sick", _("Continue directly with a sickness case (counted together)")),
        ],
        widget=forms.RadioSelect,
        initial="close",
    )


class CloseForm(forms.Form):
    end_date = forms.DateField(label=_("Closed on"), widget=DATE)
