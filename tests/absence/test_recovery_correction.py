"""Issue 11 item 20: correcting or removing the latest herstelmelding (docs/rules/samentelling.md and 6).

A full recovery on R ends the period (docs/rules/recovery.md); a new absence within 28 days of R is
counted together (docs/rules/samentelling.md). Correcting or removing the latest recovery restores the
case's status and percentage, chains later cases again and recomputes the Poortwachter
plan. Dates are computed by hand.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from hersteld.absence import selectors, services
from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus, Recovery
from hersteld.core.models import AuditEvent
from hersteld.exchange.models import Change
from hersteld.poortwachter.models import Todo

pytestmark = pytest.mark.django_db

D1 = dt.date(2025, 1, 6)
PARTIAL = dt.date(2025, 2, 1)  # 50% recovered
FULL = dt.date(2025, 2, 10)  # fully recovered: the last sick day is 2025-02-09
ANALYSIS_DUE = dt.date(2025, 2, 16)  # end of week 6: D1 + 41 days


def sick(actor, employment, first_day):
    return services.add_case(
        actor=actor,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": first_day},
    )


def recover(actor, case, day, percentage, **data):
    return services.add_recovery(
        actor=actor, case_id=case.pk, data={"date": day, "percentage": percentage, **data}
    )


@pytest.fixture
def recovered(world):
    hr = world.hr
    case = sick(hr, world.hire(world.department), D1)
    partial = recover(hr, case, PARTIAL, 50)
    full = recover(hr, case, FULL, 100)
    case.refresh_from_db()
    return case, partial, full


def analysis_todos(case: AbsenceCase) -> set[dt.date]:
    """The due dates of the probleemanalyse; a lapsed milestone has none."""
    rows = Todo.objects.filter(case=case, code="PROBLEEMANALYSE", due__isnull=False)
    return set(rows.values_list("due", flat=True))


def test_the_setting(recovered) -> None:
    case, _partial, _full = recovered
    assert case.status == CaseStatus.CLOSED and case.end_date == FULL
    assert analysis_todos(case) == set()  # week 6 was not reached: it lapsed


def test_removing_a_full_recovery_reopens_the_case_and_the_plan(world, recovered) -> None:
    case, partial, full = recovered
    hr = world.hr
    services.remove_recovery(actor=hr, recovery_id=full.pk, reason="Per abuis gemeld.")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.end_date is None
    assert case.current_sick_percentage == Decimal("50.00")  # as after the partial recovery
    assert not Recovery.objects.filter(pk=full.pk).exists()
    assert analysis_todos(case) == {ANALYSIS_DUE}
    removal = AuditEvent.objects.get(
        object_type="absence.recovery", object_id=str(full.pk), action="delete"
    )
    assert removal.reason == "Per abuis gemeld." and removal.changes["case"] == [case.pk, None]
    # the removal and the original report stay in the case's history
    history = selectors.history(hr, case).filter(object_type="absence.recovery")
    assert set(history.values_list("object_id", "action")) >= {
        (str(full.pk), "create"),
        (str(full.pk), "delete"),
        (str(partial.pk), "create"),
    }
    assert Change.objects.filter(object_type="recovery", object_id=full.pk, action="delete")


def test_removing_the_only_recovery_gives_the_reported_percentage_back(world) -> None:
    hr = world.hr
    case = sick(hr, world.hire(), D1)
    partial = recover(hr, case, PARTIAL, 40)
    services.remove_recovery(actor=hr, recovery_id=partial.pk, reason="Verkeerde werknemer.")
    case.refresh_from_db()
    assert case.current_sick_percentage == Decimal("100.00") and case.status == CaseStatus.OPEN


def test_correcting_the_full_recovery_moves_r_and_chains_a_later_case(world, recovered) -> None:
    """docs/rules/samentelling.md: S - R < 28 days chains. S 2025-03-20; R 2025-02-10 (38 days: new D1)
    corrected to 2025-02-24 (24 days): counted together."""
    case, _partial, full = recovered
    hr = world.hr
    later = sick(hr, case.employment, dt.date(2025, 3, 20))
    assert later.chained_to_id is None
    services.correct_recovery(
        actor=hr,
        recovery_id=full.pk,
        data={"date": dt.date(2025, 2, 24), "percentage": 100, "reason": "Later hersteld."},
    )
    case.refresh_from_db()
    later.refresh_from_db()
    assert case.end_date == dt.date(2025, 2, 24) and case.status == CaseStatus.CLOSED
    assert later.chained_to_id == case.pk
    # 49 sick days before (2025-01-06..2025-02-23): week 1 began 49 days before 2025-03-20
    assert later.week_anchor == dt.date(2025, 1, 30)
    # week 6 was now reached in the first period (2025-02-16 <= 2025-02-23)
    assert analysis_todos(later) == {ANALYSIS_DUE}
    event = AuditEvent.objects.get(
        object_type="absence.recovery", object_id=str(full.pk), action="update"
    )
    assert event.changes["date"] == ["2025-02-10", "2025-02-24"]
    assert event.reason == "Later hersteld."
    # and back: R 2025-02-10 again, the later case starts its own D1
    services.correct_recovery(
        actor=hr, recovery_id=full.pk, data={"date": FULL, "reason": "Toch eerder."}
    )
    later.refresh_from_db()
    assert later.chained_to_id is None and later.week_anchor == dt.date(2025, 3, 20)


def test_correcting_full_into_partial_reopens_the_case(world, recovered) -> None:
    case, _partial, full = recovered
    services.correct_recovery(
        actor=world.casemanager,
        recovery_id=full.pk,
        data={"percentage": 75, "reason": "Nog niet alle uren."},
    )
    case.refresh_from_db()
    full.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.end_date is None
    assert case.current_sick_percentage == Decimal("25.00")
    assert full.percentage == Decimal("75.00")
    assert full.hours == full.contract_hours * Decimal("0.75")


def test_only_the_latest_recovery_and_with_a_reason(world, recovered, refused) -> None:
    _case, partial, full = recovered
    hr = world.hr
    errors = refused(
        lambda: services.correct_recovery(
            actor=hr, recovery_id=partial.pk, data={"percentage": 60, "reason": "x"}
        )
    )
    assert errors == {"__all__": ["recovery_not_latest"]}
    errors = refused(lambda: services.remove_recovery(actor=hr, recovery_id=full.pk, reason=" "))
    assert errors == {"reason": ["reason_required"]}
    errors = refused(
        lambda: services.correct_recovery(
            actor=hr, recovery_id=full.pk, data={"date": PARTIAL, "reason": "x"}
        )
    )
    assert errors == {"date": ["recovery_before_previous"]}


def test_a_removal_that_would_overlap_a_later_case_is_refused(world, recovered, refused) -> None:
    case, _partial, full = recovered
    hr = world.hr
    sick(hr, case.employment, dt.date(2025, 3, 20))
    errors = refused(lambda: services.remove_recovery(actor=hr, recovery_id=full.pk, reason="x"))
    assert errors == {"date": ["case_overlaps"]}


def test_hersteld_at_is_corrected_and_removed_only_by_the_medic(world) -> None:
    medic = world.medic
    case = sick(world.hr, world.hire(), D1)
    therapeutic = recover(medic, case, PARTIAL, 30, therapeutic=True)
    for user in (world.hr, world.casemanager):
        with pytest.raises(PermissionDenied):
            services.remove_recovery(actor=user, recovery_id=therapeutic.pk, reason="x")
    services.remove_recovery(actor=medic, recovery_id=therapeutic.pk, reason="Niet gestart.")
    assert not case.recoveries.exists()


def test_the_api_corrects_and_removes(world, api_as, recovered) -> None:
    _case, _partial, full = recovered
    hr = api_as(world.manager)
    response = hr.post(
        f"/api/v1/recoveries/{full.pk}/correct",
        {"date": "2025-02-12", "reason": "Datum verkeerd."},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["date"] == "2025-02-12" and response.json()["percentage"] == "100.00"
    response = hr.post(f"/api/v1/recoveries/{full.pk}/remove", {"reason": "Toch niet hersteld."})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "open" and response.json()["end_date"] is None
    assert (
        api_as(world.foreign_hr)
        .post(f"/api/v1/recoveries/{_partial.pk}/remove", {"reason": "x"})
        .status_code
        == 404
    )


def test_the_portal_buttons_confirm_and_remove(world, sign_in, recovered) -> None:
    case, partial, full = recovered
    client = sign_in(world.hr)
    page = client.get(f"/cases/{case.pk}/?tab=recoveries").content.decode()
    assert f"/recoveries/{full.pk}/correct/" in page and f"/recoveries/{full.pk}/remove/" in page
    assert f"/recoveries/{partial.pk}/correct/" not in page
    confirm = client.get(f"/recoveries/{full.pk}/remove/").content.decode()
    assert "Hersteldmelding verwijderen" in confirm and 'name="reason"' in confirm
    assert Recovery.objects.filter(pk=full.pk).exists(), "a GET removes nothing"
    response = client.post(f"/recoveries/{full.pk}/remove/", {"reason": "Per abuis."})
    assert response.status_code == 302
    response = client.post(
        f"/recoveries/{partial.pk}/correct/",
        {"date": PARTIAL.isoformat(), "percentage": "60", "reason": "Meer uren."},
    )
    assert response.status_code == 302
    partial.refresh_from_db()
    case.refresh_from_db()
    assert partial.percentage == Decimal("60.00")
    assert case.current_sick_percentage == Decimal("40.00")
    assert sign_in(world.employee).get(f"/recoveries/{partial.pk}/remove/").status_code == 404
