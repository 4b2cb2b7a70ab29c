"""A legal hold per case (issue 15, B4): arbodienst staff set and lift it with a reason,
audited, shown on the dossier; nobody else can."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse

from hersteld.absence.models import AbsenceCase
from hersteld.absence.services import lift_hold, set_hold
from hersteld.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_staff_set_and_lift_a_hold_with_a_reason_both_audited(world: Any) -> None:
    case = world.report_sick()

    set_hold(actor=world.casemanager, case_id=case.pk, reason="Procedure bij UWV loopt")
    held = AbsenceCase.objects.get(pk=case.pk)
    assert held.on_hold and held.hold_reason == "Procedure bij UWV loopt"

    lift_hold(actor=world.admin, case_id=case.pk, reason="Procedure afgerond")
    assert not AbsenceCase.objects.get(pk=case.pk).on_hold

    reasons = list(
        AuditEvent.objects.filter(object_type="absence.absencecase", object_id=str(case.pk))
        .exclude(reason="")
        .order_by("id")
        .values_list("reason", flat=True)
    )
    assert reasons[-2:] == ["Procedure bij UWV loopt", "Procedure afgerond"]


def test_a_hold_needs_a_reason(world: Any, refused: Any) -> None:
    case = world.report_sick()
    assert "reason" in refused(lambda: set_hold(actor=world.medic, case_id=case.pk, reason=" "))


def test_a_hold_is_set_once_and_lifted_once(world: Any, refused: Any) -> None:
    case = world.report_sick()
    set_hold(actor=world.casemanager, case_id=case.pk, reason="Geschil")
    assert refused(lambda: set_hold(actor=world.casemanager, case_id=case.pk, reason="Nog eens"))[
        "__all__"
    ] == ["hold_already_on"]
    lift_hold(actor=world.casemanager, case_id=case.pk, reason="Klaar")
    assert refused(lambda: lift_hold(actor=world.casemanager, case_id=case.pk, reason="Nog eens"))[
        "__all__"
    ] == ["hold_not_on"]


@pytest.mark.parametrize("who", ["hr", "manager", "employee", "other_admin", "other_casemanager"])
def test_nobody_but_the_tenants_staff_finds_the_case_to_hold(world: Any, who: str) -> None:
    case = world.report_sick()
    with pytest.raises(Http404):
        set_hold(actor=getattr(world, who), case_id=case.pk, reason="Geschil")
    assert not AbsenceCase.objects.get(pk=case.pk).on_hold


def test_the_dossier_shows_the_hold_and_staff_may_lift_it(world: Any, sign_in: Any) -> None:
    case = world.report_sick()
    page = sign_in(world.casemanager).get(reverse("absence:case_detail", args=[case.pk]))
    assert reverse("absence:case_hold", args=[case.pk]) in page.content.decode()

    response = sign_in(world.casemanager).post(
        reverse("absence:case_hold", args=[case.pk]), {"reason": "Geschil over re-integratie"}
    )
    assert response.status_code == 302
    text = sign_in(world.casemanager).get(reverse("absence:case_detail", args=[case.pk]))
    body = text.content.decode()
    assert "Bewaarplicht (legal hold)" in body and "Geschil over re-integratie" in body
    assert reverse("absence:case_hold_lift", args=[case.pk]) in body


def test_the_employer_sees_no_hold_button_and_gets_404(world: Any, sign_in: Any) -> None:
    case = world.report_sick()
    client = sign_in(world.hr)
    page = client.get(reverse("absence:case_detail", args=[case.pk])).content.decode()
    assert reverse("absence:case_hold", args=[case.pk]) not in page
    assert (
        client.post(reverse("absence:case_hold", args=[case.pk]), {"reason": "x"}).status_code
        == 404
    )


def test_an_empty_reason_on_the_page_names_the_field_in_dutch(world: Any, sign_in: Any) -> None:
    case = world.report_sick()
    response = sign_in(world.casemanager).post(
        reverse("absence:case_hold", args=[case.pk]), {"reason": ""}
    )
    assert response.status_code == 422
    assert "Dit veld is verplicht" in response.content.decode()
    assert not AbsenceCase.objects.get(pk=case.pk).on_hold


def test_the_employers_side_learns_nothing_of_a_case_hold(world: Any, sign_in: Any) -> None:
    """docs/rules/privacy.md: the employer's users and the employee do not see a hold, not on
    the dossier and not in its history; the arbodienst's staff see both."""
    case = world.report_sick()
    set_hold(actor=world.casemanager, case_id=case.pk, reason="Geschil bij de rechtbank")
    for who in ("hr", "employee"):
        client = sign_in(getattr(world, who))
        for tab in ("", "?tab=history"):
            response = client.get(reverse("absence:case_detail", args=[case.pk]) + tab)
            if response.status_code == 200:
                assert "Geschil bij de rechtbank" not in response.content.decode(), (who, tab)
    staff = sign_in(world.casemanager)
    for tab in ("", "?tab=history"):
        body = staff.get(reverse("absence:case_detail", args=[case.pk]) + tab).content.decode()
        assert "Geschil bij de rechtbank" in body, tab
