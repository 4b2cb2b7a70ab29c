from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hersteld.accounts.models import ROLE_CHOICES, User
from hersteld.accounts.permissions import LABELS
from hersteld.accounts.services import grantable_roles
from hersteld.organisations.models import Arbodienst, Department, Employer
from hersteld.people.models import Employee
from hersteld.web.helpers import set_choices
from hersteld.web.widgets import EmployerLinkedSelect


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


def _department_field(label: Any, help_text: Any = "") -> forms.ModelChoiceField[Any]:
    return forms.ModelChoiceField(
        label=label,
        queryset=Department.objects.none(),
        required=False,
        help_text=help_text,
        widget=EmployerLinkedSelect(),
    )


class ScopeFields(forms.Form):
    """Role and home of a user: what he may see. Only on the add form and the scope change."""

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
    department = _department_field(
        _("Department (subtree)"),
        _("Only this department and its subdepartments; empty: the whole employer."),
    )
    employee = forms.ModelChoiceField(
        label=_("Employee"),
        queryset=Employee.objects.none(),
        required=False,
        help_text=_("Required for an employee user: the own record."),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scope_choices(self, actor)
        # Offer only the roles this admin may give (an arbodienst admin never sees "operator").
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = grantable_roles(actor)
        if actor.role == "operator":
            set_choices(self, "arbodienst", Arbodienst.objects.all())
        else:
            del self.fields["arbodienst"]  # always the admin's own arbodienst
        set_choices(
            self,
            "employee",
            Employee.objects.restrict(actor, "accounts.manage").select_related("employer"),
        )


class UserForm(ScopeFields):
    """A new user: details, role and home, and the first password."""

    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput,
        help_text=_("At least 12 characters."),
    )

    field_order = ("username", "first_name", "last_name", "email", "role")


class UserDetailsForm(forms.Form):
    """Name and e-mail of an existing user. It carries no scope field: saving it can never
    change what the user sees (that is ScopeForm, with a confirmation)."""

    username = forms.CharField(label=_("User name"), max_length=150, disabled=True, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class ScopeForm(ScopeFields):
    """Change role and home of a user; the page then asks to confirm old against new."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Why the scope changes; kept in the history of the user."),
    )


class GrantForm(forms.Form):
    permission = forms.ChoiceField(
        label=_("Permission"), choices=[(c, _(label)) for c, label in LABELS.items()]
    )
    employer = forms.ModelChoiceField(
        label=_("Limited to employer"), queryset=Employer.objects.none(), required=False
    )
    department = _department_field(_("Limited to department (subtree)"))

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
