"""Form widgets the portal script enhances; every form works without the script too."""

from __future__ import annotations

from typing import Any

from django import forms


class EmployerLinkedSelect(forms.Select):
    """A department select whose options carry their employer (data-employer); the page
    script shows only the departments of the employer chosen in the same form (the field
    named in data-follows), whatever the option text, and never clears a matching choice."""

    def __init__(self, follows: str = "employer") -> None:
        super().__init__(attrs={"data-follows": follows})

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        instance = getattr(option["value"], "instance", None)
        if instance is not None:
            option["attrs"]["data-employer"] = str(instance.employer_id)
        return option
