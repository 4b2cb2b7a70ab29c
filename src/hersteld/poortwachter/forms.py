"""Forms for to-dos: mark one done, add a manual one."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hersteld.poortwachter.models import Party

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        help_text=_("For example where the document is. No medical data."),
    )


class TodoForm(forms.Form):
    title = forms.CharField(label=_("What must be done"), max_length=200)
    due = forms.DateField(label=_("Due"), widget=DATE, required=False)
    party = forms.ChoiceField(label=_("Who"), choices=Party.choices, required=False)
