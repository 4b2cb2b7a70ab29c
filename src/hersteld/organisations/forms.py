from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hersteld.core.actor import Actor
from hersteld.organisations.models import Arbodienst, Department
from hersteld.web.helpers import set_choices


class EmployerForm(forms.Form):
    arbodienst = forms.ModelChoiceField(
        label=_("Arbodienst"), queryset=Arbodienst.objects.none(), required=True
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    kvk_number = forms.CharField(label=_("KvK number"), max_length=12, help_text=_("8 digits"))
    payroll_tax_number = forms.CharField(
        label=_("Loonheffingennummer"),
        max_length=14,
        required=False,
        help_text=_("E.g. 123456782L01"),
    )
    own_risk_wga = forms.BooleanField(label=_("Own-risk bearer WGA (ERD WGA)"), required=False)
    own_risk_zw = forms.BooleanField(label=_("Own-risk bearer ZW (ERD ZW)"), required=False)
    street = forms.CharField(label=_("Street"), max_length=120, required=False)
    house_number = forms.CharField(label=_("House number"), max_length=12, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False)
    city = forms.CharField(label=_("City"), max_length=80, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=120, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    fulltime_hours = forms.DecimalField(
        label=_("Full-time working week (hours)"),
        max_digits=4,
        decimal_places=2,
        required=False,
        help_text=_("For the absence statistics; empty means 40 hours."),
    )


def employer_form(data: Any, *, actor: Actor, creating: bool, initial: Any = None) -> EmployerForm:
    """The arbodienst is chosen only by an operator creating an employer; others work in their own."""
    form = EmployerForm(data, initial=initial)
    tenants = Arbodienst.objects.restrict(actor, "organisations.change")
    if creating and actor.arbodienst_id is None:
        set_choices(form, "arbodienst", tenants)
    else:
        del form.fields["arbodienst"]
    return form


class DepartmentForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    parent = forms.ModelChoiceField(
        label=_("Part of"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("(top level)"),
    )

    def __init__(self, *args: Any, actor: Actor, employer_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "parent",
            Department.objects.restrict(actor, "organisations.change")
            .filter(employer_id=employer_id)
            .order_by("path"),
        )


class RetentionTermsForm(forms.Form):
    """The retention terms of the arbodienst, in whole years (docs/rules/privacy.md)."""

    retention_administration = forms.IntegerField(
        label=_("Absence administration"),
        help_text=_("Years after the employment ended."),
        min_value=0,
        max_value=999,
    )
    retention_reintegration = forms.IntegerField(
        label=_("Re-integration file"),
        help_text=_("Years after the case ended."),
        min_value=0,
        max_value=999,
    )
    retention_erd_zw = forms.IntegerField(
        label=_("Own risk Ziektewet (ERD-ZW)"),
        help_text=_("Years after the case ended, for an employer that bears the ZW risk itself."),
        min_value=0,
        max_value=999,
    )
    retention_erd_wga = forms.IntegerField(
        label=_("Own risk WGA (ERD-WGA)"),
        help_text=_("Years after the case ended, for an employer that bears the WGA risk itself."),
        min_value=0,
        max_value=999,
    )
    retention_medical = forms.IntegerField(
        label=_("Medical file"),
        help_text=_("Years after its last change; at least 20 (WGBO)."),
        min_value=0,
        max_value=999,
    )
    retention_logs = forms.IntegerField(
        label=_("Access and audit logs"),
        help_text=_("Years after the event; at least 5 (NEN 7513)."),
        min_value=0,
        max_value=999,
    )
