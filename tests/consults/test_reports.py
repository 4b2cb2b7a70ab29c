"""Notes and the report: the guard, POB drafts, a medic releases, same text, immutable (issue 14, 2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hersteld.consults import selectors, services
from hersteld.consults.models import Notice, Report
from hersteld.core.selectors import audit_events
from tests.support.absence import codes
from tests.support.consults import backdate, clinic, next_weekday_at, plan

pytestmark = pytest.mark.django_db

TEXT = {
    "text": "Gesprek gehad over de werkhervatting.",
    "capabilities": "Kan zittend werk doen, niet tillen.",
    "hours": "4 uur per dag vanaf maandag",
    "adjustments": "Geen nachtdiensten",
    "expected_duration": "Enkele weken",
    "medical_cause": "yes",
    "treatment_adequate": "yes",
    "advice": "Opbouwen in uren",
    "next_appointment": "Over drie weken",
}


def held(world: Any, practitioner: Any = None) -> Any:
    c = clinic(world)
    consult = plan(c, next_weekday_at(4, 10), practitioner=practitioner or world.medic)
    backdate(consult, timezone.now() - dt.timedelta(hours=1))
    services.record_held(actor=practitioner or world.medic, consult_id=consult.pk)
    return c, consult


def test_the_guard_refuses_a_medical_term_and_writes_nothing(world: Any) -> None:
    _, consult = held(world)
    with pytest.raises(ValidationError) as info:
        services.save_report(
            actor=world.medic,
            consult_id=consult.pk,
            data={**TEXT, "capabilities": "Hernia, niet tillen"},
        )
    assert codes(info.value) == {"capabilities": ["medical_term"]}
    assert not Report.objects.exists()


def test_a_pob_drafts_a_medic_releases_and_both_parties_read_the_same_text(world: Any) -> None:
    c, consult = held(world)
    draft = services.save_report(actor=c.pob, consult_id=consult.pk, data=TEXT)
    assert draft.status == "draft"
    # Before release neither employer nor employee sees anything.
    assert selectors.current_report(world.hr, consult) is None
    assert selectors.current_report(world.employee, consult) is None
    with pytest.raises(PermissionDenied):
        services.finalise_report(actor=c.pob, consult_id=consult.pk)
    Notice.objects.all().delete()
    final = services.finalise_report(actor=world.medic, consult_id=consult.pk)
    hr_view = selectors.current_report(world.hr, consult)
    employee_view = selectors.current_report(world.employee, consult)
    assert hr_view is not None and employee_view is not None
    assert hr_view.pk == employee_view.pk == final.pk
    assert hr_view.capabilities == "Kan zittend werk doen, niet tillen."
    told = set(Notice.objects.filter(topic="report").values_list("user__username", flat=True))
    assert told == {world.employee.username, world.hr.username, world.manager.username}


def test_a_final_report_never_changes_a_correction_is_the_next_version(world: Any) -> None:
    _, consult = held(world)
    services.save_report(actor=world.medic, consult_id=consult.pk, data=TEXT)
    first = services.finalise_report(actor=world.medic, consult_id=consult.pk)
    correction = services.save_report(
        actor=world.medic, consult_id=consult.pk, data={**TEXT, "hours": "6 uur per dag"}
    )
    first.refresh_from_db()
    assert (first.version, first.hours, first.status) == (1, "4 uur per dag vanaf maandag", "final")
    assert (correction.version, correction.status) == (2, "draft")
    # The employer keeps reading version 1 until the correction is final.
    assert selectors.current_report(world.hr, consult).version == 1  # type: ignore[union-attr]
    services.finalise_report(actor=world.medic, consult_id=consult.pk)
    assert selectors.current_report(world.hr, consult).hours == "6 uur per dag"  # type: ignore[union-attr]


def test_no_report_for_a_preventive_consult(world: Any) -> None:
    from hersteld.absence.services import add_case
    from hersteld.consults.services import plan_consult

    c = clinic(world)
    preventive = add_case(
        actor=world.casemanager,
        employment_id=world.colleague_employment.pk,
        kind="preventive",
        data={"first_day": timezone.localdate()},
    )
    consult = plan_consult(
        actor=world.casemanager,
        case_id=preventive.pk,
        data={
            "kind": "preventive",
            "method": "phone",
            "practitioner_id": c.pob.pk,
            "starts_at": next_weekday_at(4, 9),
        },
    )
    backdate(consult, timezone.now() - dt.timedelta(hours=1))
    services.record_held(actor=world.medic, consult_id=consult.pk)
    with pytest.raises(ValidationError) as info:
        services.save_report(actor=world.medic, consult_id=consult.pk, data=TEXT)
    assert codes(info.value) == {"__all__": ["report_not_applicable"]}


def test_consult_notes_are_the_medical_file(world: Any) -> None:
    c, consult = held(world)
    services.add_note(actor=c.pob, consult_id=consult.pk, text="Klachten besproken.")
    assert [n.text for n in selectors.notes(world.medic, consult)] == ["Klachten besproken."]
    assert list(selectors.notes(world.hr, consult)) == []
    assert list(selectors.notes(world.casemanager, consult)) == []
    # Not even the history shows HR that a note or a report draft exists.
    services.save_report(actor=world.medic, consult_id=consult.pk, data=TEXT)
    types = set(audit_events(world.hr).values_list("object_type", flat=True))
    assert not types & {"consults.consultnote", "consults.report"}


def test_the_employer_cannot_write_a_note(world: Any) -> None:
    from django.http import Http404

    _, consult = held(world)
    with pytest.raises(Http404):
        services.add_note(actor=world.hr, consult_id=consult.pk, text="x")
