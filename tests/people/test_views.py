"""Portal pages for employments: the form of P3 in three groups, errors per field, nothing half-written."""

from __future__ import annotations

import datetime as dt

import pytest

from hersteld.core.models import AccessEvent
from hersteld.people.forms import EmployeeEditForm
from hersteld.people.models import Employee, Employment
from tests.factories import employment_data

pytestmark = pytest.mark.django_db


def form_data(world, **overrides):
    department = world.department
    data = employment_data(department, **overrides)
    data["department"] = department.pk
    data["employer"] = department.employer_id
    return {
        key: ("" if value is None else value) for key, value in data.items() if value is not False
    }


def test_the_add_form_shows_the_three_groups(world, sign_in) -> None:
    response = sign_in(world.hr).get("/employments/add/")
    legends = [legend for legend, _ in response.context["form"].groups()]
    assert len(legends) == 3
    assert "end_date" not in response.context["form"].fields


def test_an_invalid_field_is_shown_next_to_the_field_and_nothing_is_saved(world, sign_in) -> None:
    client = sign_in(world.hr)
    employees = Employee.objects.count()
    response = client.post(
        "/employments/add/", form_data(world, postcode="12345", personnel_number="V-1")
    )
    assert response.status_code == 422
    assert "postcode" in response.context["form"].errors
    assert b'id="form-errors"' in response.content
    assert Employee.objects.count() == employees
    assert not Employment.objects.filter(personnel_number="V-1").exists()


def test_a_valid_form_creates_the_employment_and_opens_the_employee(world, sign_in) -> None:
    client = sign_in(world.hr)
    response = client.post("/employments/add/", form_data(world, personnel_number="V-2"))
    employment = Employment.objects.get(personnel_number="V-2")
    assert response["Location"] == f"/employees/{employment.employee_id}/"


def test_the_department_list_offers_only_departments_in_scope(world, sign_in) -> None:
    response = sign_in(world.manager).get("/employments/add/")
    codes = {d.code for d in response.context["form"].fields["department"].queryset}
    assert codes == {"PROD", "PROD-OVEN"}  # the manager's department and its sub-department


def test_list_search_and_filters(world, sign_in) -> None:
    from hersteld.people.services import end_employment

    client = sign_in(world.hr)
    employment = world.own_employment
    left = world.hire(world.sibling_department)
    end_employment(actor=world.hr, employment_id=left.pk, end_date=dt.date(2024, 6, 30))
    found = client.get("/employments/", {"q": employment.personnel_number})
    assert [e.pk for e in found.context["page"]] == [employment.pk]
    out = client.get("/employments/", {"status": "out"})
    assert out.context["page"], "nothing to check"
    assert all(e.end_date and e.end_date < dt.date.today() for e in out.context["page"])
    bakkerij = world.sub_department
    in_dept = client.get("/employments/", {"department": bakkerij.pk, "status": "all"})
    assert [e.pk for e in out.context["page"]] == [left.pk]
    assert {e.department_id for e in in_dept.context["page"]} == {bakkerij.pk}


def test_the_list_is_paginated(world, sign_in, settings) -> None:
    settings.PAGE_SIZE = 5
    for _ in range(8):  # with the world's two: ten employments, two full pages
        world.hire()
    response = sign_in(world.casemanager).get("/employments/", {"page": 2})
    assert len(response.context["page"]) == 5
    assert response.context["page"].number == 2


def test_viewing_an_employee_page_writes_an_access_event(world, sign_in) -> None:
    employee_id = world.employee.employee_id
    sign_in(world.hr).get(f"/employees/{employee_id}/")
    event = AccessEvent.objects.latest("id")
    assert (event.actor_name, event.employee_id, event.channel) == (
        world.hr.username,
        employee_id,
        "ui",
    )


def test_the_history_tab_shows_before_and_after(world, sign_in) -> None:
    client = sign_in(world.hr)
    employee_id = world.employee.employee_id
    client.post(
        f"/employees/{employee_id}/edit/",
        {
            **_employee_form(employee_id),
            "city": "Hengelo",
        },
    )
    page = client.get(f"/employees/{employee_id}/?tab=history")
    content = page.content.decode()
    assert "Hengelo" in content
    assert page.context["history"][0].changes["city"][1] == "Hengelo"


def test_the_employee_sees_no_history_tab_and_no_edit(world, sign_in) -> None:
    employee_id = world.employee.employee_id
    page = sign_in(world.employee).get(f"/employees/{employee_id}/?tab=history")
    assert page.status_code == 200
    assert "history" not in page.context
    assert page.context["can_change"] is False


def test_ending_before_the_start_date_is_refused_on_the_page(world, sign_in) -> None:
    employment = Employment.objects.filter(employee_id=world.employee.employee_id).first()
    client = sign_in(world.hr)
    response = client.post(f"/employments/{employment.pk}/end/", {"end_date": "1990-01-01"})
    assert response.status_code == 422
    employment.refresh_from_db()
    assert employment.end_date is None


def _employee_form(employee_id: int) -> dict:
    employee = Employee.objects.get(pk=employee_id)
    return {name: getattr(employee, name) for name in EmployeeEditForm.base_fields}


def test_editing_an_employment_with_an_effective_date(world, sign_in) -> None:
    employment = Employment.objects.filter(employee_id=world.employee.employee_id).first()
    client = sign_in(world.hr)
    page = client.get(f"/employments/{employment.pk}/edit/")
    data = {k: v for k, v in page.context["form"].initial.items() if v not in (None, False)}
    data["department"] = employment.department_id
    response = client.post(
        f"/employments/{employment.pk}/edit/",
        {**data, "hours_per_week": "20", "valid_from": "2026-01-01"},
    )
    assert response.status_code == 302
    assert employment.terms.filter(valid_from=dt.date(2026, 1, 1), hours_per_week=20).exists()


def test_the_history_names_a_changed_department(world, sign_in) -> None:
    employment = Employment.objects.filter(employee_id=world.employee.employee_id).first()
    winkel = world.sibling_department
    from hersteld.people import services

    services.update_employment(
        actor=world.hr, employment_id=employment.pk, data={"department": winkel.pk}
    )
    page = sign_in(world.hr).get(f"/employees/{employment.employee_id}/?tab=history")
    rows = page.context["history"][0].rows
    assert any(
        before == "PROD-OVEN Afdeling PROD-OVEN" and after == "WINKEL Afdeling WINKEL"
        for _, before, after in rows
    )
