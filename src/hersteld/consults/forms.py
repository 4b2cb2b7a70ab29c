"""Forms of the consults pages; every rule is checked again by the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hersteld.consults.models import Kind, Method, Party, YesNo

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
PLANNABLE = [(k, label) for k, label in Kind.choices if k != Kind.EMPLOYEE_REQUESTED]
WEEKDAYS = [
    ("", _("once, on the date")),
    (0, _("every Monday")),
    (1, _("every Tuesday")),
    (2, _("every Wednesday")),
    (3, _("every Thursday")),
    (4, _("every Friday")),
    (5, _("every Saturday")),
    (6, _("every Sunday")),
]


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PLANNABLE)
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    practitioner_id = forms.TypedChoiceField(label=_("Practitioner"), coerce=int, choices=[])
    starts_at = forms.DateTimeField(
        label=_("Start"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    location = forms.CharField(
        label=_("Location"),
        max_length=200,
        required=False,
        help_text=_("Empty: the location of the availability block."),
    )
    override_availability = forms.BooleanField(label=_("Plan outside availability"), required=False)


class ScheduleForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    practitioner_id = forms.TypedChoiceField(label=_("Practitioner"), coerce=int, choices=[])
    starts_at = forms.DateTimeField(
        label=_("Start"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    override_availability = forms.BooleanField(label=_("Plan outside availability"), required=False)


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("New start"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    override_availability = forms.BooleanField(label=_("Plan outside availability"), required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    by = forms.ChoiceField(
        label=_("Cancelled by"), choices=[("", "---------"), *Party.choices], required=False
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Consult note (medical file)"), widget=forms.Textarea)


class ReportForm(forms.Form):
    text = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)
    capabilities = forms.CharField(
        label=_("Functional limitations and capabilities"), widget=forms.Textarea, required=False
    )
    hours = forms.CharField(label=_("Hours and from when"), max_length=300, required=False)
    adjustments = forms.CharField(
        label=_("Work adjustments"), widget=forms.Textarea, required=False
    )
    expected_duration = forms.CharField(
        label=_("Expected duration / prognosis"), max_length=300, required=False
    )
    medical_cause = forms.ChoiceField(
        label=_("Is the cause medical?"), choices=YesNo.choices, required=False
    )
    treatment_adequate = forms.ChoiceField(
        label=_("Is the treatment adequate?"), choices=YesNo.choices, required=False
    )
    advice = forms.CharField(label=_("Advice"), widget=forms.Textarea, required=False)
    next_appointment = forms.CharField(label=_("Next appointment"), max_length=300, required=False)


class RequestForm(forms.Form):
    question = forms.CharField(
        label=_("What would you like to discuss?"),
        widget=forms.Textarea,
        max_length=2000,
        help_text=_("Only the arbodienst reads this; your employer does not learn of the consult."),
    )
    method = forms.ChoiceField(label=_("Preferred method"), choices=Method.choices)


class SmsConsentForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20)


class BlockForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Repeats"), choices=WEEKDAYS, coerce=int, empty_value=None, required=False
    )
    day = forms.DateField(label=_("Date (once)"), widget=DATE, required=False)
    start_time = forms.TimeField(label=_("From"), widget=TIME)
    end_time = forms.TimeField(label=_("Until"), widget=TIME)
    location = forms.CharField(label=_("Location (address)"), max_length=200, required=False)
    remote = forms.BooleanField(label=_("Remote (phone and online)"), required=False)


class InformationRequestForm(forms.Form):
    """A question to a treating physician: the four parts of the employee's consent."""

    scope = forms.CharField(
        label=_("Scope of the consent"),
        max_length=300,
        help_text=_("Which information, about which period, the employee agreed to."),
    )
    physician = forms.CharField(label=_("Treating physician"), max_length=200)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea, max_length=5000)
    consent_at = forms.DateTimeField(
        label=_("Consent given on"),
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class InformationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Factual answer of the physician (medical file)"),
        widget=forms.Textarea,
        max_length=20000,
    )
