"""Portal forms for employments: they parse input; the services hold every rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hersteld.core.actor import Actor
from hersteld.organisations.models import Department, Employer
from hersteld.people.models import ContractType, Gender, MaritalStatus, NameUse
from hersteld.web.helpers import set_choices
from hersteld.web.widgets import EmployerLinkedSelect

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

EMPLOYEE_GROUP = (
    "initials",
    "first_name",
    "surname_prefix",
    "surname",
    "birth_date",
    "gender",
    "marital_status",
    "name_use",
    "bsn",
    "no_risk_policy",
    "insurance",
    "wia_percentage",
)
CONTACT_GROUP = (
    "postcode",
    "house_number",
    "house_number_addition",
    "street",
    "city",
    "country",
    "phone",
    "email",
)
EMPLOYMENT_GROUP = (
    "start_date",
    "personnel_number",
    "hours_per_week",
    "annual_salary",
    "contract_type",
    "function_name",
    "employer",
    "department",
)


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        indent = "\u2014 " * obj.depth
        return f"{obj.employer.name}: {indent}{obj.name}"


class EmployeeFieldsMixin(forms.Form):
    initials = forms.CharField(label=_("Initials"), max_length=12, help_text=_("E.g. J.P."))
    first_name = forms.CharField(label=_("First name (roepnaam)"), max_length=80, required=False)
    surname_prefix = forms.CharField(
        label=_("Surname prefix"),
        max_length=20,
        required=False,
        help_text=_("E.g. van, de, van der"),
    )
    surname = forms.CharField(label=_("Surname"), max_length=120)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "---------"), *Gender.choices])
    marital_status = forms.ChoiceField(
        label=_("Marital status"), choices=[("", "---------"), *MaritalStatus.choices]
    )
    name_use = forms.ChoiceField(
        label=_("Name use"),
        choices=NameUse.choices,
        initial=NameUse.OWN,
        required=False,
        help_text=_("How the person wants to be addressed; sent to other systems (SIVI)."),
    )
    bsn = forms.CharField(
        label=_("BSN"),
        max_length=11,
        required=False,
        help_text=_("Optional. 9 digits, checked with the 11-proof."),
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=10, help_text=_("E.g. 1234 AB"))
    # The range is the service's rule (house_number_range), so form, API and import say the same.
    house_number = forms.IntegerField(
        label=_("House number"), widget=forms.NumberInput(attrs={"min": 1})
    )
    house_number_addition = forms.CharField(label=_("Addition"), max_length=10, required=False)
    street = forms.CharField(label=_("Street"), max_length=120)
    city = forms.CharField(label=_("City"), max_length=80)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        initial="NL",
        help_text=_("Two-letter country code, NL for the Netherlands."),
    )
    phone = forms.CharField(label=_("Phone (mobile or landline)"), max_length=20)
    email = forms.CharField(label=_("Private e-mail"), max_length=254)


class EmploymentFieldsMixin(forms.Form):
    no_risk_policy = forms.BooleanField(
        label=_("No-riskpolis"),
        required=False,
        help_text=_("For employees with a disability or illness history (e.g. WIA, WAO, Wajong)."),
    )
    insurance = forms.CharField(
        label=_("Insurance"),
        max_length=200,
        required=False,
        help_text=_("Only when the no-riskpolis applies."),
    )
    wia_percentage = forms.DecimalField(
        label=_("WIA percentage"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=_("Blank by default; only fill in with a real WIA percentage."),
    )
    personnel_number = forms.CharField(label=_("Personnel number"), max_length=35)
    hours_per_week = forms.DecimalField(
        label=_("Working week (hours)"), max_digits=5, decimal_places=2
    )
    annual_salary = forms.DecimalField(
        label=_("Annual salary (EUR)"), max_digits=12, decimal_places=2
    )
    contract_type = forms.ChoiceField(
        label=_("Contract type"), choices=[("", "---------"), *ContractType.choices]
    )
    function_name = forms.CharField(label=_("Function"), max_length=120, required=False)


class EmploymentAddForm(EmployeeFieldsMixin, EmploymentFieldsMixin):
    start_date = forms.DateField(
        label=_("Start date"),
        widget=DATE,
        help_text=_("No end date now, not even for a fixed-term contract."),
    )
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Employer.objects.none())
    department = DepartmentChoiceField(
        label=_("Department"), queryset=Department.objects.none(), widget=EmployerLinkedSelect()
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.restrict(actor, "people.change").select_related("employer")
        employers_qs = Employer.objects.filter(pk__in=departments.values("employer_id"))
        set_choices(self, "employer", employers_qs)
        set_choices(self, "department", departments.order_by("employer__name", "path"))
        employers = list(employers_qs[:2])
        if len(employers) == 1:
            self.fields["employer"].initial = employers[0].pk

    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (_("Employee"), [self[name] for name in EMPLOYEE_GROUP]),
            (_("Contact details"), [self[name] for name in CONTACT_GROUP]),
            (_("Employment"), [self[name] for name in EMPLOYMENT_GROUP]),
        ]


class EmployeeEditForm(EmployeeFieldsMixin):
    pass


class EmploymentEditForm(EmploymentFieldsMixin):
    department = DepartmentChoiceField(label=_("Department"), queryset=Department.objects.none())
    valid_from = forms.DateField(
        label=_("Change of department, function or hours takes effect on"),
        widget=DATE,
        required=False,
        help_text=_("Leave empty for today."),
    )

    def __init__(self, *args: Any, actor: Actor, employer_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.restrict(actor, "people.change").filter(
            employer_id=employer_id
        )
        set_choices(self, "department", departments.select_related("employer").order_by("path"))


class EndEmploymentForm(forms.Form):
    end_date = forms.DateField(
        label=_("Date out of service"),
        widget=DATE,
        help_text=_("Only when the employee really leaves."),
    )


class AccessLogFilter(forms.Form):
    """The period of "who viewed my file"; an empty bound leaves that side open."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period lies before its start."))
        return data


class EraseForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the employee's request of 1 March. Kept in the history."),
    )


class HoldForm(forms.Form):
    """Why a legal hold is set or lifted: kept with the hold and in the history."""

    reason = forms.CharField(
        max_length=500,
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: a claim of the employee against the employer. Kept in the history."
        ),
    )


class SubjectExportForm(forms.Form):
    """The GDPR export (data subject access request): why and since when it is asked."""

    request_date = forms.DateField(
        label=_("Date of the request"),
        widget=DATE,
        help_text=_("The day the employee (or someone on his behalf) asked for his data."),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        initial=_("Access request of the employee (GDPR article 15)"),
        help_text=_("Recorded in the history and in the employee's access log."),
    )
