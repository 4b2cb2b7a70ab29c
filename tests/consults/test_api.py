"""The consults API (issue 14, 5 and 6): the same services, Dutch field errors, nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from hersteld.consults.models import BillableItem, Consult, Report
from tests.support.clients import ApiClient
from tests.support.consults import AMS, backdate, clinic, next_weekday_at

pytestmark = pytest.mark.django_db


def body(c: Any, starts_at: dt.datetime, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "first",
        "method": "location",
        "practitioner_id": c.world.medic.pk,
        "starts_at": starts_at.isoformat(),
        **extra,
    }


def test_practitioners_and_free_slots(world: Any) -> None:
    c = clinic(world)
    staff = ApiClient(world.casemanager)
    names = {p["id"] for p in staff.get("/api/v1/practitioners").json()}
    assert names == {world.medic.pk, c.pob.pk}
    day = next_weekday_at(2, 8).date()
    slots = staff.get(
        f"/api/v1/practitioners/{world.medic.pk}/slots",
        **{"from": day.isoformat(), "to": day.isoformat(), "kind": "first", "method": "location"},
    ).json()
    # 08:00-17:00 in slots of 45 minutes: 08:00, 08:45, ..., 16:15 -> 12 slots.
    assert len(slots) == 12
    assert dt.datetime.fromisoformat(slots[0]["starts_at"]).astimezone(AMS).time() == dt.time(8, 0)
    assert dt.datetime.fromisoformat(slots[-1]["ends_at"]).astimezone(AMS).time() == dt.time(17, 0)
    assert ApiClient(world.hr).get("/api/v1/practitioners").status_code == 403


def test_plan_then_the_slot_is_taken(world: Any) -> None:
    c = clinic(world)
    staff = ApiClient(world.casemanager)
    start = next_weekday_at(2, 9)
    response = staff.post(f"/api/v1/cases/{c.case.pk}/consults", body(c, start))
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "planned"
    again = staff.post(
        f"/api/v1/cases/{c.case.pk}/consults", body(c, start + dt.timedelta(minutes=15))
    )
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "starts_at"
    assert "heeft al een consult" in again.json()["errors"][0]["message"]
    slots = staff.get(
        f"/api/v1/practitioners/{world.medic.pk}/slots",
        **{
            "from": start.date().isoformat(),
            "to": start.date().isoformat(),
            "kind": "first",
            "method": "location",
        },
    ).json()
    starts = {dt.datetime.fromisoformat(s["starts_at"]).astimezone(AMS).time() for s in slots}
    assert dt.time(9, 0) not in starts and dt.time(8, 0) in starts
    assert Consult.objects.count() == 1


def test_bad_input_writes_nothing(world: Any) -> None:
    c = clinic(world)
    staff = ApiClient(world.casemanager)
    past = staff.post(
        f"/api/v1/cases/{c.case.pk}/consults", body(c, timezone.now() - dt.timedelta(days=1))
    )
    assert past.status_code == 422
    assert past.json()["errors"][0]["code"] == "consult_in_past"
    wrong = staff.post(
        f"/api/v1/cases/{c.case.pk}/consults", body(c, next_weekday_at(2, 9), kind="x", method="y")
    )
    assert wrong.status_code == 422
    assert {e["field"] for e in wrong.json()["errors"]} == {"kind", "method"}
    unknown = staff.post(
        f"/api/v1/cases/{c.case.pk}/consults", {**body(c, next_weekday_at(2, 9)), "extra": 1}
    )
    assert unknown.status_code == 422
    assert Consult.objects.count() == 0


def test_hr_late_cancel_is_refused_in_dutch_and_staff_may(world: Any) -> None:
    c = clinic(world)
    staff, hr = ApiClient(world.casemanager), ApiClient(world.hr)
    consult = staff.post(
        f"/api/v1/cases/{c.case.pk}/consults", body(c, next_weekday_at(4, 9))
    ).json()
    starts = dt.datetime.fromisoformat(consult["starts_at"])
    with mock.patch(
        "hersteld.consults.services._now", return_value=starts - dt.timedelta(hours=47)
    ):
        refused = hr.post(f"/api/v1/consults/{consult['id']}/cancel", {})
        assert refused.status_code == 422
        assert "binnen 48 uur" in refused.json()["errors"][0]["message"]
        assert Consult.objects.get(pk=consult["id"]).status == "planned"
        done = staff.post(
            f"/api/v1/consults/{consult['id']}/cancel",
            {"reason": "Afgezegd door werkgever", "by": "employer"},
        )
    assert done.status_code == 200
    assert (done.json()["cancel_timing"], done.json()["cancelled_by"]) == ("late", "employer")
    month = f"{starts.astimezone(AMS):%Y-%m}"
    rows = staff.get("/api/v1/billing", employer=world.employer.pk, month=month).json()
    assert rows == [
        {
            "employer_id": world.employer.pk,
            "employer_name": world.employer.name,
            "month": month,
            "kind": "late_cancellation",
            "label": "late annulering",
            "count": 1,
        }
    ]


def test_no_show_then_report_released_to_hr(world: Any) -> None:
    c = clinic(world)
    staff, medic, hr = ApiClient(world.casemanager), ApiClient(world.medic), ApiClient(world.hr)
    first = staff.post(f"/api/v1/cases/{c.case.pk}/consults", body(c, next_weekday_at(4, 9))).json()
    early = medic.post(f"/api/v1/consults/{first['id']}/no-show", {})
    assert early.status_code == 422
    backdate(Consult.objects.get(pk=first["id"]), timezone.now() - dt.timedelta(hours=2))
    assert medic.post(f"/api/v1/consults/{first['id']}/no-show", {}).json()["status"] == "no_show"
    assert BillableItem.objects.get(consult_id=first["id"]).kind == "no_show"

    second = staff.post(
        f"/api/v1/cases/{c.case.pk}/consults", body(c, next_weekday_at(5, 10), kind="follow_up")
    ).json()
    backdate(Consult.objects.get(pk=second["id"]), timezone.now() - dt.timedelta(hours=1))
    assert medic.post(f"/api/v1/consults/{second['id']}/held", {}).status_code == 200
    guarded = medic.client.put(
        f"/api/v1/consults/{second['id']}/report",
        {"capabilities": "Last van hernia"},
        content_type="application/json",
    )
    assert guarded.status_code == 422
    assert guarded.json()["errors"][0]["field"] == "capabilities"
    assert not Report.objects.exists()
    saved = medic.client.put(
        f"/api/v1/consults/{second['id']}/report",
        {"capabilities": "Kan lichte taken doen", "hours": "4 uur per dag"},
        content_type="application/json",
    )
    assert saved.status_code == 200 and saved.json()["status"] == "draft"
    assert hr.get(f"/api/v1/consults/{second['id']}/report").status_code == 404
    assert hr.get(f"/api/v1/consults/{second['id']}").json()["report_status"] == "none"
    assert (
        medic.post(f"/api/v1/consults/{second['id']}/report/final", {}).json()["status"] == "final"
    )
    read = hr.get(f"/api/v1/consults/{second['id']}/report").json()
    assert (read["capabilities"], read["version"], read["status"]) == (
        "Kan lichte taken doen",
        1,
        "final",
    )
    # Final is final: HR cannot write, the medic's next PUT is version 2.
    put = hr.client.put(
        f"/api/v1/consults/{second['id']}/report", {}, content_type="application/json"
    )
    assert (
        put.status_code == 404
    )  # no right to write reports: the route answers as if it did not exist


def test_the_open_spreekuur_is_invisible_to_hr(world: Any, sign_in: Any) -> None:
    employee = sign_in(world.employee)
    response = employee.post(
        "/api/v1/me/consult-requests",
        {"question": "Werkdruk", "method": "phone"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    hr = ApiClient(world.hr)
    assert hr.get(f"/api/v1/consults/{pk}").status_code == 404
    assert hr.get("/api/v1/consults").json()["count"] == 0
    assert hr.post(f"/api/v1/consults/{pk}/cancel", {}).status_code == 404
    assert ApiClient(world.casemanager).get(f"/api/v1/consults/{pk}").status_code == 200
    assert (
        ApiClient(world.hr)
        .post("/api/v1/me/consult-requests", {"question": "x", "method": "phone"})
        .status_code
        == 403
    )


def test_billing_month_must_be_a_month(world: Any) -> None:
    response = ApiClient(world.casemanager).get("/api/v1/billing", month="2026-13")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "month"


def test_the_list_costs_a_fixed_number_of_queries(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    c = clinic(world)
    staff = ApiClient(world.casemanager)
    for hour in (8, 9, 10):
        staff.post(
            f"/api/v1/cases/{c.case.pk}/consults",
            body(c, next_weekday_at(2, hour), kind="follow_up"),
        )
    with django_assert_max_num_queries(10):
        assert staff.get("/api/v1/consults").json()["count"] == 3
    for hour in (11, 12, 13, 14):
        staff.post(
            f"/api/v1/cases/{c.case.pk}/consults",
            body(c, next_weekday_at(2, hour), kind="follow_up"),
        )
    with django_assert_max_num_queries(10):
        assert staff.get("/api/v1/consults").json()["count"] == 7
