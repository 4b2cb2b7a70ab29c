"""Helpers for the UWV document tests: a sick case in a `world`, filled-in fields, PDF text."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from typing import Any

from django.utils import timezone

from hersteld.absence.models import AbsenceCase
from hersteld.absence.services import add_case

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"

PLAN_FIELDS: dict[str, Any] = {
    "goal": "adapted_work",
    "activities": "Werkplekonderzoek in week 8; opbouw naar 4 uur per dag.",
    "evaluation_moments": "Elke 6 weken, eerste keer over 6 weken.",
    "view_employer": "Wij verwachten terugkeer in aangepast werk.",
    "view_employee": "Ik wil graag eerst halve dagen werken.",
    "signer_employer": "C. Casemanager",
    "signer_employee": "W. Werknemer",
}
ANALYSIS_FIELDS: dict[str, Any] = {
    "medical_cause": True,
    "limitations": "Niet tillen boven 10 kilo.",
    "capabilities": "Vier uur per dag licht werk, vanaf volgende week.",
    "prognosis": "Volledige terugkeer binnen drie maanden verwacht.",
    "advice": "Aangepast eigen werk, opbouw per twee weken.",
}
DIAGNOSIS = "Lumbale hernia L4-L5 met uitstraling"


def sick_case(world: Any, days: int = 60) -> AbsenceCase:
    """A sickness case of the world's employee that started `days` ago (its plan has steps)."""
    return add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="sickness",
        data={"first_day": timezone.localdate() - dt.timedelta(days=days)},
    )


def pdf_text(content: bytes) -> str:
    """The text of a PDF through poppler's pdftotext (installed by `make install`)."""
    tool = shutil.which("pdftotext")
    assert tool is not None, "pdftotext (poppler-utils) is needed"
    result = subprocess.run(
        [tool, "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()
