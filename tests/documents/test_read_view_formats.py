"""A final document read in the portal (HR's read-only view) shows its dates and numbers in
Dutch: dd-mm-jjjj, a decimal comma, no needless ",0"; a choice by its label. The stored
values stay ISO and dot-decimal (the API is unchanged)."""

from __future__ import annotations

from typing import Any

import pytest

from hersteld.documents import services
from tests.support.documents import PLAN_FIELDS, sick_case

pytestmark = pytest.mark.django_db


def _final_plan(world: Any, **fields: Any) -> Any:
    case = sick_case(world)
    document = services.create_draft(
        actor=world.casemanager, case_id=case.pk, doc_type="PLAN_VAN_AANPAK"
    )
    services.save_draft(
        actor=world.casemanager, document_id=document.pk, fields={**PLAN_FIELDS, **fields}
    )
    return services.finalise(actor=world.casemanager, document_id=document.pk)


def _facts(response: Any) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_hr_reads_dates_and_whole_hours_in_dutch(world, sign_in) -> None:
    document = _final_plan(
        world, first_day="2026-11-02", employee_birth_date="1985-03-14", hours_per_week=38.0
    )
    assert document.fields["first_day"] == "2026-11-02"  # stored as ISO
    page = _facts(sign_in(world.hr).get(f"/documents/{document.pk}/"))
    assert "<dd>02-11-2026</dd>" in page
    assert "<dd>14-03-1985</dd>" in page
    assert "<dd>38</dd>" in page
    for raw in ("2026-11-02", "1985-03-14", "38.0"):
        assert raw not in page
    # A choice reads as its label, not its stored key.
    assert "<dd>aangepast eigen werk</dd>" in page
    assert "adapted_work" not in page


def test_hr_reads_part_hours_with_a_decimal_comma(world, sign_in) -> None:
    document = _final_plan(world, hours_per_week=38.5)
    page = _facts(sign_in(world.hr).get(f"/documents/{document.pk}/"))
    assert "<dd>38,5</dd>" in page
    assert "38.5" not in page


def test_the_api_keeps_the_stored_values(world, api_as) -> None:
    document = _final_plan(world, first_day="2026-11-02", hours_per_week=38.5)
    body = api_as(world.hr).get(f"/api/v1/documents/{document.pk}").json()
    assert body["fields"]["first_day"] == "2026-11-02"
    assert body["fields"]["hours_per_week"] == 38.5
