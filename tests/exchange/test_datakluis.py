"""The Datakluis (X7, docs/adr/0018-datakluis.md): a population held pseudonymised, revealed on
purpose, never duplicated, never shown to the functional administrator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.urls import reverse

from hersteld.absence.models import AbsenceCase
from hersteld.core.models import AccessEvent, AuditEvent
from hersteld.exchange import services
from hersteld.exchange.checks import datakluis_couplings
from hersteld.exchange.models import InboxMessage, InboxStatus
from hersteld.people import vault
from hersteld.people.checks import datakluis_key
from hersteld.people.models import Employee, Employment, SealedIdentity
from tests.support.exchange import absence, complete_for_sivi, job, person
from tests.support.vault import forwarding_coupling, key_file, population, vault_coupling

pytestmark = pytest.mark.django_db

REAL_NAMES = ("Kluisvrouw", "Kluisman", "Anouk", "tess@example.org", "Proeflaan")


@pytest.fixture
def keyed(settings: Any, tmp_path: Path) -> Path:
    path = key_file(tmp_path)
    settings.DATAKLUIS_KEY_FILE = str(path)
    return path


@pytest.fixture
def kluis(world: Any, keyed: Path) -> Any:
    """The world with a Datakluis coupling that has sent its population (stream 2)."""
    coupling = vault_coupling(world)
    message = coupling.deliver("KLUIS-POP-1", population(world), message_type="employee")
    message.refresh_from_db()
    assert message.status == InboxStatus.PROCESSED, message.errors
    world.vault = coupling
    world.anouk = Employee.objects.get(pk=_employee_id(world, "KP-1"))
    return world


def _employee_id(world: Any, personnel_number: str) -> int:
    return Employment.objects.get(
        employer=world.employer, personnel_number=personnel_number
    ).employee_id


def _sick_report(world: Any, ref: str = "KLUIS-SICK-1") -> InboxMessage:
    code = world.department.code
    item = {
        "employee": person("K-1", surname="Kluisvrouw", initials="A.", first_name="Anouk"),
        "employment": job("KD-1", personnel_number="KP-1", department_code=code),
        "absence": absence("sick_report", 1, absence_id="KV-1"),
    }
    message = world.vault.deliver(ref, [item])
    message.refresh_from_db()
    assert message.status == InboxStatus.PROCESSED, message.errors
    return message


# --- the key --------------------------------------------------------------------------------


def test_sealing_round_trip_and_keyed_digest(keyed: Path) -> None:
    values = {"surname": "Kluisvrouw", "bsn": "111222333", "house_number": 12}
    token = vault.seal(values)
    assert b"Kluisvrouw" not in token and b"111222333" not in token
    opened = vault.unseal(token)
    assert (opened["surname"], opened["bsn"], opened["house_number"]) == (
        "Kluisvrouw",
        "111222333",
        12,
    )
    assert opened["email"] is None  # every identifying field is in the token, also the empty ones
    assert vault.digest(7, "111222333") == vault.digest(7, "111222333")
    assert vault.digest(7, "111222333") != vault.digest(8, "111222333")
    assert "111222333" not in vault.digest(7, "111222333")


def test_a_token_of_another_key_is_refused(keyed: Path, settings: Any, tmp_path: Path) -> None:
    token = vault.seal({"surname": "Kluisvrouw"})
    other = tmp_path / "other.key"
    other.write_text(Fernet.generate_key().decode(), encoding="ascii")
    settings.DATAKLUIS_KEY_FILE = str(other)
    with pytest.raises(vault.VaultKeyMissing):
        vault.unseal(token)


def test_a_missing_or_broken_key_file_is_a_clear_configuration_error(
    settings: Any, tmp_path: Path
) -> None:
    settings.DATAKLUIS_KEY_FILE = ""
    assert "HERSTELD_DATAKLUIS_KEY_FILE is not set" in vault.key_problem()
    assert datakluis_key() == []  # no key named, no Datakluis: nothing to report at startup
    settings.DATAKLUIS_KEY_FILE = str(tmp_path / "absent.key")
    assert "does not exist" in vault.key_problem()
    broken = tmp_path / "broken.key"
    broken.write_text("not-a-key", encoding="ascii")
    settings.DATAKLUIS_KEY_FILE = str(broken)
    [error] = datakluis_key()
    assert error.id == "hersteld.E101" and "holds no Fernet key" in error.msg
    with pytest.raises(vault.VaultKeyMissing):
        vault.seal({"surname": "Kluisvrouw"})


def test_a_datakluis_coupling_without_a_key_is_refused_and_stores_nothing(
    kluis: Any, settings: Any
) -> None:
    settings.DATAKLUIS_KEY_FILE = ""
    with pytest.raises(ValidationError) as refused:
        services.request_coupling(
            actor=kluis.admin,
            employer_id=kluis.other_employer.pk,
            data={"source_system": "X", "employer_key": "X", "vault": True},
        )
    assert "vault" in refused.value.error_dict
    assert datakluis_couplings() == []  # only `check --database`
    [error] = datakluis_couplings(databases=["default"])
    assert error.id == "hersteld.E102" and "VerzuimSignaal" in error.msg
    before = InboxMessage.objects.count()
    response = kluis.vault.send("KLUIS-NOKEY", population(kluis), message_type="employee")
    assert response.status_code == 503
    assert "HERSTELD_DATAKLUIS_KEY_FILE" in response.json()["detail"]
    assert InboxMessage.objects.count() == before


# --- the population, sealed -----------------------------------------------------------------


def test_the_population_is_stored_pseudonymised_with_its_employments_intact(kluis: Any) -> None:
    sealed = Employee.objects.filter(employer=kluis.employer, sealed=True).order_by("id")
    assert sealed.count() == 2
    for employee in sealed:
        assert employee.surname.startswith("DK-") and employee.initials == "X"
        assert (employee.first_name, employee.bsn, employee.street, employee.email) == (
            "",
            "",
            "",
            "",
        )
        assert employee.birth_date == dt.date(1990, 4, 2)  # kept for the statistics
    bram = Employment.objects.get(employer=kluis.employer, personnel_number="KP-2")
    assert (bram.start_date, bram.hours_per_week) == (dt.date(2020, 1, 1), Decimal("20.00"))
    assert bram.terms.get().hours_per_week == Decimal("20.00")
    # Nothing in clear: not in the rows, not in the audit trail, not in the stored message.
    for name in REAL_NAMES:
        mine = {"employer_id": kluis.employer.pk, "changes__icontains": name}
        assert not AuditEvent.objects.filter(**mine).exists()
    for field in ("surname", "first_name", "email", "street"):
        assert not Employee.objects.filter(
            employer=kluis.employer, **{f"{field}__in": REAL_NAMES}
        ).exists()
    inbox = InboxMessage.objects.get(message_ref="KLUIS-POP-1")
    assert inbox.body_sealed and b"Kluisvrouw" not in bytes(inbox.body)
    assert b"Kluisvrouw" in services.body_of(inbox)  # the worker can still read it
    assert SealedIdentity.objects.filter(employer=kluis.employer).count() == 2


def test_a_sealed_person_is_shown_to_nobody(kluis: Any, sign_in: Any, api_as: Any) -> None:
    anouk = kluis.anouk
    portal_people = {kluis.own_employee.pk, kluis.colleague_employment.employee_id}
    job_id = Employment.objects.get(employee=anouk).pk
    for user in (kluis.admin, kluis.casemanager, kluis.medic, kluis.hr):
        client = sign_in(user)
        assert client.get(reverse("people:employee_detail", args=[anouk.pk])).status_code == 404
        page = client.get(reverse("people:employment_list"), {"employer": kluis.employer.pk})
        assert page.status_code == 200
        assert anouk.surname not in page.content.decode()
        rest = api_as(user)
        assert rest.get(f"/api/v1/employees/{anouk.pk}").status_code == 404
        assert rest.get(f"/api/v1/employments/{job_id}").status_code == 404
        # Lists and feed hold the employer's people added in the portal, not the sealed two.
        listed = rest.get("/api/v1/employees", employer_id=kluis.employer.pk).json()
        assert {row["id"] for row in listed["items"]} == portal_people
        feed = rest.get("/api/v1/exchange/changes").json()
        assert {row["employee_id"] for row in feed["changes"]} == portal_people


def test_a_mutation_of_a_sealed_person_stays_sealed(kluis: Any) -> None:
    code = kluis.department.code
    moved = person("K-1", surname="Kluisvrouw-Berg", initials="A.", first_name="Anouk")
    item = {
        "employee": moved,
        "employment": job("KD-1", personnel_number="KP-1", department_code=code),
    }
    message = kluis.vault.deliver(
        "KLUIS-MUT-1", [item], sent_at="2025-03-04T09:00:00+01:00", message_type="employee"
    )
    message.refresh_from_db()
    assert message.status == InboxStatus.PROCESSED, message.errors
    anouk = Employee.objects.get(pk=kluis.anouk.pk)
    assert anouk.sealed and anouk.surname == kluis.anouk.surname
    assert vault.unseal(anouk.sealed_identity.token)["surname"] == "Kluisvrouw-Berg"
    row = AuditEvent.objects.filter(object_type="people.employee", object_id=str(anouk.pk)).latest(
        "id"
    )
    assert row.changes == {"surname": ["(verzegeld)", "(verzegeld)"]}


# --- reveal on purpose ----------------------------------------------------------------------


def test_a_sick_report_reveals_the_person_for_that_purpose_without_a_duplicate(
    kluis: Any, sign_in: Any
) -> None:
    people_before = Employee.objects.filter(employer=kluis.employer).count()
    _sick_report(kluis)
    assert Employee.objects.filter(employer=kluis.employer).count() == people_before
    anouk = Employee.objects.get(pk=kluis.anouk.pk)
    assert not anouk.sealed
    assert (anouk.surname, anouk.first_name, anouk.email) == (
        "Kluisvrouw",
        "Anouk",
        "tess@example.org",
    )
    assert AbsenceCase.objects.filter(employment__employee=anouk).count() == 1
    assert not SealedIdentity.objects.filter(employee=anouk).exists()
    reveal = AuditEvent.objects.get(object_id=str(anouk.pk), reason="Datakluis: sick_report")
    assert reveal.changes["sealed"] == [True, False]
    assert reveal.changes["surname"][1] == "Kluisvrouw"
    assert AccessEvent.objects.filter(
        object_id=str(anouk.pk), purpose="reveal:sick_report"
    ).exists()
    page = sign_in(kluis.casemanager).get(reverse("people:employee_detail", args=[anouk.pk]))
    assert page.status_code == 200 and "Kluisvrouw" in page.content.decode()
    # The other person of the population stays sealed.
    assert Employee.objects.get(pk=_employee_id(kluis, "KP-2")).sealed


def test_a_casemanager_reveals_a_never_absent_employee_for_a_preventive_consult(
    kluis: Any, sign_in: Any
) -> None:
    client = sign_in(kluis.casemanager)
    url = reverse("exchange:vault_reveal")
    assert client.get(url).status_code == 200
    response = client.post(url, {"employer": kluis.employer.pk, "key": "KP-1"})
    anouk = Employee.objects.get(pk=kluis.anouk.pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:employee_detail", args=[anouk.pk])
    assert not anouk.sealed and anouk.surname == "Kluisvrouw"
    assert AuditEvent.objects.filter(
        object_id=str(anouk.pk), reason="Datakluis: preventive_consult"
    ).exists()
    # The sick report that follows finds the same person: still two people, one case.
    _sick_report(kluis)
    assert Employee.objects.filter(employer=kluis.employer, surname="Kluisvrouw").count() == 1
    assert AbsenceCase.objects.filter(employment__employee=anouk).count() == 1


def test_the_reveal_by_api_finds_the_person_by_the_couplings_key(kluis: Any, api_as: Any) -> None:
    rest = api_as(kluis.medic)
    answer = rest.post(
        "/api/v1/exchange/vault/reveal", {"employer_id": kluis.employer.pk, "key": "K-2"}
    )
    assert answer.status_code == 200, answer.content
    bram = _employee_id(kluis, "KP-2")
    assert answer.json() == {"employee_id": bram, "display_name": "B. Kluisman"}
    assert rest.get(f"/api/v1/employees/{bram}").json()["surname"] == "Kluisman"
    unknown = rest.post(
        "/api/v1/exchange/vault/reveal", {"employer_id": kluis.employer.pk, "key": "NOPE"}
    )
    assert unknown.status_code == 422
    assert Employee.objects.filter(employer=kluis.employer).count() == 4  # 2 of the world + 2


def test_the_functional_administrator_can_neither_reveal_nor_read_the_messages(
    kluis: Any, sign_in: Any, api_as: Any
) -> None:
    client = sign_in(kluis.admin)
    assert client.get(reverse("exchange:vault_reveal")).status_code == 403
    refused = api_as(kluis.admin).post(
        "/api/v1/exchange/vault/reveal", {"employer_id": kluis.employer.pk, "key": "KP-1"}
    )
    assert refused.status_code == 403
    assert Employee.objects.get(pk=kluis.anouk.pk).sealed
    # A message that fails (an unknown department): the admin sees that it failed and the
    # rule, never the message's text or body.
    item = {
        "employee": person("K-3", surname="Kluisnieuw"),
        "employment": job("KD-3", personnel_number="KP-3", department_code="NOPE"),
    }
    failed = kluis.vault.deliver("KLUIS-FAIL-1", [item], message_type="employee")
    failed.refresh_from_db()
    assert failed.status == InboxStatus.FAILED
    page = client.get(reverse("exchange:errors", args=[kluis.vault.coupling.pk])).content.decode()
    assert "KLUIS-FAIL-1" in page and "unknown_department" in page
    assert "NOPE" not in page and "Kluisnieuw" not in page
    assert b"Kluisnieuw" not in bytes(InboxMessage.objects.get(pk=failed.pk).body)


def test_matching_on_the_bsn_works_on_its_keyed_digest(world: Any, keyed: Path) -> None:
    coupling = vault_coupling(world, bsn=True)
    code = world.department.code
    first = {
        "employee": person("B-1", bsn="111222333"),
        "employment": job("BD-1", department_code=code),
    }
    coupling.deliver("KLUIS-BSN-1", [first], message_type="employee")
    employee = Employee.objects.get(employer=world.employer, sealed=True)
    assert employee.bsn == "" and employee.sealed_identity.bsn_digest == vault.digest(
        world.employer.pk, "111222333"
    )
    # The employer's system re-keys the person (a new IdWrknmr): the BSN still finds him.
    again = {
        "employee": person("B-NEW", bsn="111222333"),
        "employment": job("BD-1", department_code=code),
    }
    message = coupling.deliver(
        "KLUIS-BSN-2", [again], sent_at="2025-03-04T09:00:00+01:00", message_type="employee"
    )
    message.refresh_from_db()
    assert message.status == InboxStatus.PROCESSED, message.errors
    assert Employee.objects.filter(employer=world.employer, sealed=True).count() == 1


def test_a_pregnancy_leave_reveals_her_for_that_purpose(kluis: Any, sign_in: Any) -> None:
    """The leave path (absence.services.add_case) reveals as the sick report does: here the
    coupling adds the leave (the actor that sees its own sealed people)."""
    from hersteld.absence import services as absence_services
    from hersteld.exchange.apply import coupling_actor

    anouk = kluis.anouk
    start = dt.date.today() - dt.timedelta(days=10)
    absence_services.add_case(
        actor=coupling_actor(kluis.vault.coupling),
        employment_id=Employment.objects.get(employee=anouk).pk,
        kind="pregnancy_leave",
        data={"first_day": start, "expected_delivery": start + dt.timedelta(days=41)},
    )
    anouk.refresh_from_db()
    assert not anouk.sealed and anouk.surname == "Kluisvrouw"
    assert AuditEvent.objects.filter(
        object_id=str(anouk.pk), reason="Datakluis: pregnancy_leave"
    ).exists()
    assert AccessEvent.objects.filter(
        object_id=str(anouk.pk), purpose="reveal:pregnancy_leave"
    ).exists()


def test_a_portal_user_cannot_add_a_case_for_a_sealed_person(kluis: Any) -> None:
    """Nobody sees a sealed person, so nobody reports him sick by hand either (404)."""
    from django.http import Http404

    from hersteld.absence import services as absence_services

    with pytest.raises(Http404):
        absence_services.add_case(
            actor=kluis.casemanager,
            employment_id=Employment.objects.get(employee=kluis.anouk).pk,
            kind="sickness",
            data={"first_day": dt.date.today()},
        )
    assert Employee.objects.get(pk=kluis.anouk.pk).sealed


def test_sealed_people_are_not_sent_on_by_outbound_streams(world: Any, keyed: Path) -> None:
    """Another coupling of the employer sends stream 2 on; a sealed person is not sent (his
    placeholders would mean nothing to the target), a revealed one is."""
    from hersteld.exchange.models import OutboxMessage

    complete_for_sivi(world.employer)  # else the messages are held, data missing
    target = forwarding_coupling(world)
    coupling = vault_coupling(world)
    world.vault = coupling
    coupling.deliver("KLUIS-POP-OUT", population(world), message_type="employee")
    assert not OutboxMessage.objects.filter(coupling=target).exists()
    _sick_report(world, "KLUIS-SICK-OUT")
    sent = [bytes(m.body) for m in OutboxMessage.objects.filter(coupling=target)]
    assert any(b"Kluisvrouw" in body for body in sent)
    assert not any(b"Kluisman" in body or b"DK-" in body for body in sent)


def test_a_merge_proposal_of_a_datakluis_coupling_is_not_shown_to_the_administrator(
    kluis: Any, sign_in: Any, api_as: Any
) -> None:
    """Someone entered by hand looks like a person in the message: the casemanager decides;
    the administrator does not see the proposal (it carries the message's data)."""
    from hersteld.exchange.models import ReviewTask
    from tests.support.world import employment

    manual = employment(kluis.admin, kluis.department, "Handmatig")
    code = kluis.department.code
    item = {
        "employee": person("K-9", surname="Handmatig", initials="W.", birth_date="1985-03-14"),
        "employment": job("KD-9", personnel_number="KP-9", department_code=code),
    }
    message = kluis.vault.deliver("KLUIS-MERGE-1", [item], message_type="employee")
    message.refresh_from_db()
    assert message.status == InboxStatus.REVIEW
    review = ReviewTask.objects.get(message=message)
    assert review.employee_id == manual.employee_id
    url = reverse("exchange:review_detail", args=[review.pk])
    casemanager = sign_in(kluis.casemanager)
    assert casemanager.get(url).status_code == 200
    assert url in casemanager.get(reverse("exchange:review_list")).content.decode()
    admin = sign_in(kluis.admin)
    assert admin.get(url).status_code == 404
    assert url not in admin.get(reverse("exchange:review_list")).content.decode()
    # The API of the proposals answers the same: the casemanager's, not the administrator's.
    one = f"/api/v1/exchange/reviews/{review.pk}"
    assert api_as(kluis.casemanager).get(one).status_code == 200
    admin_api = api_as(kluis.admin)
    assert admin_api.get(one).status_code == 404
    assert admin_api.post(f"{one}/accept", {}).status_code == 404
    assert admin_api.get("/api/v1/exchange/reviews").json()["items"] == []
    review.refresh_from_db()
    assert review.status == "open"
