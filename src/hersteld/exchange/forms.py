"""Portal forms of the exchange: the coupling questions (X1) and a decision on a proposal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hersteld.exchange.models import CorrectionPolicy
from hersteld.organisations.models import Employer

YES_NO = ((True, _("yes")), (False, _("no")))


def _yes_no(label: Any, help_text: Any = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value in (True, "True", "true", "1"),
        widget=forms.RadioSelect,
        help_text=help_text,
    )


class CouplingForm(forms.Form):
    """The four questions of seed 000, the error-log address, the correction policy, the target."""

    employer: forms.ModelChoiceField[Employer] = forms.ModelChoiceField(
        label=_("Employer"), queryset=Employer.objects.none()
    )
    source_system = forms.CharField(
        label=_("Source system"),
        max_length=100,
        help_text=_("The employer's HR, payroll or absence system, e.g. Verzuimdata meldloket."),
    )
    employer_key = forms.CharField(
        label=_("Employer key (IdWrkgvrArbdnst)"),
        max_length=40,
        help_text=_("How the source system names this employer in its messages."),
    )
    connection_no = forms.CharField(
        label=_("Connection number (AansltnrGeguitwlngArbdnst)"), max_length=70, required=False
    )
    all_employments = forms.TypedChoiceField(
        label=_("Which employments"),
        choices=(
            (True, _("all employments")),
            (False, _("only employments of employees with an absence dossier")),
        ),
        coerce=lambda value: value in (True, "True", "true", "1"),
        widget=forms.RadioSelect,
    )
    absence_reports = _yes_no(_("Process sick and recovery reports"))
    salary = _yes_no(_("Process salary data"), _("No: salary is dropped before storage."))
    bsn = _yes_no(_("Process the BSN"), _("No: the BSN is dropped before storage."))
    vault = forms.TypedChoiceField(
        label=_("Datakluis"),
        choices=YES_NO,
        coerce=lambda value: value in (True, "True", "true", "1"),
        widget=forms.RadioSelect,
        help_text=_(
            "Yes: the employer sends its whole population; people without a care request are "
            "kept pseudonymised (encrypted) until a sick report, pregnancy leave or preventive "
            "consult reveals them."
        ),
        required=False,  # not one of seed 000's four questions: unanswered is "no"
        empty_value=False,  # type: ignore[arg-type]  # the stubs allow only str | None
    )
    error_email = forms.EmailField(
        label=_("E-mail address for the error log"),
        required=False,
        help_text=_(
            "Receives a daily count of messages that failed, with a link; no personal data."
        ),
    )
    correction_policy = forms.ChoiceField(
        label=_("Corrections and withdrawals of absences"),
        choices=CorrectionPolicy.choices,
        widget=forms.RadioSelect,
    )
    outbound_url = forms.URLField(
        label=_("Send changes on to (URL)"),
        required=False,
        assume_scheme="https",
        help_text=_("Optional: Hersteld posts SIVI streams 1 and 2 to this address, signed."),
    )
    outbound_employer_key = forms.CharField(
        label=_("Employer key at the target"), max_length=40, required=False
    )
    outbound_connection_no = forms.CharField(
        label=_("Connection number at the target"), max_length=70, required=False
    )

    def __init__(self, *args: Any, employers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if employers is None:
            del self.fields["employer"]
        else:
            field = self.fields["employer"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = employers


class RevealForm(forms.Form):
    """Datakluis: name the person of a preventive consult request by the coupling's key."""

    employer: forms.ModelChoiceField[Employer] = forms.ModelChoiceField(
        label=_("Employer"), queryset=Employer.objects.none()
    )
    key = forms.CharField(
        label=_("Personnel number or the coupling's employee key (IdWrknmr)"),
        max_length=40,
        help_text=_("As the employer's request for a preventive consult names the employee."),
    )

    def __init__(self, *args: Any, employers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["employer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = employers
