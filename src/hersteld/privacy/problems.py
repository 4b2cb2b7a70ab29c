"""The medical-term guard as a validation step of services (P8, docs/rules/privacy.md).

Services pass the free-text fields a person typed; every finding becomes a field
error naming the term and, where there is one, a neutral alternative. Nothing is
saved while a finding remains.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hersteld.core.validation import Problems, message
from hersteld.privacy.guard import findings_by_field

CATEGORY_LABELS: dict[str, Any] = {
    "diagnosis": _("diagnosis"),
    "symptom": _("symptom"),
    "body_part": _("body part"),
    "medication": _("medication"),
    "treatment": _("treatment"),
    "specialist": _("care provider"),
}


def category_label(category: str) -> str:
    return str(CATEGORY_LABELS.get(category, category))


def check_free_text(problems: Problems, data: Mapping[str, Any], fields: Iterable[str]) -> None:
    """Add a `medical_term` error per finding in the given fields of `data`."""
    for field, findings in findings_by_field(data, fields).items():
        for finding in findings:
            suggestion = ""
            if finding.suggestion:
                suggestion = gettext(str(message("medical_suggestion"))) % {
                    "suggestion": finding.suggestion
                }
            problems.add(
                field,
                "medical_term",
                term=finding.term,
                category=category_label(finding.category),
                suggestion=suggestion,
                # For the form page's one-click replacement (hersteld.web.helpers.form_page).
                start=finding.start,
                replacement=finding.suggestion or "",
            )
