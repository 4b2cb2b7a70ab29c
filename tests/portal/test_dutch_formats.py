"""Pages show a record's dates, money, hours and percentages in Dutch format (issue 11 item 15):
the history tabs (from audit strings), the employee page and the lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from hersteld.absence import services as absence_services
from hersteld.absence.models import Recovery
from hersteld.core.models import AuditEvent
from tests.support.formats import format_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(world):
    return format_record("FMT-1", hr=world.hr, department=world.department)


def _text(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


@pytest.mark.parametrize("username", ["hr", "casemanager"])
def test_the_employee_history_shows_dutch_dates_money_and_hours(
    world, sign_in, record, username
) -> None:
    employment, _ = record
    page = _text(
        sign_in(getattr(world, username)).get(f"/employees/{employment.employee_id}/?tab=history")
    )
    assert "<del>€ 41.310,00</del> &rarr; <ins>€ 52.000,50</ins>" in page
    assert "<del>32</del> &rarr; <ins>37,5</ins>" in page
    assert "<del>17-05-1990</del> &rarr; <ins>18-05-1990</ins>" in page
    assert "<small>geldt vanaf 01-01-2025</small>" in page  # the hours' effective date
    for raw in ("41310", "52000.50", "37.50", "1990-05-17", "1990-05-18", "2025-01-01"):
        assert raw not in page


@pytest.mark.parametrize("username", ["hr", "casemanager"])
def test_the_case_history_shows_dutch_dates_and_percentages(
    world, sign_in, record, username
) -> None:
    _, case = record
    page = _text(sign_in(getattr(world, username)).get(f"/cases/{case.pk}/?tab=history"))
    assert "50% 09-02-2026" in page  # the recovery's name
    assert "<ins>09-02-2026</ins>" in page
    assert "<ins>50%</ins>" in page
    assert "<ins>02-02-2026</ins>" in page
    for raw in ("50.00", "100.00", "2026-02-09", "2026-02-02"):
        assert raw not in page


def test_the_employee_page_shows_salary_hours_and_dates_in_dutch(world, sign_in, record) -> None:
    employment, _ = record
    page = _text(sign_in(world.hr).get(f"/employees/{employment.employee_id}/"))
    assert "<dt>Roepnaam</dt><dd>Tess</dd>" in page
    assert "<dt>Geboortedatum</dt><dd>18-05-1990</dd>" in page
    assert "<dd>€ 52.000,50</dd>" in page
    assert "<dd>37,5 uur</dd>" in page
    assert "<dd>01-03-2024</dd>" in page


def test_the_employee_form_and_page_use_the_same_name_for_the_first_name(
    world, sign_in, record
) -> None:
    employment, _ = record
    form = _text(sign_in(world.hr).get(f"/employees/{employment.employee_id}/edit/"))
    assert ">Roepnaam" in form
    assert "Voornaam" not in form


def test_the_lists_show_dutch_hours_dates_and_percentages(world, sign_in, record) -> None:
    client = sign_in(world.casemanager)
    employments = _text(client.get("/employments/", {"q": "Formatproef"}))
    assert '<td data-label="Uren">37,5</td>' in employments
    assert "01-03-2024" in employments
    cases = _text(client.get("/cases/", {"q": "Formatproef"}))
    assert "02-02-2026" in cases
    assert ">50%<" in cases
    assert "50.00" not in cases


def test_a_recovery_named_before_the_dutch_formats_reads_dutch_too(
    world, sign_in, record, monkeypatch
) -> None:
    _, case = record
    # How a recovery named itself before: the percentage as Python writes a Decimal.
    monkeypatch.setattr(Recovery, "__str__", lambda r: f"{r.percentage}% {r.date:%d-%m-%Y}")
    absence_services.add_recovery(
        actor=world.hr,
        case_id=case.pk,
        data={"date": dt.date(2026, 2, 16), "percentage": Decimal("62.5")},
    )
    assert AuditEvent.objects.filter(object_repr="62.50% 16-02-2026").exists()
    page = _text(sign_in(world.hr).get(f"/cases/{case.pk}/?tab=history"))
    assert "aangemaakt: 62,5% 16-02-2026" in page


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("first_day", "2025-03-03", "03-03-2025"),
        ("birth_date", "1990-05-17", "17-05-1990"),
        ("sick_percentage", "100.00", "100%"),
        ("sick_percentage", "37.50", "37,5%"),
        ("safety_net", False, "Nee"),
        ("status", "open", "open"),
        ("gender", "V", "vrouw"),
        ("surname", "Formatproef", "Formatproef"),
        ("detail", "", "—"),
    ],
)
def test_a_proposal_shows_both_sides_in_dutch_format(name, value, shown) -> None:
    from hersteld.exchange.views import _shown

    with translation.override("nl"):
        assert str(_shown(name, value)) == shown
