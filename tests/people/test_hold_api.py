"""The legal hold through the API (B4): the same rules as on the pages. The arbodienst's own
staff read, set and lift the hold of a case or a person, always with a reason; everyone else
gets 404 and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest

from hersteld.absence.models import AbsenceCase
from hersteld.core.models import AuditEvent
from hersteld.people.models import Employee

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["case", "employee"])
def held(request: Any, world: Any) -> tuple[str, Any]:
    """(the hold's path, a function that reads the object again) for a case and a person."""
    if request.param == "case":
        case = world.report_sick()
        return f"/api/v1/cases/{case.pk}/hold", lambda: AbsenceCase.objects.get(pk=case.pk)
    pk = world.own_employee.pk
    return f"/api/v1/employees/{pk}/hold", lambda: Employee.objects.get(pk=pk)


def codes(response: Any) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


def test_staff_set_read_and_lift_a_hold(world: Any, api_as: Any, held: Any) -> None:
    path, fresh = held
    staff = api_as(world.casemanager)
    assert staff.get(path).json()["on_hold"] is False

    response = staff.post(path, {"reason": "Geschil bij de kantonrechter"})
    assert response.status_code == 200
    body = response.json()
    assert body["on_hold"] is True and body["hold_reason"] == "Geschil bij de kantonrechter"
    assert body["hold_since"] and body["hold_by_name"]
    assert fresh().on_hold
    assert api_as(world.medic).get(path).json()["hold_reason"] == "Geschil bij de kantonrechter"

    lifted = staff.post(path + "/lift", {"reason": "Geschikt"})
    assert lifted.status_code == 200
    assert lifted.json() == {
        "on_hold": False,
        "hold_since": None,
        "hold_reason": "",
        "hold_by_name": "",
    }
    assert not fresh().on_hold
    reasons = AuditEvent.objects.filter(reason__in=["Geschil bij de kantonrechter", "Geschikt"])
    assert reasons.count() == 2


def test_a_hold_needs_a_reason_and_is_set_once(world: Any, api_as: Any, held: Any) -> None:
    path, fresh = held
    staff = api_as(world.casemanager)
    empty = staff.post(path, {"reason": "  "})
    assert empty.status_code == 422 and codes(empty) == ["reason_required"]
    assert not fresh().on_hold
    not_on = staff.post(path + "/lift", {"reason": "Klaar"})
    assert not_on.status_code == 422 and codes(not_on)[0].endswith("hold_not_on")

    assert staff.post(path, {"reason": "Claim"}).status_code == 200
    twice = staff.post(path, {"reason": "Nog een claim"})
    assert twice.status_code == 422 and codes(twice)[0].endswith("hold_already_on")
    assert fresh().hold_reason == "Claim"


@pytest.mark.parametrize("who", ["hr", "employee", "other_casemanager"])
def test_nobody_else_finds_the_hold(world: Any, api_as: Any, held: Any, who: str) -> None:
    path, fresh = held
    api_as(world.casemanager).post(path, {"reason": "Claim over ontslag"})
    client = api_as(getattr(world, who))
    for response in (
        client.get(path),
        client.post(path, {"reason": "weg"}),
        client.post(path + "/lift", {"reason": "weg"}),
    ):
        assert response.status_code == 404
        assert "Claim over ontslag" not in response.content.decode()
    assert fresh().hold_reason == "Claim over ontslag"
