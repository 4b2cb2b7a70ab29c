"""The consults pages of the portal: plan, detail and its actions, agenda, billing, open spreekuur."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from hersteld.consults.models import AvailabilityBlock, Consult, SmsConsent
from tests.support.consults import AMS, backdate, clinic, next_weekday_at, plan

pytestmark = pytest.mark.django_db


def test_the_casemanager_plans_from_the_dossier(world: Any, sign_in: Any) -> None:
    c = clinic(world)
    client = sign_in(world.casemanager)
    tab = client.get(f"/cases/{c.case.pk}/?tab=consults").content.decode()
    assert f"/cases/{c.case.pk}/consults/plan/" in tab
    start = next_weekday_at(3, 10)
    response = client.post(
        f"/cases/{c.case.pk}/consults/plan/",
        {
            "kind": "first",
            "method": "location",
            "practitioner_id": world.medic.pk,
            "starts_at": f"{start:%Y-%m-%dT%H:%M}",
        },
    )
    consult = Consult.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/consults/{consult.pk}/"
    assert consult.starts_at == start
    # HR sees the tab without the plan button.
    hr_tab = sign_in(world.hr).get(f"/cases/{c.case.pk}/?tab=consults").content.decode()
    assert f"/consults/{consult.pk}/" in hr_tab and "/consults/plan/" not in hr_tab


def test_a_refused_plan_shows_the_dutch_reason_and_writes_nothing(world: Any, sign_in: Any) -> None:
    c = clinic(world)
    response = sign_in(world.casemanager).post(
        f"/cases/{c.case.pk}/consults/plan/",
        {
            "kind": "first",
            "method": "location",
            "practitioner_id": world.medic.pk,
            "starts_at": f"{next_weekday_at(3, 20):%Y-%m-%dT%H:%M}",
        },
    )
    assert response.status_code == 422
    assert "buiten de beschikbaarheid" in response.content.decode()
    assert not Consult.objects.exists()


def test_hr_reads_the_late_cancel_refusal_on_the_page(world: Any, sign_in: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(3, 10))
    with mock.patch(
        "hersteld.consults.services._now", return_value=consult.starts_at - dt.timedelta(hours=2)
    ):
        response = sign_in(world.hr).post(f"/consults/{consult.pk}/cancel/", {"reason": ""})
    assert response.status_code == 422
    assert "binnen 48 uur" in response.content.decode()
    assert Consult.objects.get(pk=consult.pk).status == "planned"


def test_the_medic_records_and_reports_on_the_detail_page(world: Any, sign_in: Any) -> None:
    c = clinic(world)
    consult = backdate(plan(c, next_weekday_at(3, 10)), timezone.now() - dt.timedelta(hours=1))
    medic = sign_in(world.medic)
    page = medic.get(f"/consults/{consult.pk}/").content.decode()
    assert f"/consults/{consult.pk}/held/" in page and f"/consults/{consult.pk}/no-show/" in page
    medic.post(f"/consults/{consult.pk}/held/")
    medic.post(f"/consults/{consult.pk}/notes/", {"text": "Besproken."})
    response = medic.post(
        f"/consults/{consult.pk}/report/", {"capabilities": "Kan zittend werk doen"}
    )
    assert response.status_code == 302
    medic.post(f"/consults/{consult.pk}/report/final/")
    hr_page = sign_in(world.hr).get(f"/consults/{consult.pk}/").content.decode()
    assert "Kan zittend werk doen" in hr_page
    assert "Besproken." not in hr_page  # the note is medical
    assert "Besproken." in medic.get(f"/consults/{consult.pk}/").content.decode()


def test_the_invitation_letter_is_a_pdf(world: Any, sign_in: Any) -> None:
    c = clinic(world)
    consult = plan(c, next_weekday_at(3, 10))
    response = sign_in(world.employee).get(f"/consults/{consult.pk}/letter.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_agenda_shows_the_week_and_adds_availability(world: Any, sign_in: Any) -> None:
    c = clinic(world, weekdays=(0,))
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())  # next week's Monday
    consult = plan(c, dt.datetime.combine(monday, dt.time(9), tzinfo=AMS))
    client = sign_in(world.casemanager)
    page = client.get(f"/agenda/?practitioner={world.medic.pk}&week={monday}")
    assert page.status_code == 200
    assert f"/consults/{consult.pk}/" in page.content.decode()
    before = AvailabilityBlock.objects.count()
    response = client.post(
        f"/agenda/?practitioner={world.medic.pk}&week={monday}",
        {"weekday": "2", "start_time": "09:00", "end_time": "12:00", "remote": "on"},
    )
    assert response.status_code == 302
    assert AvailabilityBlock.objects.count() == before + 1


def test_billing_exports_csv_and_xlsx(world: Any, sign_in: Any) -> None:
    from openpyxl import load_workbook

    c = clinic(world)
    consult = backdate(plan(c, next_weekday_at(3, 10)), timezone.now() - dt.timedelta(hours=1))
    from hersteld.consults.services import record_no_show

    record_no_show(actor=world.medic, consult_id=consult.pk)
    client = sign_in(world.casemanager)
    month = f"{timezone.localtime(consult.starts_at):%Y-%m}"
    csv = client.get(f"/billing/?month={month}&export=csv").content.decode()
    assert csv.splitlines()[1] == f"{world.employer.name};{month};no-show;1"
    book = load_workbook(io.BytesIO(client.get("/billing/?export=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1] == (world.employer.name, month, "no-show", 1)
    assert client.get("/billing/?month=maart").status_code == 422
    assert sign_in(world.hr).get("/billing/").status_code == 403


def test_the_employee_requests_and_manages_sms_consent(world: Any, sign_in: Any) -> None:
    clinic(world)
    client = sign_in(world.employee)
    page = client.get("/consults/").content.decode()
    assert "/consults/request/" in page and "sms" in page.lower()
    response = client.post("/consults/request/", {"question": "Werkdruk", "method": "phone"})
    assert response.status_code == 302
    client.post("/consults/sms-consent/", {"phone": "0612345678"})
    assert SmsConsent.objects.filter(
        employee=world.own_employee, withdrawn_at__isnull=True
    ).exists()
    client.post("/consults/sms-consent/", {"withdraw": "1"})
    assert not SmsConsent.objects.filter(
        employee=world.own_employee, withdrawn_at__isnull=True
    ).exists()
    requested = Consult.objects.get(kind="employee_requested")
    staff = sign_in(world.casemanager)
    assert f"/consults/{requested.pk}/" in staff.get("/consults/?show=requested").content.decode()
    assert (
        f"/consults/{requested.pk}/"
        not in sign_in(world.hr).get("/consults/?show=all").content.decode()
    )


def test_the_plan_page_shows_the_next_free_times(world: Any, sign_in: Any) -> None:
    day = timezone.localdate() + dt.timedelta(days=2)  # never today: no slot is past yet
    c = clinic(world, weekdays=(day.weekday(),))
    page = sign_in(world.casemanager).get(f"/cases/{c.case.pk}/consults/plan/").content.decode()
    assert "Eerstvolgende vrije tijden" in page
    # Blocks from 08:00, first consults of 45 minutes: 08:00, 08:45, 09:30, 10:15, for the
    # medic and the POB alike.
    for time in ("08:00", "08:45", "09:30", "10:15"):
        assert page.count(f"{day:%d-%m} {time}") == 2, time
    assert f"{day:%d-%m} 11:00" not in page
