"""Erasure on request, the right to be forgotten (issue 15, B4): arbodienst staff erase a
person; refused, naming the term and its end, while a legal retention term runs or a case
of his is under a legal hold; otherwise he is anonymised at once, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from hersteld.absence.models import CaseNote, MedicalNote
from hersteld.absence.services import set_hold
from hersteld.core.models import AuditEvent
from hersteld.people.models import Employee
from hersteld.people.services import erase_employee
from tests.support.retention import past_case

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 12, 2)


def refusal(call: Any) -> str:
    with translation.override("nl"), pytest.raises(ValidationError) as caught:
        call()
    return " ".join(caught.value.messages)


def test_refused_while_the_employment_runs(world: Any) -> None:
    past = past_case(world, employment_end=None, medical_on=None)
    message = refusal(
        lambda: erase_employee(
            actor=world.casemanager, employee_id=past.employee.pk, reason="Verzoek", today=TODAY
        )
    )
    assert message == (
        "Kan nog niet worden gewist: de bewaartermijn van de verzuimadministratie loopt tot "
        "2 jaar na het einde van het dienstverband, en dat moment is er nog niet."
    )
    assert Employee.objects.get(pk=past.employee.pk).anonymised_on is None


@pytest.mark.parametrize(
    ("today", "refused"),
    [(D(2023, 12, 30), True), (D(2023, 12, 31), True), (D(2024, 1, 1), False)],
)
def test_the_administration_term_ends_two_years_after_the_employment(
    world: Any, today: dt.date, refused: bool
) -> None:
    past = past_case(world, medical_on=None)  # employment ended 2021-12-31
    call = lambda: erase_employee(  # noqa: E731
        actor=world.casemanager, employee_id=past.employee.pk, reason="Verzoek", today=today
    )
    if refused:
        assert "loopt tot en met 31-12-2023" in refusal(call)
    else:
        call()
        assert Employee.objects.get(pk=past.employee.pk).anonymised_on == today


def test_refused_while_the_medical_term_runs_naming_its_end(world: Any) -> None:
    past = past_case(world)  # medical note of 2021-01-20
    message = refusal(
        lambda: erase_employee(
            actor=world.casemanager, employee_id=past.employee.pk, reason="Verzoek", today=TODAY
        )
    )
    assert message == (
        "Kan nog niet worden gewist: de bewaartermijn van het medisch dossier loopt tot en met "
        "20-01-2041."
    )


def test_refused_while_a_case_is_on_hold(world: Any) -> None:
    past = past_case(world, medical_on=None)
    set_hold(actor=world.casemanager, case_id=past.case.pk, reason="Geschil bij de rechter")
    message = refusal(
        lambda: erase_employee(
            actor=world.casemanager, employee_id=past.employee.pk, reason="Verzoek", today=TODAY
        )
    )
    assert "bewaarplicht" in message and "Geschil bij de rechter" in message
    assert past.notes() == 1


def test_an_own_risk_term_does_not_stop_a_request(world: Any) -> None:
    """ERD terms are vendor practice, not law (docs/rules/privacy.md)."""
    type(world.employer).objects.filter(pk=world.employer.pk).update(own_risk_wga=True)
    past = past_case(world, medical_on=None)  # ERD-WGA would keep the file until 2031-02-01
    erase_employee(
        actor=world.casemanager, employee_id=past.employee.pk, reason="Verzoek", today=TODAY
    )
    assert Employee.objects.get(pk=past.employee.pk).anonymised_on == TODAY


def test_erasure_removes_the_records_anonymises_and_audits_without_the_old_values(
    world: Any,
) -> None:
    past = past_case(world, medical_on=None)
    old_name, old_email = past.employee.surname, past.employee.email

    erase_employee(
        actor=world.casemanager,
        employee_id=past.employee.pk,
        reason="Verzoek van de werknemer van 1 december",
        today=TODAY,
    )

    person = Employee.objects.get(pk=past.employee.pk)
    assert (person.surname, person.email, person.street, person.phone) == (
        "Geanonimiseerd",
        "",
        "",
        "",
    )
    assert CaseNote.objects.filter(case=past.case).count() == 0
    assert MedicalNote.objects.filter(case=past.case).count() == 0
    event = AuditEvent.objects.filter(
        object_type="people.employee", object_id=str(person.pk)
    ).latest("id")
    assert event.action == "delete"
    assert event.reason == "Verzoek van de werknemer van 1 december"
    assert old_name not in str(event.changes) and old_email not in str(event.changes)
    assert event.changes["erased"][1]["case_files"] == 1


def test_a_reason_is_needed_and_an_anonymised_person_is_not_erased_twice(
    world: Any, refused: Any
) -> None:
    past = past_case(world, medical_on=None)
    errors = refused(
        lambda: erase_employee(
            actor=world.casemanager, employee_id=past.employee.pk, reason="", today=TODAY
        )
    )
    assert errors == {"reason": ["required"]}
    erase_employee(
        actor=world.casemanager, employee_id=past.employee.pk, reason="Verzoek", today=TODAY
    )
    assert refused(
        lambda: erase_employee(
            actor=world.casemanager, employee_id=past.employee.pk, reason="Weer", today=TODAY
        )
    ) == {"__all__": ["already_erased"]}


@pytest.mark.parametrize(
    "who", ["hr", "manager", "employee", "medic", "other_admin", "other_casemanager"]
)
def test_only_the_tenants_staff_find_the_person_to_erase(world: Any, who: str) -> None:
    past = past_case(world, medical_on=None)
    with pytest.raises(Http404):
        erase_employee(
            actor=getattr(world, who), employee_id=past.employee.pk, reason="x", today=TODAY
        )
    assert Employee.objects.get(pk=past.employee.pk).anonymised_on is None


# --- the API and the portal ---------------------------------------------------------------


def erase_path(employee: Employee) -> str:
    return f"/api/v1/employees/{employee.pk}/erase"


def test_the_api_erases_for_staff(world: Any, api_as: Any) -> None:
    past = past_case(world, medical_on=None)
    response = api_as(world.casemanager).post(erase_path(past.employee), {"reason": "Verzoek"})
    assert response.status_code == 200, response.content
    assert response.json()["surname"] == "Geanonimiseerd"


def test_the_api_refusal_names_the_term_in_dutch(world: Any, api_as: Any) -> None:
    past = past_case(world)
    response = api_as(world.casemanager).post(
        erase_path(past.employee),
        {"reason": "Verzoek"},
    )
    assert response.status_code == 422
    messages = [error["message"] for error in response.json()["errors"]]
    assert any("medisch dossier loopt tot en met 20-01-2041" in m for m in messages), messages


@pytest.mark.parametrize(
    ("who", "status"),
    [("hr", 404), ("employee", 404), ("other_admin", 404), ("other_casemanager", 404)],
)
def test_the_api_hides_the_person_from_everyone_else(
    world: Any, api_as: Any, who: str, status: int
) -> None:
    past = past_case(world, medical_on=None)
    response = api_as(getattr(world, who)).post(erase_path(past.employee), {"reason": "x"})
    assert response.status_code == status
    assert Employee.objects.get(pk=past.employee.pk).anonymised_on is None


def test_the_employee_page_offers_erasure_to_staff_only(world: Any, sign_in: Any) -> None:
    past = past_case(world)
    page = reverse("people:employee_detail", args=[past.employee.pk])
    erase = reverse("people:employee_erase", args=[past.employee.pk])
    assert erase in sign_in(world.casemanager).get(page).content.decode()
    assert erase not in sign_in(world.hr).get(page).content.decode()
    assert sign_in(world.hr).get(erase).status_code == 404

    form = sign_in(world.casemanager).get(erase)
    assert "medisch dossier loopt tot en met 20-01-2041" in form.content.decode()
    refused = sign_in(world.casemanager).post(erase, {"reason": "Verzoek"})
    assert refused.status_code == 422
    assert Employee.objects.get(pk=past.employee.pk).anonymised_on is None


def test_erasing_on_the_page(world: Any, sign_in: Any) -> None:
    past = past_case(world, medical_on=None)
    erase = reverse("people:employee_erase", args=[past.employee.pk])
    response = sign_in(world.admin).post(erase, {"reason": "Verzoek van de werknemer"})
    assert response.status_code == 302
    page = sign_in(world.admin).get(response["Location"]).content.decode()
    assert "geanonimiseerd" in page


def test_the_employees_own_account_is_blocked_and_loses_his_name(world: Any) -> None:
    from hersteld.accounts.models import User
    from tests.support.world import user

    past = past_case(world, medical_on=None)
    account = user(world.operator, "employee", employer=world.employer, employee=past.employee)
    erase_employee(
        actor=world.casemanager, employee_id=past.employee.pk, reason="Verzoek", today=TODAY
    )
    blocked = User.objects.get(pk=account.pk)
    assert not blocked.is_active
    assert (blocked.email, blocked.first_name, blocked.last_name) == ("", "", "")
    assert not blocked.has_usable_password()
