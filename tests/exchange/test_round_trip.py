"""Round trip (X5 -> X2-X4): what employer A's outbox sends, applied by employer B's coupling,
leaves B in the same state as A: person, employment terms, case and recoveries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from hersteld.absence import services as absence_services
from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus
from hersteld.exchange import services
from hersteld.exchange.models import (
    CorrectionPolicy,
    Coupling,
    ExternalKey,
    InboxStatus,
    KeyKind,
    OutboxMessage,
    OutboxStatus,
)
from hersteld.organisations import services as organisation_services
from hersteld.organisations.models import Employer
from hersteld.people import services as people_services
from hersteld.people.models import Employee, Employment
from tests.support.exchange import Coupled, complete_for_sivi

# What SIVI carries of a person: every audited field but the marital status.
PERSON_FIELDS = tuple(name for name in Employee.AUDITED if name != "marital_status")
EMPLOYMENT_FIELDS = (
    "personnel_number",
    "start_date",
    "end_date",
    "function_name",
    "hours_per_week",
    "contract_type",
)


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def mirrored(kind: str, employer: Employer, object_id: int) -> int:
    """B's object for A's object with this pk (A sends its own keys, H-E-/H-D-/H-V-<pk>)."""
    prefix = {KeyKind.EMPLOYEE: "H-E-", KeyKind.EMPLOYMENT: "H-D-", KeyKind.ABSENCE: "H-V-"}
    key = ExternalKey.objects.get(employer=employer, kind=kind, key=f"{prefix[kind]}{object_id}")
    return key.object_id


def terms(employment: Employment) -> list[tuple[dt.date, str, str, Decimal]]:
    return [
        (row.valid_from, row.department.code, row.function_name, row.hours_per_week)
        for row in employment.terms.select_related("department").order_by("valid_from")
    ]


def case_state(case: AbsenceCase) -> dict[str, Any]:
    return {
        "kind": case.kind,
        "status": case.status,
        "first_day": case.first_day,
        "end_date": case.end_date,
        "sick_percentage": case.sick_percentage,
        "current_sick_percentage": case.current_sick_percentage,
        "safety_net": case.safety_net,
        "recoveries": [
            (r.date, r.percentage, r.hours, r.therapeutic) for r in case.recoveries.order_by("date")
        ],
    }


@pytest.fixture
def employer_b(world: Any) -> tuple[Employer, Coupling]:
    """The foreign employer (another arbodienst) with A's department codes and a coupling for A."""
    admin, operator = world.other_admin, world.operator
    employer = world.foreign_employer
    for source in (world.department, world.sibling_department):
        organisation_services.create_department(
            actor=admin, employer_id=employer.pk, data={"code": source.code, "name": source.name}
        )
    coupling = services.request_coupling(
        actor=admin,
        employer_id=employer.pk,
        data={
            "source_system": "Hersteld (arbodienst van A)",
            "employer_key": "A-BIJ-B",
            "connection_no": "Z-42",
            "bsn": True,
            "salary": True,
            "correction_policy": CorrectionPolicy.AUTOMATIC,
        },
    )
    services.configure_coupling(actor=admin, coupling_id=coupling.pk, data={})
    services.rotate_key(actor=operator, coupling_id=coupling.pk)
    services.activate_coupling(actor=operator, coupling_id=coupling.pk)
    coupling.refresh_from_db()
    return employer, coupling


@pytest.mark.django_db
def test_what_a_sends_makes_b_the_same(
    world: Any, coupled: Coupled, employer_b: tuple[Employer, Coupling]
) -> None:
    employer, coupling_b = employer_b
    # A: the world employer's coupling sends to B (the URL is not called: bodies are taken below).
    coupling = coupled.coupling
    complete_for_sivi(coupling.employer)  # what every SIVI message needs of the employer
    services.configure_coupling(
        actor=world.operator,
        coupling_id=coupling.pk,
        data={
            "outbound_url": "http://127.0.0.1:9/not-called",
            "outbound_employer_key": "A-BIJ-B",
            "outbound_connection_no": "Z-42",
        },
    )
    admin, casemanager = world.admin, world.casemanager
    bakery, shop = world.department, world.sibling_department  # codes PROD and WINKEL

    # A: a new employee with a new employment, a change of terms, a whole absence.
    employment = people_services.add_employment(
        actor=admin,
        data={
            "initials": "E.M.",
            "first_name": "Eva",
            "surname_prefix": "van der",
            "surname": "Rondreis",
            "birth_date": dt.date(1988, 6, 14),
            "gender": "V",
            "marital_status": "married",
            "bsn": "999990019",
            "postcode": "9711aa",
            "street": "Proefstraat",
            "house_number": 12,
            "house_number_addition": "a",
            "city": "Groningen",
            "country": "NL",
            "phone": "06 12345678",
            "email": "eva.rondreis@example.org",
            "department": bakery.pk,
            "personnel_number": "RT-0001",
            "start_date": days_ago(400),
            "function_name": "Bakker",
            "hours_per_week": Decimal("32"),
            "annual_salary": Decimal("36500.00"),
            "contract_type": "permanent",
        },
    )
    people_services.update_employment(
        actor=admin,
        employment_id=employment.pk,
        data={"department": shop.pk, "function_name": "Verkoopmedewerker", "hours_per_week": 24},
        valid_from=days_ago(100),
    )
    case = absence_services.add_case(
        actor=casemanager,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": days_ago(30), "sick_percentage": Decimal("100")},
    )
    absence_services.correct_case(
        actor=casemanager,
        case_id=case.pk,
        data={"first_day": days_ago(31), "reason": "Eerste dag was een dag eerder"},
    )
    absence_services.add_recovery(
        actor=casemanager, case_id=case.pk, data={"date": days_ago(20), "percentage": 50}
    )
    absence_services.add_recovery(
        actor=casemanager, case_id=case.pk, data={"date": days_ago(5), "percentage": 100}
    )
    # Terms recorded ahead travel as a second item with their own date; then out of service.
    people_services.update_employment(
        actor=admin,
        employment_id=employment.pk,
        data={"hours_per_week": 28},
        valid_from=days_ago(-30),
    )
    people_services.end_employment(actor=admin, employment_id=employment.pk, end_date=days_ago(-60))

    # The outbox, in order, into B's inbox and worker.
    rows = list(OutboxMessage.objects.filter(coupling=coupling).order_by("id"))
    assert [row.stream for row in rows] == [2, 2, 1, 1, 1, 1, 2, 2]
    assert [row.status for row in rows] == [OutboxStatus.PENDING] * 8
    for row in rows:
        stored, is_new = services.receive(coupling_b, bytes(row.body), row.content_type)
        assert is_new and stored.status == InboxStatus.RECEIVED, stored.errors
        assert services.process(stored.pk) == InboxStatus.PROCESSED, stored.message_ref
        stored.refresh_from_db()
        assert stored.errors == [] and not stored.reviews.exists()

    # B now holds the same person, employment, terms, case and recoveries.
    a_employee = Employee.objects.get(pk=employment.employee_id)
    b_employee = Employee.objects.get(
        pk=mirrored(KeyKind.EMPLOYEE, employer, a_employee.pk), employer=employer
    )
    for name in PERSON_FIELDS:
        assert getattr(b_employee, name) == getattr(a_employee, name), name

    a_employment = Employment.objects.get(pk=employment.pk)
    b_employment = Employment.objects.get(
        pk=mirrored(KeyKind.EMPLOYMENT, employer, a_employment.pk), employer=employer
    )
    assert b_employment.employee_id == b_employee.pk
    for name in EMPLOYMENT_FIELDS:
        assert getattr(b_employment, name) == getattr(a_employment, name), name
    assert b_employment.department.code == a_employment.department.code == "WINKEL"
    assert terms(b_employment) == terms(a_employment)
    assert len(terms(a_employment)) == 3 and a_employment.end_date == days_ago(-60)

    a_case = AbsenceCase.objects.get(pk=case.pk)
    b_case = AbsenceCase.objects.get(pk=mirrored(KeyKind.ABSENCE, employer, a_case.pk))
    assert b_case.employment_id == b_employment.pk
    assert case_state(b_case) == case_state(a_case)
    assert a_case.status == CaseStatus.CLOSED and a_case.first_day == days_ago(31)
    assert [r[:2] for r in case_state(a_case)["recoveries"]] == [
        (days_ago(20), Decimal("50.00")),
        (days_ago(5), Decimal("100.00")),
    ]
    # Applying at B sends nothing back to A (B's coupling has no outbound target).
    assert not OutboxMessage.objects.filter(coupling=coupling_b).exists()
