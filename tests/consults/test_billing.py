"""The bill: the consults' items and the coupling items together, per employer and month
(issue 14, 4). The coupling items come from the exchange app through the
`billable_items` hook."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone

from hersteld.consults import selectors
from hersteld.consults.services import record_no_show
from tests.support.consults import backdate, clinic, next_weekday_at, plan, requested_and_held

pytestmark = pytest.mark.django_db


def this_month() -> str:
    return f"{timezone.localdate():%Y-%m}"


def no_show_now(world: Any) -> None:
    """A no-show an hour ago: one item of the employer this month."""
    c = clinic(world)
    consult = backdate(plan(c, next_weekday_at(3, 10)), timezone.now() - dt.timedelta(hours=1))
    record_no_show(actor=world.medic, consult_id=consult.pk)


@pytest.fixture
def billed(world: Any) -> Any:
    """This month: the employer has a no-show and an activated coupling (the set-up item);
    the other arbodienst's employer has an activated coupling too."""
    if timezone.localtime(timezone.now() - dt.timedelta(hours=1)).day != timezone.localdate().day:
        pytest.skip("the hour before now lies in another day (and maybe month)")
    no_show_now(world)
    world.active_coupling(world.employer)
    world.active_coupling(world.foreign_employer)
    return world


def test_the_coupling_set_up_is_on_the_bill_with_the_no_show(billed: Any) -> None:
    rows = selectors.billing(billed.casemanager, month=timezone.localdate().replace(day=1))
    own = billed.employer.name
    assert sorted((r.employer_name, r.kind, r.number) for r in rows) == [
        (own, "coupling_setup", 1),
        (own, "no_show", 1),
    ]
    assert selectors.billing_totals(rows) == {
        (billed.employer.pk, timezone.localdate().replace(day=1)): 2
    }


def test_the_api_lists_the_coupling_item_and_never_another_tenants(
    billed: Any, api_as: Any
) -> None:
    own, foreign_name = billed.employer.name, billed.foreign_employer.name
    rows = api_as(billed.casemanager).get("/api/v1/billing", month=this_month()).json()
    assert {(r["employer_name"], r["kind"], r["label"], r["count"]) for r in rows} == {
        (own, "no_show", "no-show", 1),
        (own, "coupling_setup", "inrichting koppeling", 1),
    }
    foreign = api_as(billed.other_casemanager).get("/api/v1/billing").json()
    assert {(r["employer_name"], r["kind"]) for r in foreign} == {(foreign_name, "coupling_setup")}
    # The other arbodienst's employer as a filter: nothing, as for an unknown id.
    none = api_as(billed.casemanager).get("/api/v1/billing", employer=billed.foreign_employer.pk)
    assert none.json() == []


def test_the_page_and_its_exports_show_the_coupling_item_and_the_total(
    billed: Any, sign_in: Any
) -> None:
    from openpyxl import load_workbook

    own, foreign_name = billed.employer.name, billed.foreign_employer.name
    client = sign_in(billed.casemanager)
    page = client.get(f"/billing/?month={this_month()}").content.decode()
    assert "inrichting koppeling" in page and foreign_name not in page
    lines = client.get(f"/billing/?month={this_month()}&export=csv").content.decode().splitlines()
    assert lines[1:] == [
        f"{own};{this_month()};inrichting koppeling;1",
        f"{own};{this_month()};no-show;1",
        f"{own};{this_month()};Totaal;2",
    ]
    book = load_workbook(io.BytesIO(client.get("/billing/?export=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert (own, this_month(), "inrichting koppeling", 1) in rows
    assert (own, this_month(), "Totaal", 2) in rows
    assert not any(foreign_name in str(row) for row in rows)


def test_hr_sees_no_bill_at_all(billed: Any, sign_in: Any, api_as: Any) -> None:
    assert selectors.billing(billed.hr) == []
    assert sign_in(billed.hr).get("/billing/").status_code == 403
    assert api_as(billed.hr).get("/api/v1/billing").status_code == 403


def test_the_open_spreekuur_stays_anonymous_next_to_the_coupling_items(
    world: Any, sign_in: Any, api_as: Any
) -> None:
    _, consult = requested_and_held(world)
    world.active_coupling(world.employer)
    rows = api_as(world.casemanager).get("/api/v1/billing").json()
    assert {r["kind"] for r in rows} == {"employee_requested", "coupling_setup"}
    for row in rows:
        assert set(row) == {"employer_id", "employer_name", "month", "kind", "label", "count"}
    employee = world.own_employee
    csv = sign_in(world.casemanager).get("/billing/?export=csv").content.decode()
    day = f"{timezone.localtime(consult.starts_at):%d-%m-%Y}"
    for secret in (employee.surname, day, timezone.localtime(consult.starts_at).isoformat()):
        assert secret not in csv
