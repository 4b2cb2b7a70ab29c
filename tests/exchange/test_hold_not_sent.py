"""A legal hold stays with the arbodienst (docs/rules/privacy.md, "Legal hold"): the change
feed shows the employer's side no change of only the hold, and no outbound stream sends the
employer's system a message because a hold was set or lifted."""

from __future__ import annotations

from typing import Any

import pytest

from hersteld.absence.services import set_hold
from hersteld.exchange.models import Coupling, OutboxMessage
from hersteld.people import services as people_services
from tests.support.exchange import send_out

pytestmark = pytest.mark.django_db


def feed(client: Any) -> list[dict[str, Any]]:
    page = client.get("/api/v1/exchange/changes", cursor="0", limit=1000).json()
    assert not page["has_more"]
    return list(page["changes"])


def hold_entries(client: Any) -> list[dict[str, Any]]:
    return [row for row in feed(client) if "hold_reason" in row["fields"]]


def test_the_feed_shows_hold_changes_to_staff_only(world: Any, api_as: Any) -> None:
    case = world.report_sick()
    person = world.own_employee
    before = len(feed(api_as(world.hr)))
    set_hold(actor=world.casemanager, case_id=case.pk, reason="Geschil")
    people_services.set_person_hold(actor=world.casemanager, employee_id=person.pk, reason="Claim")

    staff = hold_entries(api_as(world.casemanager))
    assert sorted((row["type"], row["id"]) for row in staff) == sorted(
        [("case", case.pk), ("employee", person.pk)]
    )
    assert hold_entries(api_as(world.hr)) == []
    assert len(feed(api_as(world.hr))) == before


def test_a_person_hold_sends_the_employers_system_nothing(world: Any, coupling: Coupling) -> None:
    case = world.report_sick()
    send_out(coupling, world.operator)
    person = case.employee
    # A real change of the person goes out (so the coupling would send one)...
    people_services.update_employee(
        actor=world.casemanager, employee_id=person.pk, data={"phone": "0612345678"}
    )
    before = OutboxMessage.objects.filter(coupling=coupling).count()
    assert before >= 1
    # ...a hold set and lifted does not.
    people_services.set_person_hold(actor=world.casemanager, employee_id=person.pk, reason="Claim")
    people_services.lift_person_hold(actor=world.casemanager, employee_id=person.pk, reason="Klaar")
    set_hold(actor=world.casemanager, case_id=case.pk, reason="Geschil")
    assert OutboxMessage.objects.filter(coupling=coupling).count() == before
