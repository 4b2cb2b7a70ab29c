"""The figures through the API, the portal page, the exports and the CLI, on the `world`.

The world's employer has two employments of 36 hours (full-time 40: factor 0.9) since 2020:
the employee's in PROD-OVEN (under PROD) and a colleague's in WINKEL. In June 2026 the
employee is sick from 1 June and fully recovered on 11 June (10 sick days).
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from openpyxl import load_workbook

from hersteld.absence.models import AbsenceCase
from hersteld.absence.services import add_case, add_recovery, withdraw_case

pytestmark = pytest.mark.django_db

JUNE = {"from": "2026-06-01", "to": "2026-06-30"}


@pytest.fixture
def sick_world(world: Any) -> Any:
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
    world.case = case
    return world


def url(employer: Any, **extra: Any) -> str:
    params = {"employer": employer.pk, **JUNE, **extra}
    return "/api/v1/statistics?" + "&".join(f"{key}={value}" for key, value in params.items())


def test_the_api_gives_the_hand_computed_figures(sick_world: Any, api: Any) -> None:
    response = api(sick_world.hr.username).get(url(sick_world.employer))
    assert response.status_code == 200, response.content
    body = response.json()
    # VP: 10 x 0.9 / (2 x 30 x 0.9) = 16.67 %; MF: 1 / 2 x 365 / 30 = 6.08
    assert body["vp"] == 16.67
    assert body["vp_with_leave"] == 16.67
    assert body["mf"] == 6.08
    assert body["gvd"] == 10.0
    assert body["nulverzuim"] == 50.0
    assert body["duration_classes"] == {"kort": 1, "middellang": 0, "lang": 0, "extra_lang": 0}
    assert body["population"] == {"persons": 2, "employment_days": 60}
    assert body["from"] == "2026-06-01" and body["to"] == "2026-06-30"
    assert "Standaard Berekening van Ziekteverzuim" in body["standard"]
    assert body["suppressed"] is False


def test_the_full_time_week_of_the_employer_sets_the_factor(sick_world: Any, api: Any) -> None:
    from hersteld.organisations.services import update_employer

    update_employer(
        actor=sick_world.admin, employer_id=sick_world.employer.pk, data={"fulltime_hours": 30}
    )
    sick_world.employer.refresh_from_db()
    assert float(sick_world.employer.fulltime_hours) == 30.0
    # Same hours for both: the VP does not move; the setting is read without error.
    assert api(sick_world.hr.username).get(url(sick_world.employer)).json()["vp"] == 16.67


def test_a_bad_full_time_week_is_refused_in_dutch(world: Any, api: Any) -> None:
    response = api(world.admin.username).patch(
        f"/api/v1/employers/{world.employer.pk}", {"fulltime_hours": 0}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "fulltime_hours"


def test_gvd_is_null_without_a_recovery(world: Any, api: Any) -> None:
    add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="sickness",
        data={"first_day": dt.date(2026, 6, 1), "context": "illness"},
    )
    body = api(world.hr.username).get(url(world.employer)).json()
    assert body["gvd"] is None
    assert body["duration_classes"]["middellang"] == 1  # 1-30 June = 30 days, open


def test_a_small_department_is_suppressed(sick_world: Any, api: Any) -> None:
    body = (
        api(sick_world.hr.username)
        .get(url(sick_world.employer, department=sick_world.department.pk))
        .json()
    )
    assert body["suppressed"] is True and body["k"] == 5
    assert body["vp"] is None and body["mf"] is None and body["gvd"] is None
    assert body["duration_classes"] == {
        "kort": None,
        "middellang": None,
        "lang": None,
        "extra_lang": None,
    }


def test_the_k_threshold_is_a_setting(sick_world: Any, api: Any, settings: Any) -> None:
    settings.STATISTICS_MIN_GROUP = 1
    body = (
        api(sick_world.hr.username)
        .get(url(sick_world.employer, department=sick_world.department.pk))
        .json()
    )
    # PROD and below: only the employee: 10 / 30 = 33.33 %
    assert body["suppressed"] is False and body["vp"] == 33.33


@pytest.mark.parametrize("who", ["other_hr", "other_admin"])
def test_outsiders_get_404(sick_world: Any, api: Any, who: str) -> None:
    user = getattr(sick_world, who)
    assert api(user.username).get(url(sick_world.employer)).status_code == 404


def test_the_employee_gets_403(sick_world: Any, api: Any) -> None:
    assert api(sick_world.employee.username).get(url(sick_world.employer)).status_code == 403


def test_a_department_manager_sees_his_subtree_only(
    sick_world: Any, api: Any, settings: Any
) -> None:
    settings.STATISTICS_MIN_GROUP = 1
    client = api(sick_world.manager.username)
    body = client.get(url(sick_world.employer)).json()
    # Without a department: his subtree (PROD), not the whole employer.
    assert body["population"]["persons"] == 1 and body["vp"] == 33.33
    assert (
        client.get(
            url(sick_world.employer, department=sick_world.sibling_department.pk)
        ).status_code
        == 404
    )


def test_staff_see_their_tenant(sick_world: Any, api: Any) -> None:
    for user in (sick_world.casemanager, sick_world.admin, sick_world.medic):
        assert api(user.username).get(url(sick_world.employer)).json()["vp"] == 16.67
    assert (
        api(sick_world.casemanager.username).get(url(sick_world.foreign_employer)).status_code
        == 404
    )


def test_bad_periods_are_refused_naming_the_field(world: Any, api: Any) -> None:
    client = api(world.hr.username)
    backwards = client.get(
        f"/api/v1/statistics?employer={world.employer.pk}&from=2026-06-30&to=2026-06-01"
    )
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "to"
    assert (
        "eerste dag" in backwards.json()["errors"][0]["message"]
        or "first day" in backwards.json()["errors"][0]["message"]
    )
    missing = client.get(f"/api/v1/statistics?employer={world.employer.pk}&to=2026-06-01")
    assert missing.status_code == 422
    assert [error["field"] for error in missing.json()["errors"]] == ["from"]
    assert (
        client.get(
            f"/api/v1/statistics?employer={world.employer.pk}&from=2026-13-01&to=2026-12-31"
        ).status_code
        == 422
    )


def test_the_api_reads_in_a_fixed_number_of_queries(
    sick_world: Any, api: Any, django_assert_max_num_queries: Any
) -> None:
    """More cases and recoveries do not add queries: four loads whatever the population."""
    client = api(sick_world.hr.username)
    for month in (2, 3, 4):
        case = add_case(
            actor=sick_world.casemanager,
            employment_id=sick_world.colleague_employment.pk,
            kind="sickness",
            data={"first_day": dt.date(2026, month, 1), "context": "illness"},
        )
        add_recovery(
            actor=sick_world.casemanager,
            case_id=case.pk,
            data={"date": dt.date(2026, month, 5), "percentage": 100},
        )
    with django_assert_max_num_queries(12):
        assert client.get(url(sick_world.employer, **{"from": "2026-01-01"})).status_code == 200


def test_the_cli_gives_the_same_json(sick_world: Any, api: Any) -> None:
    out = io.StringIO()
    call_command(
        "statistics",
        "--employer",
        str(sick_world.employer.pk),
        "--from",
        JUNE["from"],
        "--to",
        JUNE["to"],
        "--json",
        stdout=out,
    )
    assert (
        json.loads(out.getvalue())
        == api(sick_world.hr.username).get(url(sick_world.employer)).json()
    )


def test_the_page_shows_the_figures_and_the_standard(sick_world: Any, sign_in: Any) -> None:
    client = sign_in(sick_world.hr)
    response = client.get(
        f"/verzuimcijfers/?employer={sick_world.employer.pk}&start=2026-06-01&end=2026-06-30"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Standaard Berekening van Ziekteverzuim" in html
    assert "16,67" in html or "16.67" in html
    assert '<svg class="trend"' in html and 'role="img"' in html
    assert "PROD-OVEN" in html  # the department table (its figures suppressed)


def test_the_page_answers_404_for_an_employer_out_of_reach(sick_world: Any, sign_in: Any) -> None:
    client = sign_in(sick_world.other_hr)
    assert client.get(f"/verzuimcijfers/?employer={sick_world.employer.pk}").status_code == 404
    assert client.get(f"/verzuimcijfers/{sick_world.employer.pk}/figures.csv").status_code == 404


def test_the_page_refuses_a_backward_period_in_dutch(world: Any, sign_in: Any) -> None:
    response = sign_in(world.hr).get(
        f"/verzuimcijfers/?employer={world.employer.pk}&start=2026-06-30&end=2026-06-01"
    )
    assert response.status_code == 200
    assert "report" not in response.context or response.context.get("report") is None


def test_csv_and_xlsx_exports(sick_world: Any, sign_in: Any) -> None:
    client = sign_in(sick_world.hr)
    query = f"?employer={sick_world.employer.pk}&start=2026-06-01&end=2026-06-30"
    csv = client.get(f"/verzuimcijfers/{sick_world.employer.pk}/figures.csv{query}")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[1].split(";")[1] == "16,67"
    xlsx = client.get(f"/verzuimcijfers/{sick_world.employer.pk}/all.xlsx{query}")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) == 7  # with the function and age tables
    first = book.worksheets[0]
    assert first.cell(row=2, column=2).value == 16.67
    departments = book.worksheets[4]
    assert departments.max_row == 4  # header + PROD, PROD-OVEN, WINKEL, all suppressed (< 5)
    assert departments.cell(row=2, column=2).value is None
    assert (
        client.get(f"/verzuimcijfers/{sick_world.employer.pk}/nothing.csv{query}").status_code
        == 404
    )
    assert client.get(f"/verzuimcijfers/{sick_world.employer.pk}/all.csv{query}").status_code == 404


def test_staff_page_over_all_employers(sick_world: Any, sign_in: Any) -> None:
    response = sign_in(sick_world.casemanager).get(
        "/verzuimcijfers/?employer=all&start=2026-06-01&end=2026-06-30"
    )
    assert response.status_code == 200
    assert response.context["report"].figures.persons == 2
    assert sign_in(sick_world.hr).get("/verzuimcijfers/?employer=all").status_code == 404


def test_end_reasons_are_recorded(sick_world: Any) -> None:
    sick_world.case.refresh_from_db()
    assert sick_world.case.end_reason == "recovered"
    other = add_case(
        actor=sick_world.casemanager,
        employment_id=sick_world.colleague_employment.pk,
        kind="sickness",
        data={"first_day": dt.date(2026, 7, 1), "context": "illness"},
    )
    withdraw_case(actor=sick_world.casemanager, case_id=other.pk, reason="verkeerd gemeld")
    other.refresh_from_db()
    assert other.end_reason == "withdrawn"


def test_the_migration_fills_end_reasons(sick_world: Any) -> None:
    AbsenceCase.objects.update(end_reason="")
    migration = importlib.import_module("hersteld.absence.migrations.0004_stats_end_reason")
    migration.fill_end_reasons(apps, None)
    assert AbsenceCase.objects.get(pk=sick_world.case.pk).end_reason == "recovered"


def test_the_page_reads_in_a_fixed_number_of_queries(
    sick_world: Any, sign_in: Any, django_assert_max_num_queries: Any
) -> None:
    """P, a year earlier, 24 months and every department come from one load."""
    client = sign_in(sick_world.hr)
    page = f"/verzuimcijfers/?employer={sick_world.employer.pk}&start=2026-01-01&end=2026-06-30"
    client.get(page)
    with django_assert_max_num_queries(30) as captured:
        assert client.get(page).status_code == 200
    before = len(captured.captured_queries)
    for month in (2, 3, 4):
        case = add_case(
            actor=sick_world.casemanager,
            employment_id=sick_world.colleague_employment.pk,
            kind="sickness",
            data={"first_day": dt.date(2026, month, 1), "context": "illness"},
        )
        add_recovery(
            actor=sick_world.casemanager,
            case_id=case.pk,
            data={"date": dt.date(2026, month, 5), "percentage": 100},
        )
    with django_assert_max_num_queries(before):
        assert client.get(page).status_code == 200
