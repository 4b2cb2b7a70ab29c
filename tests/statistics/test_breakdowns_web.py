"""Breakdowns by function and age band through the API, the page and the exports.

The world's employee and colleague both work 36 hours (factor 0.9) as "Medewerker", born
14 March 1985 (41 on 1 June 2026: band 35-44). A third person is hired as "Bakker", born
1 January 2003 (23: band <25). The employee is sick 1-10 June 2026, recovered 11 June.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from hersteld.absence.services import add_case, add_recovery

pytestmark = pytest.mark.django_db


@pytest.fixture
def baker_world(world: Any) -> Any:
    world.hire(function_name="Bakker", birth_date=dt.date(2003, 1, 1), surname="Bakker")
    case = add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="sickness",
        data={"first_day": dt.date(2026, 6, 1), "context": "illness"},
    )
    add_recovery(
        actor=world.casemanager,
        case_id=case.pk,
        data={"date": dt.date(2026, 6, 11), "percentage": 100},
    )
    return world


def _get(world: Any, api: Any, extra: str = "") -> Any:
    return api(world.hr.username).get(
        f"/api/v1/statistics?employer={world.employer.pk}&from=2026-06-01&to=2026-06-30{extra}"
    )


def test_k_persons_are_shown_and_fewer_are_suppressed(
    baker_world: Any, api: Any, settings: Any
) -> None:
    settings.STATISTICS_MIN_GROUP = 2
    body = _get(baker_world, api, "&breakdown=function,age").json()
    functions = {row["group"]: row for row in body["breakdowns"]["function"]}
    assert list(functions) == ["Bakker", "Medewerker"]
    # Medewerker: exactly k = 2 persons, shown. VP 10 x 0.9 / (60 x 0.9) = 16.67 %,
    # MF 1 / 2 x 365 / 30 = 6.08, GVD 10, nulverzuim 1 of 2 = 50 %.
    shown = functions["Medewerker"]
    assert shown["suppressed"] is False
    assert shown["population"] == {"persons": 2, "employment_days": 60}
    assert (shown["vp"], shown["mf"], shown["gvd"], shown["nulverzuim"]) == (
        16.67,
        6.08,
        10.0,
        50.0,
    )
    # Bakker: 1 person = k - 1: no number at all.
    hidden = functions["Bakker"]
    assert hidden["suppressed"] is True
    assert hidden["population"] is None and hidden["vp"] is None and hidden["mf"] is None
    assert hidden["duration_classes"] is None
    ages = {row["group"]: row for row in body["breakdowns"]["age"]}
    assert list(ages) == ["<25", "35-44"]
    assert ages["<25"]["suppressed"] is True and ages["<25"]["population"] is None
    assert ages["35-44"]["vp"] == 16.67 and ages["35-44"]["population"]["persons"] == 2


def test_a_group_of_k_minus_one_is_suppressed(baker_world: Any, api: Any, settings: Any) -> None:
    settings.STATISTICS_MIN_GROUP = 3
    body = _get(baker_world, api, "&breakdown=function").json()
    assert "age" not in body["breakdowns"] or body["breakdowns"]["age"] is None
    assert [row["suppressed"] for row in body["breakdowns"]["function"]] == [True, True]
    assert body["vp"] is not None  # the employer itself (3 persons) is shown


def test_without_the_parameter_the_response_is_unchanged(baker_world: Any, api: Any) -> None:
    assert "breakdowns" not in _get(baker_world, api).json()


def test_an_unknown_breakdown_is_refused_naming_the_field(baker_world: Any, api: Any) -> None:
    response = _get(baker_world, api, "&breakdown=gender")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "breakdown"


def test_the_page_and_exports_show_the_tables(
    baker_world: Any, sign_in: Any, settings: Any
) -> None:
    settings.STATISTICS_MIN_GROUP = 2
    client = sign_in(baker_world.hr)
    query = f"?employer={baker_world.employer.pk}&start=2026-06-01&end=2026-06-30"
    html = client.get(f"/verzuimcijfers/{query}").content.decode()
    assert "Medewerker" in html and "Bakker" in html and "35-44" in html
    csv = client.get(f"/verzuimcijfers/{baker_world.employer.pk}/functions.csv{query}")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[1].split(";")[0] == "Bakker" and not any(
        cell.replace(",", "").isdigit() for cell in lines[1].split(";")[1:]
    )
    assert lines[2].split(";")[:2] == ["Medewerker", "16,67"]
    xlsx = client.get(f"/verzuimcijfers/{baker_world.employer.pk}/ages.xlsx{query}")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3)] == ["<25", "35-44"]
    assert sheet.cell(row=3, column=2).value == 16.67


def test_a_function_change_in_june_splits_the_persons_days(
    world: Any, api: Any, settings: Any
) -> None:
    """The employee is Medewerker 1-5 June, Bakker from 6 June; sick 1-10 June."""
    from hersteld.people.services import update_employment

    settings.STATISTICS_MIN_GROUP = 1
    update_employment(
        actor=world.admin,
        employment_id=world.own_employment.pk,
        data={"function_name": "Bakker"},
        valid_from=dt.date(2026, 6, 6),
    )
    case = add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="sickness",
        data={"first_day": dt.date(2026, 6, 1), "context": "illness"},
    )
    add_recovery(
        actor=world.casemanager,
        case_id=case.pk,
        data={"date": dt.date(2026, 6, 11), "percentage": 100},
    )
    body = _get(world, api, "&breakdown=function").json()
    groups = {row["group"]: row for row in body["breakdowns"]["function"]}
    # Medewerker: employee 5 days + colleague 30 = 35 days; absence 5 x 0.9 over 35 x 0.9:
    # 14.29 %; the report (1 June) is here: 1 / (35 / 30) x 365 / 30 = 10.43; no recovery.
    staff = groups["Medewerker"]
    assert staff["population"] == {"persons": 2, "employment_days": 35}
    assert (staff["vp"], staff["mf"], staff["gvd"], staff["nulverzuim"]) == (
        14.29,
        10.43,
        None,
        50.0,
    )
    # Bakker: 25 days, 5 of them sick: 20 %; the recovery (last sick day 10 June) is here.
    baker = groups["Bakker"]
    assert baker["population"] == {"persons": 1, "employment_days": 25}
    assert (baker["vp"], baker["mf"], baker["gvd"], baker["nulverzuim"]) == (20.0, 0.0, 10.0, 0.0)
