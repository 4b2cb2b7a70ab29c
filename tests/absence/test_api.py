"""The cases API (B1): same services and guard as the portal; rights per role; one error shape."""

from __future__ import annotations

import datetime as dt

import pytest

from hersteld.absence import services
from hersteld.absence.models import AbsenceCase, CaseKind
from tests.support.absence import days_ago, row_counts

pytestmark = pytest.mark.django_db


def iso(day: dt.date) -> str:
    return day.isoformat()


def own_case(world) -> AbsenceCase:
    """The employee's case: sick for 300 days (week 43), half recovered 60 days ago."""
    case = world.report_sick(first_day=days_ago(300), context="illness")
    services.add_recovery(
        actor=world.hr, case_id=case.pk, data={"date": days_ago(60), "percentage": 50}
    )
    return case


def test_hr_reports_sick_and_recovers_through_the_api(world, api_as) -> None:
    hr = api_as(world.hr)
    employment = world.hire()
    response = hr.post(
        "/api/v1/cases",
        {"employment_id": employment.pk, "kind": "sickness", "first_day": iso(days_ago(10))},
    )
    assert response.status_code == 201, response.json()
    case = response.json()
    assert case["status"] == "open" and case["current_sick_percentage"] == "100.00"
    response = hr.post(
        f"/api/v1/cases/{case['id']}/recoveries", {"date": iso(days_ago(5)), "percentage": "50"}
    )
    assert response.status_code == 201
    response = hr.post(
        f"/api/v1/cases/{case['id']}/recoveries", {"date": iso(days_ago(1)), "percentage": 100}
    )
    assert response.status_code == 201
    assert hr.get(f"/api/v1/cases/{case['id']}").json()["status"] == "closed"
    assert [r["percentage"] for r in hr.get(f"/api/v1/cases/{case['id']}/recoveries").json()] == [
        "50.00",
        "100.00",
    ]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"first_day": "2001-01-01"}, "first_day", "first_day_before_employment"),
        ({"sick_percentage": "150"}, "sick_percentage", "percentage_range"),
        ({"note": "Griep en koorts."}, "note", "medical_term"),
        ({"context": "nonsense"}, "context", "invalid_choice"),
    ],
)
def test_bad_input_gives_422_with_field_errors_and_writes_nothing(
    world, api_as, body, field, code
) -> None:
    employment = world.hire()
    hr = api_as(world.hr)
    before = row_counts()
    response = hr.post(
        "/api/v1/cases",
        {"employment_id": employment.pk, "kind": "sickness", "first_day": iso(days_ago(1)), **body},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in errors
    ]
    assert errors, "nothing to check"
    assert all(e["message"] for e in errors)
    assert row_counts() == before


def test_unknown_fields_and_kinds_are_refused(world, api_as) -> None:
    employment = world.hire()
    hr = api_as(world.hr)
    base = {"employment_id": employment.pk, "kind": "sickness", "first_day": iso(days_ago(1))}
    assert hr.post("/api/v1/cases", {**base, "diagnosis": "x"}).status_code == 422
    assert hr.post("/api/v1/cases", {**base, "kind": "holiday"}).status_code == 422


def test_employer_side_gets_403_for_fields_of_the_arbodienst(world, api_as) -> None:
    employment = world.hire()
    hr = api_as(world.hr)
    base = {"employment_id": employment.pk, "kind": "sickness", "first_day": iso(days_ago(1))}
    assert (
        hr.post("/api/v1/cases", {**base, "expected_recovery": iso(days_ago(-5))}).status_code
        == 403
    )
    response = hr.post(
        "/api/v1/cases", {**base, "safety_net": True, "safety_net_category": "pregnancy"}
    )
    assert response.status_code == 403
    assert AbsenceCase.objects.filter(employment=employment).count() == 0


def test_hersteld_at_is_403_for_everyone_but_the_medic(world, api_as) -> None:
    case = own_case(world)
    body = {"date": iso(days_ago(1)), "percentage": 50, "therapeutic": True}
    for user in (world.hr, world.casemanager):
        assert api_as(user).post(f"/api/v1/cases/{case.pk}/recoveries", body).status_code == 403
    assert api_as(world.medic).post(f"/api/v1/cases/{case.pk}/recoveries", body).status_code == 201


def test_the_safety_net_category_never_reaches_the_employer(world, api_as) -> None:
    """docs/rules/vangnet.md: category only with absence.view_safety_net, in detail and list."""
    case = world.no_risk_case()
    for user, visible in (
        (world.casemanager, True),
        (world.admin, True),
        (world.hr, False),
    ):
        client = api_as(user)
        detail = client.get(f"/api/v1/cases/{case.pk}").json()
        assert (detail["safety_net_category"] == "no_risk_policy") is visible
        assert detail["safety_net"] is True
        listed = [
            c
            for c in client.get("/api/v1/cases", page_size=100).json()["items"]
            if c["id"] == case.pk
        ]
        assert listed and (listed[0]["safety_net_category"] == "no_risk_policy") is visible


def test_history_of_the_case_hides_the_category_from_the_employer(world, sign_in) -> None:
    case = world.no_risk_case()
    assert case is not None
    employer_page = sign_in(world.hr).get(f"/cases/{case.pk}/?tab=history").content.decode()
    staff_page = sign_in(world.casemanager).get(f"/cases/{case.pk}/?tab=history").content.decode()
    assert "no-riskpolis" in staff_page.lower()
    assert (
        "vangnetcategorie" not in employer_page.lower()
        and "safety-net category" not in employer_page.lower()
    )


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("hr", 200),
        ("manager", 200),
        ("employee", 200),
        ("casemanager", 200),
        ("medic", 200),
        ("other_hr", 404),
        ("other_casemanager", 404),
        ("foreign_hr", 404),
        ("operator", 404),
    ],
)
def test_who_reaches_the_own_case(world, api_as, name, status) -> None:
    case = own_case(world)
    user = getattr(world, name)
    assert api_as(user).get(f"/api/v1/cases/{case.pk}").status_code == status
    assert api_as(user).get(f"/api/v1/cases/{case.pk}/notes").status_code == status


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("medic", 200),
        ("casemanager", 404),
        ("hr", 404),
        ("employee", 404),
    ],
)
def test_only_the_medic_reaches_the_medical_file(world, api_as, name, status) -> None:
    case = own_case(world)
    user = getattr(world, name)
    assert api_as(user).get(f"/api/v1/cases/{case.pk}/medical-notes").status_code == status
    response = api_as(user).post(f"/api/v1/cases/{case.pk}/medical-notes", {"text": "Controle."})
    assert response.status_code == (201 if status == 200 else 404)


def test_the_list_shows_exactly_the_own_scope(world, api_as) -> None:
    from hersteld.absence import selectors

    own_case(world)
    world.report_sick(world.colleague_employment)
    world.report_sick(world.hire(world.other_department))
    world.report_sick(world.hire(world.foreign_department))
    for user in (world.hr, world.manager, world.employee, world.other_hr, world.other_casemanager):
        seen: list[int] = []
        page = 1
        while True:
            body = api_as(user).get("/api/v1/cases", status="all", page=page).json()
            seen += [item["id"] for item in body["items"]]
            if len(seen) >= body["count"]:
                break
            page += 1
        expected = set(selectors.case_list(user, status="all").values_list("pk", flat=True))
        assert set(seen) == expected, user.username


def test_list_filters(world, api_as) -> None:
    case = own_case(world)
    world.report_sick(world.hire(), days_ago(5), kind="preventive")
    hr = api_as(world.hr)
    sick = hr.get("/api/v1/cases", kind="sickness", page_size=100).json()["items"]
    assert sick and all(item["kind"] == "sickness" for item in sick)
    long_running = hr.get("/api/v1/cases", week_min=40, page_size=100).json()["items"]
    assert {item["id"] for item in long_running} == {case.pk}
    assert hr.get("/api/v1/cases", kind="sickness", week_min=1, week_max=1).json()["count"] == 0
    preventive = hr.get("/api/v1/cases", kind="preventive", week_min=1, week_max=1).json()["items"]
    assert len(preventive) == 1  # the preventive case of 5 days ago
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    assert hr.get("/api/v1/cases", changed_after=future).json()["count"] == 0


def test_notes_guard_and_internal_flag(world, api_as) -> None:
    case = own_case(world)
    response = api_as(world.hr).post(
        f"/api/v1/cases/{case.pk}/notes", {"text": "Heeft een hernia-operatie."}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "medical_term"
    response = api_as(world.hr).post(
        f"/api/v1/cases/{case.pk}/notes", {"text": "Overleg met leidinggevende.", "internal": True}
    )
    assert response.status_code == 201
    texts = [n["text"] for n in api_as(world.employee).get(f"/api/v1/cases/{case.pk}/notes").json()]
    assert "Overleg met leidinggevende." not in texts


def test_correct_withdraw_convert_and_leave_endpoints(world, api_as) -> None:
    hr = api_as(world.hr)
    employment = world.hire()
    created = hr.post(
        "/api/v1/cases",
        {
            "employment_id": employment.pk,
            "kind": "preventive",
            "first_day": iso(days_ago(5)),
            "note": "Gesprek gewenst.",
        },
    ).json()
    converted = hr.post(f"/api/v1/cases/{created['id']}/convert", {}).json()
    assert converted["kind"] == "sickness"
    corrected = hr.post(
        f"/api/v1/cases/{created['id']}/correct",
        {"first_day": iso(days_ago(4)), "reason": "Dag later."},
    ).json()
    assert corrected["first_day"] == iso(days_ago(4))
    assert (
        hr.post(f"/api/v1/cases/{created['id']}/correct", {"context": "other"}).status_code == 422
    )
    withdrawn = hr.post(
        f"/api/v1/cases/{created['id']}/withdraw", {"reason": "Dubbel ingevoerd."}
    ).json()
    assert withdrawn["status"] == "withdrawn"
    other = world.hire(gender="V")
    start = days_ago(130)
    leave = hr.post(
        "/api/v1/cases",
        {
            "employment_id": other.pk,
            "kind": CaseKind.PREGNANCY_LEAVE,
            "first_day": iso(start),
            "expected_delivery": iso(start + dt.timedelta(days=35)),
        },
    ).json()
    assert leave["leave_end"]
    delivered = hr.post(
        f"/api/v1/cases/{leave['id']}/delivery",
        {"actual_delivery": iso(start + dt.timedelta(days=40))},
    )
    assert delivered.status_code == 200
    ended = hr.post(f"/api/v1/cases/{leave['id']}/end-leave", {"continue_sick": True}).json()
    assert ended["leave"]["status"] == "closed"
    assert ended["sickness_case"]["chained_to_id"] == leave["id"]
