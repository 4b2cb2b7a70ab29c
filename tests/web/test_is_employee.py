"""One meaning of "this user is an employee": the employee role, with his employee record.

The role decides what a user may do; a row made around the accounts services that gives
another role an employee record, or the employee role none, does not make an employee.
"""

from __future__ import annotations

import pytest

from hersteld.accounts.models import User
from hersteld.accounts.permissions import Role
from hersteld.web.access import EMPLOYEE_ROLE, is_employee

pytestmark = pytest.mark.django_db


def test_the_web_layer_names_the_same_role_value_as_accounts() -> None:
    assert Role.EMPLOYEE.value == EMPLOYEE_ROLE


def test_the_employee_is_an_employee_and_the_others_are_not(world) -> None:
    assert is_employee(world.employee)
    for other in (world.hr, world.manager, world.casemanager, world.medic, world.admin):
        assert not is_employee(other)
    assert not is_employee(object())  # an anonymous visitor or a system has no role


def test_an_employee_record_does_not_make_another_role_an_employee(world, sign_in) -> None:
    colleague = world.colleague_employment.employee
    User.objects.filter(pk=world.hr.pk).update(employee=colleague)  # around the services
    hr = world.hr
    assert hr.employee_id == colleague.pk
    assert not is_employee(hr)
    # The employee-only pages answer as to any non-employee.
    client = sign_in(hr)
    assert client.get("/me/access-log/").status_code == 403
    assert client.get("/consults/request/").status_code == 403


def test_the_employee_role_without_an_employee_record_is_not_an_employee(world) -> None:
    User.objects.filter(pk=world.employee.pk).update(employee=None)
    assert not is_employee(world.employee)
