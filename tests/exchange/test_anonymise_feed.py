"""Anonymisation tells the couplings (issue 15, B4): the retention job's anonymising of a
person is audited (action "anonymise", only the new neutral values), so the change feed
carries it; the outbound streams do not, so the employer's own system keeps its data."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from hersteld.core import retention
from hersteld.core.models import AuditEvent
from hersteld.exchange.models import Coupling, OutboxMessage
from hersteld.people import services as people_services
from hersteld.people.models import Employee, Employment
from tests.support.exchange import send_out
from tests.support.retention import past_case

pytestmark = pytest.mark.django_db

# The employment of `past_case` ended on 2021-12-31; without a medical note the person goes
# on 2024-01-01 (two years after).
AFTER_THE_TERM = dt.date(2024, 1, 1)


def changes(client: Any) -> list[dict[str, Any]]:
    page = client.get("/api/v1/exchange/changes", cursor="0", limit=1000).json()
    assert not page["has_more"]
    return list(page["changes"])


def anonymise_entries(client: Any, employee: Employee) -> list[dict[str, Any]]:
    return [
        row
        for row in changes(client)
        if row["action"] == "anonymise" and row["employee_id"] == employee.pk
    ]


def test_the_feed_carries_the_anonymising_of_the_person_and_his_employment(
    world: Any, api_as: Any
) -> None:
    past = past_case(world, medical_on=None)
    client = api_as(world.casemanager)
    assert anonymise_entries(client, past.employee) == []

    retention.run(AFTER_THE_TERM)

    entries = anonymise_entries(client, past.employee)
    assert sorted((row["type"], row["id"]) for row in entries) == sorted(
        [("employee", past.employee.pk), ("employment", past.employment.pk)]
    )
    person = next(row for row in entries if row["type"] == "employee")
    assert {"surname", "street", "email", "phone", "birth_date", "anonymised_on"} <= set(
        person["fields"]
    )
    assert person["employer_id"] == world.employer.pk
    job = next(row for row in entries if row["type"] == "employment")
    assert "personnel_number" in job["fields"]
    # Others of the employer see it too (the employer's HR, in scope of the employment).
    assert len(anonymise_entries(api_as(world.hr), past.employee)) == 2


def test_the_audit_rows_hold_only_the_neutral_values(world: Any) -> None:
    past = past_case(world, medical_on=None)
    person = Employee.objects.get(pk=past.employee.pk)
    old = [
        person.surname,
        person.street,
        person.city,
        person.postcode,
        person.phone,
        person.email,
        person.bsn,
        person.birth_date.isoformat(),
        past.employment.personnel_number,
    ]
    old = [value for value in old if value]
    assert len(old) >= 8  # the world's person has them all (a test that can fail)

    retention.run(AFTER_THE_TERM)

    rows = AuditEvent.objects.filter(action="anonymise", employee_id=person.pk)
    by_type = {row.object_type: row for row in rows}
    assert set(by_type) == {"people.employee", "people.employment"}
    assert rows.count() == 2
    for row in rows:
        text = json.dumps(row.changes)
        assert not [value for value in old if value in text], text
        assert all(before is None for before, _after in row.changes.values())
        assert row.actor_id is None and row.actor_name == "systeem"
    employee_changes = by_type["people.employee"].changes
    assert employee_changes["surname"] == [None, "Geanonimiseerd"]
    assert employee_changes["birth_date"] == [None, "1985-01-01"]
    anonymised_on = Employee.objects.get(pk=person.pk).anonymised_on
    assert employee_changes["anonymised_on"] == [None, anonymised_on.isoformat()]
    assert by_type["people.employment"].changes["personnel_number"] == [
        None,
        f"X-{past.employment.pk}",
    ]


def test_the_history_names_the_action_in_dutch(world: Any) -> None:
    from django.utils import translation

    past = past_case(world, medical_on=None)
    retention.run(AFTER_THE_TERM)
    row = AuditEvent.objects.get(action="anonymise", object_type="people.employee")
    with translation.override("nl"):
        assert row.get_action_display() == "geanonimiseerd"
    assert row.employee_id == past.employee.pk


def test_an_outbound_coupling_gets_no_message_of_the_anonymising(
    world: Any, coupling: Coupling
) -> None:
    past = past_case(world, medical_on=None)
    send_out(coupling, world.operator)
    # A change of the person goes out (so the coupling would send one)...
    people_services.update_employee(
        actor=world.casemanager, employee_id=past.employee.pk, data={"phone": "0612345678"}
    )
    before = OutboxMessage.objects.filter(coupling=coupling).count()
    assert before >= 1

    retention.run(AFTER_THE_TERM)

    # ...the anonymising does not: the employer's own system keeps its data.
    assert Employee.objects.get(pk=past.employee.pk).anonymised_on is not None
    assert OutboxMessage.objects.filter(coupling=coupling).count() == before


def test_erasure_on_request_sends_nothing_either(world: Any, coupling: Coupling) -> None:
    past = past_case(world, medical_on=None)
    send_out(coupling, world.operator)
    before = OutboxMessage.objects.filter(coupling=coupling).count()

    people_services.erase_employee(
        actor=world.casemanager,
        employee_id=past.employee.pk,
        reason="Verzoek van de werknemer",
        today=dt.date(2026, 12, 2),
    )

    assert OutboxMessage.objects.filter(coupling=coupling).count() == before
    actions = set(
        AuditEvent.objects.filter(employee_id=past.employee.pk).values_list("action", flat=True)
    )
    assert {"anonymise", "delete"} <= actions
    assert Employment.objects.get(pk=past.employment.pk).personnel_number.startswith("X-")


# --- Datakluis --------------------------------------------------------------------------------

# The real values of the population tests.support.vault sends, sealed at arrival.
REAL_VALUES = ("Kluisvrouw", "Kluisman", "Anouk", "tess@example.org", "Proeflaan")


def test_a_sealed_person_is_anonymised_without_a_real_value_and_nothing_goes_out(
    world: Any, settings: Any, tmp_path: Any
) -> None:
    """A Datakluis person's real values live only in his SealedIdentity: anonymising removes
    it, the audit row names neutral values only, and no stream sends him on."""
    from hersteld.people.models import SealedIdentity
    from hersteld.people.retention import anonymise
    from tests.support.exchange import complete_for_sivi
    from tests.support.vault import forwarding_coupling, key_file, population, vault_coupling

    settings.DATAKLUIS_KEY_FILE = str(key_file(tmp_path))
    complete_for_sivi(world.employer)
    target = forwarding_coupling(world)
    vault_coupling(world).deliver("KLUIS-POP-ANON", population(world), message_type="employee")
    sealed = Employee.objects.filter(employer=world.employer, sealed=True).order_by("id").first()
    assert sealed is not None and SealedIdentity.objects.filter(employee=sealed).exists()
    before = OutboxMessage.objects.filter(coupling=target).count()

    anonymise(sealed, dt.date(2030, 1, 1))

    assert not SealedIdentity.objects.filter(employee=sealed).exists()
    rows = AuditEvent.objects.filter(action="anonymise", employee_id=sealed.pk)
    assert rows.count() == 2  # the person and his one employment
    for row in rows:
        assert not [value for value in REAL_VALUES if value in json.dumps(row.changes)]
    assert OutboxMessage.objects.filter(coupling=target).count() == before
