"""Services for employments (P3, P4): each rule refuses bad input with a field error and writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from hersteld.core.models import AuditEvent
from hersteld.organisations.models import Department
from hersteld.people import selectors, services
from hersteld.people.models import Employee, Employment
from tests.factories import employment_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def bakkerij(world) -> Department:
    return world.department


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}  # type: ignore[misc]


def refused(actor: Any, data: dict[str, Any]) -> dict[str, list[str]]:
    before = (Employee.objects.count(), Employment.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as info:
        services.add_employment(actor=actor, data=data)
    after = (Employee.objects.count(), Employment.objects.count(), AuditEvent.objects.count())
    assert after == before, "a refused request must write nothing"
    return codes(info.value)


def test_hr_adds_an_employment_with_history_and_audit(world, bakkerij) -> None:
    hr = world.hr
    employment = services.add_employment(actor=hr, data=employment_data(bakkerij))
    assert employment.employee.postcode == "1234 AB"
    assert employment.employee.phone == "+31612345678"
    assert list(employment.terms.values_list("valid_from", "hours_per_week")) == [
        (dt.date(2024, 1, 1), Decimal("32.00"))
    ]
    events = AuditEvent.objects.filter(employee=employment.employee).order_by("id")
    assert [(e.object_type, e.action) for e in events] == [
        ("people.employee", "create"),
        ("people.employment", "create"),
    ]
    assert events[1].changes["personnel_number"] == [None, "T-0001"]
    assert events[1].actor_name == world.hr.username


@pytest.mark.parametrize(
    "field",
    [
        "initials",
        "surname",
        "birth_date",
        "gender",
        "marital_status",
        "postcode",
        "street",
        "house_number",
        "city",
        "phone",
        "email",
        "personnel_number",
        "start_date",
        "hours_per_week",
        "annual_salary",
        "contract_type",
    ],
)
def test_each_required_field_of_p3_is_required(world, bakkerij, field) -> None:
    problems = refused(world.hr, employment_data(bakkerij, **{field: None}))
    assert "required" in problems[field]


def test_department_is_required(world, bakkerij) -> None:
    data = employment_data(bakkerij)
    data["department"] = None
    assert "required" in refused(world.hr, data)["department"]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("bsn", "123456789", "bsn_checksum"),
        ("postcode", "12345", "postcode_format"),
        ("phone", "12", "phone_invalid"),
        ("email", "geen-adres", "email_invalid"),
        ("initials", "J2", "initials_format"),
        ("hours_per_week", Decimal("61"), "hours_too_many"),
        ("annual_salary", Decimal("-1"), "salary_negative"),
        ("wia_percentage", Decimal("101"), "percentage_range"),
        ("birth_date", dt.date(2015, 1, 1), "too_young_at_start"),
    ],
)
def test_invalid_values_are_refused_with_the_rule(world, bakkerij, field, value, code) -> None:
    problems = refused(world.hr, employment_data(bakkerij, **{field: value}))
    assert problems[field] == [code]


def test_all_problems_are_reported_at_once(world, bakkerij) -> None:
    problems = refused(world.hr, employment_data(bakkerij, postcode="x", phone="1", bsn="1"))
    assert set(problems) == {"postcode", "phone", "bsn"}


def test_the_personnel_number_is_unique_per_employer_with_a_clear_message(world, bakkerij) -> None:
    hr = world.hr
    taken = Employment.objects.filter(employer=bakkerij.employer).first().personnel_number
    with pytest.raises(ValidationError) as info:
        services.add_employment(actor=hr, data=employment_data(bakkerij, personnel_number=taken))
    assert codes(info.value)["personnel_number"] == ["personnel_number_taken"]


def test_the_same_personnel_number_is_fine_at_another_employer(world) -> None:
    jansen_department = world.other_department
    devries_number = world.own_employment.personnel_number
    employment = services.add_employment(
        actor=world.other_hr,
        data=employment_data(jansen_department, personnel_number=devries_number),
    )
    assert employment.personnel_number == devries_number


def test_no_end_date_at_creation(world, bakkerij) -> None:
    problems = refused(world.hr, employment_data(bakkerij, end_date=dt.date(2025, 1, 1)))
    assert problems["end_date"] == ["no_end_at_creation"]


def test_insurance_only_with_the_no_riskpolis(world, bakkerij) -> None:
    hr = world.hr
    assert refused(hr, employment_data(bakkerij, no_risk_policy=True))["insurance"] == [
        "insurance_required"
    ]
    assert refused(hr, employment_data(bakkerij, insurance="Polis X"))["insurance"] == [
        "insurance_without_policy"
    ]
    employment = services.add_employment(
        actor=hr, data=employment_data(bakkerij, no_risk_policy=True, insurance="Polis X")
    )
    assert employment.no_risk_policy


def test_a_bsn_is_optional_but_unique_per_employer(world, bakkerij) -> None:
    hr = world.hr
    services.add_employment(actor=hr, data=employment_data(bakkerij, bsn="111222333"))
    problems = refused(hr, employment_data(bakkerij, bsn="111222333", personnel_number="T-0002"))
    assert problems["bsn"] == ["bsn_taken"]


def test_a_department_outside_the_scope_is_not_usable(world) -> None:
    winkel = world.sibling_department
    problems = refused(world.manager, employment_data(winkel))
    assert problems["department"] == ["not_allowed"]


def test_another_employers_department_is_not_usable(world) -> None:
    jansen = world.other_department
    problems = refused(world.hr, employment_data(jansen))
    assert problems["department"] == ["not_allowed"]


def test_reporting_out_of_service_needs_an_end_date_on_or_after_the_start(world, bakkerij) -> None:
    hr = world.hr
    employment = services.add_employment(actor=hr, data=employment_data(bakkerij))
    with pytest.raises(ValidationError) as info:
        services.end_employment(
            actor=hr, employment_id=employment.pk, end_date=dt.date(2023, 12, 31)
        )
    assert codes(info.value)["end_date"] == ["end_before_start"]
    employment.refresh_from_db()
    assert employment.end_date is None
    services.end_employment(actor=hr, employment_id=employment.pk, end_date=dt.date(2024, 1, 1))
    employment.refresh_from_db()
    assert employment.end_date == dt.date(2024, 1, 1)
    event = AuditEvent.objects.filter(
        object_type="people.employment", object_id=str(employment.pk)
    ).first()
    assert event.action == "end"
    assert event.changes == {"end_date": [None, "2024-01-01"]}
    with pytest.raises(ValidationError) as again:
        services.end_employment(actor=hr, employment_id=employment.pk, end_date=dt.date(2024, 2, 1))
    assert codes(again.value)["end_date"] == ["already_ended"]


def test_a_change_of_hours_is_effective_dated(world, bakkerij) -> None:
    hr = world.hr
    employment = services.add_employment(actor=hr, data=employment_data(bakkerij))
    services.update_employment(
        actor=hr,
        employment_id=employment.pk,
        data={"hours_per_week": Decimal("24")},
        valid_from=dt.date(2025, 3, 1),
    )
    employment.refresh_from_db()
    assert selectors.terms_on(employment, dt.date(2025, 2, 28)).hours_per_week == Decimal("32")
    assert selectors.terms_on(employment, dt.date(2025, 3, 1)).hours_per_week == Decimal("24")
    assert selectors.terms_on(employment, dt.date(2023, 12, 31)) is None
    assert employment.hours_per_week == Decimal("24")
    event = AuditEvent.objects.filter(object_type="people.employment", action="update").get(
        object_id=str(employment.pk)
    )
    assert event.changes == {"hours_per_week": ["32.00", "24.00"]}


def test_an_older_change_goes_into_history_without_touching_newer_terms(world, bakkerij) -> None:
    hr = world.hr
    employment = services.add_employment(actor=hr, data=employment_data(bakkerij))
    services.update_employment(
        actor=hr,
        employment_id=employment.pk,
        data={"hours_per_week": Decimal("24")},
        valid_from=dt.date(2025, 3, 1),
    )
    services.update_employment(
        actor=hr,
        employment_id=employment.pk,
        data={"hours_per_week": Decimal("28")},
        valid_from=dt.date(2024, 6, 1),
    )
    employment.refresh_from_db()
    assert employment.hours_per_week == Decimal("24")
    assert selectors.terms_on(employment, dt.date(2024, 7, 1)).hours_per_week == Decimal("28")


def test_an_update_that_changes_nothing_leaves_no_audit_row(world, bakkerij) -> None:
    hr = world.hr
    employment = services.add_employment(actor=hr, data=employment_data(bakkerij))
    count = AuditEvent.objects.count()
    services.update_employee(
        actor=hr, employee_id=employment.employee_id, data={"surname": "Testpersoon"}
    )
    assert AuditEvent.objects.count() == count


def test_employee_update_records_before_and_after(world, bakkerij) -> None:
    hr = world.hr
    employment = services.add_employment(actor=hr, data=employment_data(bakkerij))
    services.update_employee(
        actor=hr,
        employee_id=employment.employee_id,
        data={"city": "Amersfoort", "postcode": "3811ab"},
    )
    event = AuditEvent.objects.filter(object_type="people.employee", action="update").latest("id")
    assert event.changes == {"city": ["Utrecht", "Amersfoort"], "postcode": ["1234 AB", "3811 AB"]}


def test_outsiders_cannot_change_an_employee(world, bakkerij) -> None:
    employment = services.add_employment(actor=world.hr, data=employment_data(bakkerij))
    for outsider in (world.other_hr, world.foreign_hr, world.other_casemanager):
        with pytest.raises(Http404):
            services.update_employee(
                actor=outsider,
                employee_id=employment.employee_id,
                data={"city": "Elders"},
            )


def test_the_employee_himself_cannot_change_his_employment(world) -> None:
    employee_user = world.employee
    employment = Employment.objects.filter(employee=employee_user.employee).first()
    with pytest.raises(Http404):
        services.end_employment(
            actor=employee_user, employment_id=employment.pk, end_date=dt.date(2026, 1, 1)
        )
