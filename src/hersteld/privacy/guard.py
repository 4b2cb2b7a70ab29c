"""The medical-term guard with the lexicon this installation is configured with (docs/rules/privacy.md).

Services that save free text written by non-medical users call `findings_by_field` and
show the findings with their neutral alternatives before the text is stored.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings

from hersteld.privacy.medical_terms import Finding, Lexicon, load_lexicon, scan


@functools.cache
def configured_lexicon() -> Lexicon:
    """The built-in lexicon plus `MEDICAL_LEXICON_FILES`, loaded once per process."""
    return load_lexicon(*settings.MEDICAL_LEXICON_FILES)


def scan_text(text: str) -> list[Finding]:
    return scan(text, configured_lexicon())


def findings_by_field(data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, list[Finding]]:
    """Findings per field, for the fields whose value is a non-empty string with findings."""
    result: dict[str, list[Finding]] = {}
    for name in fields:
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            findings = scan_text(value)
            if findings:
                result[name] = findings
    return result


def as_json(finding: Finding) -> dict[str, Any]:
    return {
        "term": finding.term,
        "start": finding.start,
        "end": finding.end,
        "category": finding.category,
        "suggestion": finding.suggestion,
    }
