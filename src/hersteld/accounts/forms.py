from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hersteld.accounts.models import ROLE_CHOICES, User
from hersteld.accounts.permissions import LABELS
from hersteld.organisations.models import Arbodienst, Department, Employer
from hersteld.people.models import Employee
from hersteld.web.helpers import set_choices


def _scope_choices(form: forms.Form, actor: User) -> None:
    """Employer and department choices: only those of the admin's own tenant."""
    set_choices(form, "employer", Employer.objects.restrict(actor, "accounts.manage"))
    set_choices(
        form,
        "department",
        Department.objects.restrict(actor, "accounts.manage").select_related("employer"),
    )


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    otp = forms.CharField(
        label=_("6-digit code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
    )


class UserForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
    arbodienst = forms.ModelChoiceField(
        label=_("Arbodienst"), queryset=Arbodienst.objects.none(), required=False
    )
    employer = forms.ModelChoiceField(
        label=_("Employer"),
        queryset=Employer.objects.none(),
        required=False,
        help_text=_("Required for an employer user."),
    )
    department = forms.ModelChoiceField(
        label=_("Department (subtree)"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("Only this department and its subdepartments."),
    )
    employee = forms.ModelChoiceField(
        label=_("Employee"),
        queryset=Employee.objects.none(),
        required=False,
        help_text=_("Required for an employee user: the own record."),
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput,
        help_text=_("At least 12 characters."),
    )

    def __init__(self, *args: Any, actor: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scope_choices(self, actor)
        if actor.role == "operator":
            set_choices(self, "arbodienst", Arbodienst.objects.all())
        else:
            del self.fields["arbodienst"]  # always the admin's own arbodienst
        set_choices(
            self,
            "employee",
            Employee.objects.restrict(actor, "accounts.manage").select_related("employer"),
        )
        if editing:
            del self.fields["password"]
            self.fields["username"].disabled = True


class GrantForm(forms.Form):
    permission = forms.ChoiceField(
        label=_("Permission"), choices=[(c, _(label)) for c, label in LABELS.items()]
    )
    employer = forms.ModelChoiceField(
        label=_("Limited to employer"), queryset=Employer.objects.none(), required=False
    )
    department = forms.ModelChoiceField(
        label=_("Limited to department (subtree)"),
        queryset=Department.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scope_choices(self, actor)


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput,
        help_text=_(
            "At least 12 characters. Tell the user in person or by phone, never by e-mail."
        ),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=100,
        required=False,
        help_text=_("E.g. the system that uses it."),
    )
