"""A legal hold on a person (issue 15, B4): arbodienst staff hold everything of an employee,
also without a case; the retention job and erasure on request leave him alone until it is
lifted. Every run is given its day; the history is written on chosen days in the past."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from hersteld.absence.models import AbsenceCase
from hersteld.absence.services import set_hold
from hersteld.consults.models import Consult
from hersteld.core.models import AuditEvent
from hersteld.core.selectors import history_for_employee
from hersteld.people.models import Employee
from hersteld.people.services import erase_employee, lift_person_hold, set_person_hold
from tests.support.retention import on, past_case, run

pytestmark = pytest.mark.django_db

D = dt.date
# The employment of `past_case` ended on 2021-12-31: the administration term (2 years) has
# passed on 2024-01-01.
AFTER_THE_TERM = D(2024, 1, 1)


def anonymised(employee: Employee) -> bool:
    return Employee.objects.get(pk=employee.pk).anonymised_on is not None


def without_case(world: Any, surname: str = "Zonderzaak") -> Employee:
    """Someone out of service since 2021-12-31 who never had an absence case."""
    from hersteld.people.services import end_employment

    with on(D(2019, 1, 1)):
        employment = world.hire(surname=surname, start_date=D(2019, 1, 1))
    with on(D(2021, 12, 31)):
        end_employment(actor=world.admin, employment_id=employment.pk, end_date=D(2021, 12, 31))
    return employment.employee


# --- the services --------------------------------------------------------------------------


def test_staff_set_and_lift_a_person_hold_with_a_reason_both_audited(world: Any) -> None:
    person = world.own_employee

    set_person_hold(actor=world.casemanager, employee_id=person.pk, reason="Claim bij de rechter")
    held = Employee.objects.get(pk=person.pk)
    assert held.on_hold and held.hold_reason == "Claim bij de rechter"
    assert held.hold_by_name  # who set it, kept with the hold

    lift_person_hold(actor=world.medic, employee_id=person.pk, reason="Zaak geschikt")
    lifted = Employee.objects.get(pk=person.pk)
    assert not lifted.on_hold and lifted.hold_reason == "" and lifted.hold_by_name == ""

    events = list(
        AuditEvent.objects.filter(object_type="people.employee", object_id=str(person.pk))
        .exclude(reason="")
        .order_by("id")
    )
    assert [e.reason for e in events[-2:]] == ["Claim bij de rechter", "Zaak geschikt"]
    assert events[-2].changes["hold_reason"] == ["", "Claim bij de rechter"]
    assert events[-1].changes["hold_reason"] == ["Claim bij de rechter", ""]


def test_a_person_hold_needs_a_reason(world: Any, refused: Any) -> None:
    errors = refused(
        lambda: set_person_hold(
            actor=world.casemanager, employee_id=world.own_employee.pk, reason=""
        )
    )
    assert errors == {"reason": ["reason_required"]}


def test_a_person_hold_is_set_once_and_lifted_once(world: Any, refused: Any) -> None:
    pk = world.own_employee.pk
    set_person_hold(actor=world.casemanager, employee_id=pk, reason="Geschil")
    again = refused(lambda: set_person_hold(actor=world.casemanager, employee_id=pk, reason="x"))
    assert again == {"__all__": ["person_hold_already_on"]}
    lift_person_hold(actor=world.casemanager, employee_id=pk, reason="Klaar")
    twice = refused(lambda: lift_person_hold(actor=world.casemanager, employee_id=pk, reason="x"))
    assert twice == {"__all__": ["person_hold_not_on"]}


def test_the_refusal_reads_in_dutch(world: Any) -> None:
    pk = world.own_employee.pk
    set_person_hold(actor=world.casemanager, employee_id=pk, reason="Geschil")
    with translation.override("nl"), pytest.raises(ValidationError) as caught:
        set_person_hold(actor=world.casemanager, employee_id=pk, reason="Nog eens")
    assert caught.value.messages == ["Op deze werknemer staat al een bewaarplicht (legal hold)."]


@pytest.mark.parametrize(
    "who", ["hr", "manager", "employee", "other_admin", "other_casemanager", "operator"]
)
def test_nobody_but_the_tenants_staff_finds_the_person_to_hold(world: Any, who: str) -> None:
    pk = world.own_employee.pk
    with pytest.raises(Http404):
        set_person_hold(actor=getattr(world, who), employee_id=pk, reason="Geschil")
    assert not Employee.objects.get(pk=pk).on_hold


def test_nobody_but_the_tenants_staff_lifts_it(world: Any) -> None:
    pk = world.own_employee.pk
    set_person_hold(actor=world.casemanager, employee_id=pk, reason="Geschil")
    for who in ("hr", "employee", "other_casemanager"):
        with pytest.raises(Http404):
            lift_person_hold(actor=getattr(world, who), employee_id=pk, reason="Weg ermee")
    assert Employee.objects.get(pk=pk).on_hold


def test_an_anonymised_person_gets_no_hold(world: Any, refused: Any) -> None:
    person = without_case(world)
    run(world, AFTER_THE_TERM)
    assert anonymised(person)
    errors = refused(
        lambda: set_person_hold(actor=world.casemanager, employee_id=person.pk, reason="Te laat")
    )
    assert errors == {"__all__": ["already_erased"]}


# --- the retention job ---------------------------------------------------------------------


def test_without_a_hold_the_person_is_anonymised_after_the_administration_term(
    world: Any,
) -> None:
    person = without_case(world)
    run(world, D(2023, 12, 31))
    assert not anonymised(person)
    assert run(world, AFTER_THE_TERM).get("people") == 1
    assert anonymised(person)


def test_a_person_hold_keeps_him_and_lifting_it_lets_the_next_run_anonymise(
    world: Any,
) -> None:
    person = without_case(world)
    other = without_case(world, surname="Anders")
    set_person_hold(actor=world.casemanager, employee_id=person.pk, reason="Claim")

    run(world, AFTER_THE_TERM)
    assert not anonymised(person)
    assert Employee.objects.get(pk=person.pk).surname == "Zonderzaak"
    assert anonymised(other)  # someone else goes as usual

    run(world, D(2030, 1, 1))
    assert not anonymised(person)

    lift_person_hold(actor=world.casemanager, employee_id=person.pk, reason="Claim afgewezen")
    assert run(world, D(2030, 1, 2)).get("people") == 1
    assert anonymised(person)


def test_the_dry_run_lists_nothing_of_a_held_person(world: Any) -> None:
    past = past_case(world)  # a case file, a medical note, an ended employment
    set_person_hold(actor=world.casemanager, employee_id=past.employee.pk, reason="Claim")

    counts = run(world, D(2060, 1, 1), dry_run=True)
    # The logs are one chain per tenant, pruned from the oldest row on, as under a case hold.
    counts.pop("logs", None)
    assert counts == {}

    lift_person_hold(actor=world.casemanager, employee_id=past.employee.pk, reason="Klaar")
    counts = run(world, D(2060, 1, 1), dry_run=True)
    assert counts["people"] == 1 and counts["case_files"] == 1 and counts["medical_notes"] == 1


def test_a_person_hold_keeps_his_case_file_and_medical_notes(world: Any) -> None:
    past = past_case(world)
    set_person_hold(actor=world.casemanager, employee_id=past.employee.pk, reason="Claim")

    run(world, D(2060, 1, 1))
    assert past.notes() == 1 and past.medical_notes() == 1
    assert AbsenceCase.objects.get(pk=past.case.pk).file_erased_on is None
    assert not anonymised(past.employee)


def test_a_person_hold_keeps_his_open_spreekuur_question(world: Any) -> None:
    """A consult without a case: only the person hold can keep it."""
    from tests.support.consults import requested_and_held

    with on(D(2021, 3, 1)):
        _clinic, consult = requested_and_held(world)
    Consult.objects.filter(pk=consult.pk).update(
        created_at=timezone.make_aware(dt.datetime(2021, 3, 1, 9))
    )
    asked = Consult.objects.filter(pk=consult.pk).exclude(question="")
    set_person_hold(actor=world.casemanager, employee_id=consult.employee_id, reason="Claim")

    assert "consult_questions" not in run(world, D(2041, 3, 2))
    assert asked.exists()
    lift_person_hold(actor=world.casemanager, employee_id=consult.employee_id, reason="Klaar")
    assert run(world, D(2041, 3, 2)).get("consult_questions") == 1
    assert not asked.exists()


# --- erasure on request --------------------------------------------------------------------


def test_erasure_on_request_is_refused_with_the_holds_reason(world: Any) -> None:
    person = without_case(world)
    set_person_hold(actor=world.casemanager, employee_id=person.pk, reason="Claim bij de rechter")
    with translation.override("nl"), pytest.raises(ValidationError) as caught:
        erase_employee(
            actor=world.casemanager, employee_id=person.pk, reason="Verzoek", today=D(2026, 12, 2)
        )
    assert caught.value.messages == [
        "Kan niet worden gewist: op deze werknemer staat een bewaarplicht (legal hold: "
        "Claim bij de rechter)."
    ]
    assert not anonymised(person)


def test_the_api_erasure_answers_422_naming_the_hold(world: Any, api_as: Any) -> None:
    person = without_case(world)
    set_person_hold(actor=world.casemanager, employee_id=person.pk, reason="Claim bij de rechter")
    response = api_as(world.casemanager).post(
        f"/api/v1/employees/{person.pk}/erase", {"reason": "Verzoek"}
    )
    assert response.status_code == 422
    messages = [error["message"] for error in response.json()["errors"]]
    assert any("Claim bij de rechter" in m for m in messages), messages
    assert not anonymised(person)


def test_a_case_hold_still_refuses_with_its_own_sentence(world: Any) -> None:
    """The case hold and the person hold share one helper; each names its own object."""
    past = past_case(world, medical_on=None)
    set_hold(actor=world.casemanager, case_id=past.case.pk, reason="Geschil")
    with translation.override("nl"), pytest.raises(ValidationError) as caught:
        erase_employee(
            actor=world.casemanager,
            employee_id=past.employee.pk,
            reason="Verzoek",
            today=D(2026, 12, 2),
        )
    assert "op een verzuimdossier van deze werknemer" in caught.value.messages[0]


# --- the portal ----------------------------------------------------------------------------


def test_staff_see_the_hold_on_the_employee_page_and_set_and_lift_it(
    world: Any, sign_in: Any
) -> None:
    pk = world.own_employee.pk
    client = sign_in(world.casemanager)
    page = client.get(reverse("people:employee_detail", args=[pk])).content.decode()
    assert reverse("people:employee_hold", args=[pk]) in page

    assert client.get(reverse("people:employee_hold", args=[pk])).status_code == 200
    response = client.post(
        reverse("people:employee_hold", args=[pk]), {"reason": "Claim over ontslag"}
    )
    assert response.status_code == 302
    assert Employee.objects.get(pk=pk).hold_reason == "Claim over ontslag"

    body = client.get(reverse("people:employee_detail", args=[pk])).content.decode()
    assert "Bewaarplicht (legal hold)" in body and "Claim over ontslag" in body
    assert reverse("people:employee_hold_lift", args=[pk]) in body

    assert client.get(reverse("people:employee_hold_lift", args=[pk])).status_code == 200
    response = client.post(reverse("people:employee_hold_lift", args=[pk]), {"reason": "Geschikt"})
    assert response.status_code == 302
    assert not Employee.objects.get(pk=pk).on_hold


def test_an_empty_reason_on_the_page_names_the_field_in_dutch(world: Any, sign_in: Any) -> None:
    pk = world.own_employee.pk
    response = sign_in(world.medic).post(reverse("people:employee_hold", args=[pk]), {"reason": ""})
    assert response.status_code == 422
    assert "Dit veld is verplicht" in response.content.decode()
    assert not Employee.objects.get(pk=pk).on_hold


@pytest.mark.parametrize(("who", "status"), [("hr", 404), ("manager", 404), ("employee", 404)])
def test_others_see_no_hold_and_cannot_reach_the_page(
    world: Any, sign_in: Any, who: str, status: int
) -> None:
    pk = world.own_employee.pk
    set_person_hold(actor=world.casemanager, employee_id=pk, reason="Claim over ontslag")
    client = sign_in(getattr(world, who))
    detail = client.get(reverse("people:employee_detail", args=[pk]))
    if detail.status_code == 200:  # the employee page as far as he may see it
        body = detail.content.decode()
        assert "Claim over ontslag" not in body
        assert reverse("people:employee_hold_lift", args=[pk]) not in body
    for name in ("people:employee_hold", "people:employee_hold_lift"):
        path = reverse(name, args=[pk])
        assert client.get(path).status_code == status
        assert client.post(path, {"reason": "weg"}).status_code == status
    assert Employee.objects.get(pk=pk).on_hold


def test_staff_of_another_arbodienst_get_404(world: Any, sign_in: Any) -> None:
    pk = world.own_employee.pk
    client = sign_in(world.other_casemanager)
    assert client.get(reverse("people:employee_hold", args=[pk])).status_code == 404
    assert (
        client.post(reverse("people:employee_hold", args=[pk]), {"reason": "x"}).status_code == 404
    )
    assert not Employee.objects.get(pk=pk).on_hold


def test_the_erase_page_names_the_hold_in_dutch(world: Any, sign_in: Any) -> None:
    pk = world.own_employee.pk
    set_person_hold(actor=world.casemanager, employee_id=pk, reason="Claim over ontslag")
    page = sign_in(world.casemanager).get(
        reverse("people:employee_erase", args=[pk]), HTTP_ACCEPT_LANGUAGE="nl"
    )
    body = page.content.decode()
    assert "op hem of op een dossier van hem een bewaarplicht" in body
    assert (
        "Kan niet worden gewist: op deze werknemer staat een bewaarplicht (legal hold: "
        "Claim over ontslag)."
    ) in body


def test_the_employers_history_tab_shows_no_person_hold(world: Any, sign_in: Any) -> None:
    pk = world.own_employee.pk
    employer_rows = history_for_employee(world.hr, world.own_employee).count()
    staff_rows = history_for_employee(world.casemanager, world.own_employee).count()
    set_person_hold(actor=world.casemanager, employee_id=pk, reason="Claim over ontslag")
    lift_person_hold(actor=world.casemanager, employee_id=pk, reason="Schikking getroffen")
    # Not even counted for the employer (a page's "n results" would tell).
    assert history_for_employee(world.hr, world.own_employee).count() == employer_rows
    assert history_for_employee(world.casemanager, world.own_employee).count() == staff_rows + 2
    history = reverse("people:employee_detail", args=[pk]) + "?tab=history"
    employer = sign_in(world.hr).get(history).content.decode()
    staff = sign_in(world.casemanager).get(history).content.decode()
    for reason in ("Claim over ontslag", "Schikking getroffen"):
        assert reason in staff
        assert reason not in employer
