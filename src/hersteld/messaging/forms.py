"""The message form: text, topic and files; the rules are in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hersteld.messaging.models import FrequencyChoices, ThreadChoices


class MultipleFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input; each is checked by content in the service."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFiles(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(FilesField, self).clean(item, initial) for item in files]


class MessageForm(forms.Form):
    thread = forms.ChoiceField(choices=ThreadChoices.choices, widget=forms.HiddenInput)
    topic = forms.CharField(label=_("Topic"), required=False, max_length=120)
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    attachments = FilesField(
        label=_("Attachments (PDF, JPEG or PNG)"), required=False, allow_empty_file=True
    )


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("E-mail me about new messages"),
        choices=FrequencyChoices.choices,
        widget=forms.RadioSelect,
    )
