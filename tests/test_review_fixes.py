"""Behaviour found in review: each case once broke or was silently wrong."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from hersteld.accounts.models import User
from hersteld.core.models import AuditEvent
from hersteld.organisations.models import Arbodienst, Employer
from hersteld.people import services
from hersteld.people.models import Employment
from tests.factories import employment_data
from tests.support.world import PASSWORD

# Log-in tests type user names: the world's users are named after their role here.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("named_world")]


def test_a_future_change_of_hours_is_audited_with_its_date(world) -> None:
    hr = world.hr
    employment = services.add_employment(actor=hr, data=employment_data(world.department))
    later = timezone.localdate() + dt.timedelta(days=60)
    services.update_employment(
        actor=hr,
        employment_id=employment.pk,
        data={"hours_per_week": Decimal("20")},
        valid_from=later,
    )
    employment.refresh_from_db()
    assert employment.hours_per_week == Decimal("32")
    event = AuditEvent.objects.filter(object_type="people.employment", action="update").latest("id")
    assert event.changes == {"hours_per_week": ["32.00", "20.00"]}
    assert event.reason == f"valid_from={later.isoformat()}"


def test_a_department_manager_adds_an_employment_in_the_portal(world, sign_in) -> None:
    client = sign_in(world.manager)
    page = client.get("/employments/add/")
    assert [e.name for e in page.context["form"].fields["employer"].queryset] == [
        world.employer.name
    ]
    bakkerij = world.department
    data = employment_data(bakkerij, personnel_number="MGR-1")
    data.update(
        department=bakkerij.pk, employer=bakkerij.employer_id, wia_percentage="", no_risk_policy=""
    )
    response = client.post("/employments/add/", data)
    assert response.status_code == 302
    assert Employment.objects.filter(personnel_number="MGR-1", department=bakkerij).exists()


@pytest.mark.parametrize(("field", "value"), [("gender", "X"), ("marital_status", "zzz")])
def test_the_api_refuses_values_outside_the_choices(world, api_as, field, value) -> None:
    employee_id = world.employee.employee_id
    response = api_as(world.hr).patch(f"/api/v1/employees/{employee_id}", {field: value})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": field,
            "code": "invalid_choice",
            "message": response.json()["errors"][0]["message"],
        }
    ]


def test_the_api_refuses_unknown_fields(world, api_as) -> None:
    employment = Employment.objects.filter(employee_id=world.employee.employee_id).first()
    response = api_as(world.hr).patch(
        f"/api/v1/employments/{employment.pk}", {"end_date": "2026-01-01"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "end_date"
    employment.refresh_from_db()
    assert employment.end_date is None


def test_the_api_lock_out_answers_json(client: Client) -> None:
    for _ in range(5):
        client.post(
            "/api/v1/auth/token",
            {"username": "other_hr", "password": "x"},
            content_type="application/json",
        )
    response = client.post(
        "/api/v1/auth/token",
        {"username": "other_hr", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 429
    assert response.json()["errors"] == []
    assert "15" in response.json()["detail"]


def test_the_api_department_filter_covers_subdepartments(world, api_as) -> None:
    admin = api_as(world.casemanager)
    world.busy()  # employments in PROD and PROD-OVEN, WINKEL and RIJDEN
    chauffeurs = world.department
    body = admin.get("/api/v1/employments", department_id=chauffeurs.pk, page=1).json()
    departments = set(
        Employment.objects.filter(pk__in=[i["id"] for i in body["items"]]).values_list(
            "department__code", flat=True
        )
    )
    assert departments == {"PROD", "PROD-OVEN"}
    assert body["count"] == 3  # the employee's (PROD-OVEN) and two hired in PROD by busy()


def test_createsuperuser_makes_an_operator() -> None:
    call_command(
        "createsuperuser",
        username="root2",
        email="root2@example.org",
        interactive=False,
        verbosity=0,
    )
    user = User.objects.get(username="root2")
    assert user.role == "operator" and user.mfa_required


def test_a_user_without_a_role_reaches_nothing_and_gets_no_500() -> None:
    user = User.objects.create(username="leeg")
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 302  # sent to the second-factor step
    assert not Employment.objects.restrict(user, "people.view").exists()


def test_the_operator_chooses_the_arbodienst_of_a_new_employer_and_user(world, sign_in) -> None:
    client = sign_in(world.operator)
    zuid = world.other_tenant
    response = client.post(
        "/employers/add/", {"arbodienst": zuid.pk, "name": "Kliniek Oost", "kvk_number": "22334455"}
    )
    assert response.status_code == 302
    assert Employer.objects.get(name="Kliniek Oost").arbodienst == zuid
    response = client.post(
        "/users/add/",
        {
            "username": "admin.zuid2",
            "role": "arbodienst_admin",
            "arbodienst": zuid.pk,
            "password": "een-lang-wachtwoord-2026",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="admin.zuid2").arbodienst == zuid


def test_the_admin_form_has_no_arbodienst_choice(world, sign_in) -> None:
    page = sign_in(world.admin).get("/users/add/")
    assert "arbodienst" not in page.context["form"].fields


def test_the_operator_creates_an_arbodienst_in_django_admin_and_it_is_audited(
    world, sign_in
) -> None:
    client = sign_in(world.operator)
    assert client.get("/django-admin/organisations/arbodienst/").status_code == 200
    # The add form is prefilled with the Poortwachter defaults; a browser posts them back.
    defaults = {
        "report_week": 1,
        "evaluation_interval_days": 42,
        "wia_letter_week": 88,
        "consult_planning_week": 4,
        "signal_days": 7,
    }
    response = client.post(
        "/django-admin/organisations/arbodienst/add/",
        {"name": "Arbo Oost", "slug": "arbo-oost", **defaults},
    )
    assert response.status_code == 302
    tenant = Arbodienst.objects.get(slug="arbo-oost")
    event = AuditEvent.objects.filter(
        object_type="organisations.arbodienst", object_id=str(tenant.pk)
    ).get()
    assert event.actor_name == "operator" and event.arbodienst_id == tenant.pk


def test_other_roles_have_no_django_admin(world, sign_in) -> None:
    assert sign_in(world.admin).get("/django-admin/organisations/arbodienst/").status_code == 302
