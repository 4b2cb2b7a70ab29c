"""Employers and the department tree (P2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from hersteld.core.models import AuditEvent
from hersteld.organisations import services
from hersteld.organisations.models import Arbodienst, Department, Employer

pytestmark = pytest.mark.django_db


def test_create_employer_validates_kvk_and_loonheffingennummer(persona) -> None:
    admin = persona("admin.noord")
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


def test_an_admin_cannot_create_employers_in_another_tenant(persona) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_employer(
            actor=persona("admin.noord"),
            arbodienst=Arbodienst.objects.get(slug="arbo-zuid"),
            data={"name": "X", "kvk_number": "12345678"},
        )


def test_employer_users_cannot_change_the_employer(persona) -> None:
    with pytest.raises(Http404):
        services.update_employer(
            actor=persona("hr.devries"),
            employer_id=persona("hr.devries").employer_id,
            data={"name": "Anders"},
        )


def test_update_employer_records_before_and_after(persona) -> None:
    admin = persona("admin.noord")
    employer = Employer.objects.get(name="Transport Jansen")
    services.update_employer(actor=admin, employer_id=employer.pk, data={"own_risk_wga": True})
    event = AuditEvent.objects.filter(object_type="organisations.employer").latest("id")
    assert event.changes == {"own_risk_wga": [False, True]}


def test_departments_form_a_tree_and_moving_rewrites_the_subtree(persona) -> None:
    admin = persona("admin.noord")
    employer = Employer.objects.get(name="Transport Jansen")
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
    other = Department.objects.get(code="PLN")
    services.update_department(actor=admin, department_id=b.pk, data={"parent": other})
    c.refresh_from_db()
    assert c.path.startswith(other.path) and c.depth == 2
    with pytest.raises(ValidationError) as info:
        services.update_department(actor=admin, department_id=other.pk, data={"parent": c})
    assert info.value.error_dict["parent"][0].code == "department_cycle"


def test_department_codes_are_unique_per_employer(persona) -> None:
    admin = persona("admin.noord")
    employer = Employer.objects.get(name="Transport Jansen")
    with pytest.raises(ValidationError) as info:
        services.create_department(
            actor=admin, employer_id=employer.pk, data={"code": "PLN", "name": "Dubbel"}
        )
    assert info.value.error_dict["code"][0].code == "department_code_taken"


def test_a_department_with_people_in_service_cannot_close(persona) -> None:
    admin = persona("admin.noord")
    with pytest.raises(ValidationError):
        services.end_department(
            actor=admin,
            department_id=Department.objects.get(code="BAK").pk,
            end_date=dt.date(2026, 12, 31),
        )
