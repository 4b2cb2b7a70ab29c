"""Employers and the department tree (P2), in a small world of personas (tests/support/world.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from hersteld.core.models import AuditEvent
from hersteld.organisations import services

pytestmark = pytest.mark.django_db


def test_create_employer_validates_kvk_and_loonheffingennummer(world) -> None:
    admin = world.admin
    with pytest.raises(ValidationError) as info:
        services.create_employer(
            actor=admin,
            arbodienst=admin.arbodienst,
            data={"name": "X", "kvk_number": "123", "payroll_tax_number": "123456789L01"},
        )
    assert set(info.value.error_dict) == {"kvk_number", "payroll_tax_number"}
    employer = services.create_employer(
        actor=admin,
        arbodienst=admin.arbodienst,
        data={
            "name": "Schilders Bos",
            "kvk_number": "1234 5679",
            "payroll_tax_number": "111222333l01",
        },
    )
    assert (employer.kvk_number, employer.payroll_tax_number) == ("12345679", "111222333L01")
    assert AuditEvent.objects.filter(
        object_type="organisations.employer", object_id=str(employer.pk)
    ).exists()


def test_an_admin_cannot_create_employers_in_another_tenant(world) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_employer(
            actor=world.admin,
            arbodienst=world.other_tenant,
            data={"name": "X", "kvk_number": "12345678"},
        )


def test_employer_users_cannot_change_the_employer(world) -> None:
    with pytest.raises(Http404):
        services.update_employer(
            actor=world.hr,
            employer_id=world.hr.employer_id,
            data={"name": "Anders"},
        )


def test_update_employer_records_before_and_after(world) -> None:
    admin = world.admin
    employer = world.other_employer
    services.update_employer(actor=admin, employer_id=employer.pk, data={"own_risk_wga": True})
    event = AuditEvent.objects.filter(object_type="organisations.employer").latest("id")
    assert event.changes == {"own_risk_wga": [False, True]}


def test_departments_form_a_tree_and_moving_rewrites_the_subtree(world) -> None:
    admin = world.admin
    employer = world.other_employer
    a = services.create_department(
        actor=admin, employer_id=employer.pk, data={"code": "A", "name": "A"}
    )
    b = services.create_department(
        actor=admin, employer_id=employer.pk, data={"code": "B", "name": "B", "parent": a}
    )
    c = services.create_department(
        actor=admin, employer_id=employer.pk, data={"code": "C", "name": "C", "parent": b}
    )
    assert (c.depth, c.path.startswith(a.path)) == (2, True)
    other = services.create_department(
        actor=admin, employer_id=employer.pk, data={"code": "PLN", "name": "Planning"}
    )
    services.update_department(actor=admin, department_id=b.pk, data={"parent": other})
    c.refresh_from_db()
    assert c.path.startswith(other.path) and c.depth == 2
    with pytest.raises(ValidationError) as info:
        services.update_department(actor=admin, department_id=other.pk, data={"parent": c})
    assert info.value.error_dict["parent"][0].code == "department_cycle"


def test_department_codes_are_unique_per_employer(world) -> None:
    with pytest.raises(ValidationError) as info:
        services.create_department(
            actor=world.admin,
            employer_id=world.employer.pk,
            data={"code": world.sibling_department.code, "name": "Dubbel"},
        )
    assert info.value.error_dict["code"][0].code == "department_code_taken"


def test_a_department_with_people_in_service_cannot_close(world) -> None:
    with pytest.raises(ValidationError) as info:
        services.end_department(
            actor=world.admin,
            department_id=world.department.pk,  # the employee works in its sub-department
            end_date=dt.date(2026, 12, 31),
        )
    assert info.value.error_dict["end_date"][0].code == "department_in_use"


def test_a_department_without_people_in_service_closes(world) -> None:
    empty = services.create_department(
        actor=world.admin, employer_id=world.employer.pk, data={"code": "LEEG", "name": "Leeg"}
    )
    services.end_department(
        actor=world.admin, department_id=empty.pk, end_date=dt.date(2026, 12, 31)
    )
    empty.refresh_from_db()
    assert empty.end_date == dt.date(2026, 12, 31)
