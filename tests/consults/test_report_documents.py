"""A final consult report fills the UWV document it can serve as (issue 14, 2: "do not build
a second copy of the same form"): a first consult's report the probleemanalyse, a later
one an actueel oordeel being drafted. Through the `report_released` hook: consults and
documents are siblings and do not import each other."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from hersteld.consults import services
from hersteld.consults.models import Consult
from hersteld.core.models import AuditEvent
from hersteld.documents.models import Document
from tests.support.consults import Clinic, backdate, clinic, next_weekday_at, plan

pytestmark = pytest.mark.django_db

REPORT = {
    "capabilities": "Kan zittend werk doen, niet tillen.",
    "hours": "4 uur per dag vanaf volgende week",
    "adjustments": "Een bureau op de begane grond",
    "expected_duration": "Naar verwachting zes weken",
    "medical_cause": "yes",
    "treatment_adequate": "no",
    "advice": "Opbouwen in eigen werk.",
}

# The document fields a report fills.
REPORT_FIELDS = (
    "limitations",
    "capabilities",
    "prognosis",
    "medical_cause",
    "treatment_adequate",
    "advice",
)


def reported(c: Clinic, kind: str = "first", days: int = 3, **report: Any) -> Consult:
    """A consult of `kind` held `days` hours ago (each a free place in the agenda) whose
    report the medic made final."""
    consult = backdate(
        plan(c, next_weekday_at(days, 10), kind=kind), timezone.now() - dt.timedelta(hours=days)
    )
    services.record_held(actor=c.world.medic, consult_id=consult.pk)
    services.save_report(actor=c.world.medic, consult_id=consult.pk, data=report or REPORT)
    services.finalise_report(actor=c.world.medic, consult_id=consult.pk)
    return consult


def test_a_first_consults_report_becomes_the_probleemanalyse_draft(world: Any) -> None:
    c = clinic(world)
    reported(c)
    document = Document.objects.get(case=c.case, doc_type="PROBLEEMANALYSE")
    assert document.status == "draft"
    assert {k: document.fields.get(k) for k in REPORT_FIELDS} == {
        "limitations": "Kan zittend werk doen, niet tillen.",
        "capabilities": "4 uur per dag vanaf volgende week\n\nEen bureau op de begane grond",
        "prognosis": "Naar verwachting zes weken",
        "medical_cause": True,
        "treatment_adequate": False,
        "advice": "Opbouwen in eigen werk.",
    }
    assert document.medical_fields == {}
    # The employee's name and the like come from the records, as for any new draft.
    assert document.fields["employee_name"] == c.case.employee.display_name
    assert AuditEvent.objects.filter(
        object_type="documents.document",
        object_id=str(document.pk),
        reason__startswith="consult report",
    ).exists()


def test_what_the_doctor_already_wrote_in_the_draft_stays(world: Any) -> None:
    from hersteld.documents.services import create_draft, save_draft

    c = clinic(world)
    draft = create_draft(actor=world.medic, case_id=c.case.pk, doc_type="PROBLEEMANALYSE")
    save_draft(actor=world.medic, document_id=draft.pk, fields={"advice": "Eigen advies."})
    reported(c)
    draft.refresh_from_db()
    assert Document.objects.filter(doc_type="PROBLEEMANALYSE").count() == 1
    assert draft.fields["advice"] == "Eigen advies."
    assert draft.fields["limitations"] == "Kan zittend werk doen, niet tillen."


def test_no_second_probleemanalyse_once_one_is_final(world: Any) -> None:
    c = clinic(world)
    Document.objects.create(case=c.case, doc_type="PROBLEEMANALYSE", status="final")
    reported(c)
    assert Document.objects.filter(doc_type="PROBLEEMANALYSE").count() == 1


def test_a_follow_up_report_fills_only_an_actueel_oordeel_being_drafted(world: Any) -> None:
    from hersteld.documents.services import create_draft

    c = clinic(world)
    reported(c, kind="follow_up", days=3)
    assert not Document.objects.exists()
    oordeel = create_draft(actor=world.medic, case_id=c.case.pk, doc_type="ACTUEEL_OORDEEL")
    reported(c, kind="follow_up", days=4, capabilities="Kan volledig eigen werk doen.")
    oordeel.refresh_from_db()
    assert oordeel.fields["limitations"] == "Kan volledig eigen werk doen."
    assert "medical_cause" not in oordeel.fields  # the actueel oordeel does not ask it
    assert not Document.objects.filter(doc_type="PROBLEEMANALYSE").exists()


def test_a_draft_report_fills_nothing(world: Any) -> None:
    c = clinic(world)
    consult = backdate(plan(c, next_weekday_at(3, 10)), timezone.now() - dt.timedelta(hours=1))
    services.record_held(actor=world.medic, consult_id=consult.pk)
    services.save_report(actor=c.pob, consult_id=consult.pk, data=REPORT)
    assert not Document.objects.exists()
