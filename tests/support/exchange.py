"""Helpers shared by several test modules."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

    from hersteld.exchange.models import Coupling
    from tests.support.world import World

HEADER = (
    "Personeelsnummer;Werknemer_ID;Voorletters;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;"
    "Geslacht;BSN;Postcode;Straat;Huisnummer;Woonplaats;Telefoon;E-mail;Afdeling;Functie;"
    "Uren per week;Ingangsdatum;Einddatum;Contractsoort;Jaarsalaris"
)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
# The employer block of every message in docs/examples and of `message()` below.
EXAMPLE_EMPLOYER_KEY = "DEVRIES"
EXAMPLE_CONNECTION_NO = "DEMO-1"
# The department codes the examples and `job()` use.
EXAMPLE_DEPARTMENTS = ("BAK", "WNK")
EXAMPLE_SOURCE = "Verzuimportaal"
EXAMPLE_ERROR_EMAIL = "koppeling.wereld@example.org"


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def content_type(name: str) -> str:
    return "application/json" if name.endswith(".json") else "application/xml"


def person(external_id: str = "W-9001", **changes: Any) -> dict[str, Any]:
    data = {
        "external_id": external_id,
        "birth_date": "1990-04-02",
        "surname": "Testpersoon",
        "initials": "T.",
        "first_name": "Tess",
        "gender": "V",
        "address": {
            "street": "Proeflaan",
            "house_number": "3",
            "postcode": "9711 AA",
            "city": "Groningen",
            "country": "NL",
        },
        "phone": "0612345670",
        "email": "tess@example.org",
    }
    data.update(changes)
    return data


def job(external_id: str = "D-9001", **changes: Any) -> dict[str, Any]:
    data = {
        "external_id": external_id,
        "personnel_number": "P" + external_id,
        "start_date": "2020-01-01",
        "department_code": "BAK",
        "function_name": "Bakker",
        "hours_per_week": "32.00",
        "contract_type": "permanent",
    }
    data.update(changes)
    return data


def absence(kind: str, sequence: int, **changes: Any) -> dict[str, Any]:
    data = {
        "kind": kind,
        "absence_id": "V-9001",
        "sequence": sequence,
        "mutation_date": "2025-03-03",
        "first_day": "2025-03-03",
        "percentage": "100.00",
    }
    data.update(changes)
    return data


def message(
    ref: str,
    items: list[dict[str, Any]],
    *,
    sent_at: str = "2025-03-03T09:00:00+01:00",
    employer_key: str = EXAMPLE_EMPLOYER_KEY,
    message_type: str | None = None,
) -> str:
    body: dict[str, Any] = {
        "message_id": ref,
        "sent_at": sent_at,
        "sender": "TEST",
        "receiver": "HERSTELD",
        "test": True,
        "employer": {"employer_key": employer_key, "connection_no": EXAMPLE_CONNECTION_NO},
        "items": items,
    }
    if message_type:
        body["message_type"] = message_type
    return json.dumps(body)


def row(number: int, **overrides: str) -> str:
    values = {
        "personeelsnummer": f"IMP-{number}",
        "werknemer_id": f"W-IMP-{number}",
        "voorletters": "J.",
        "roepnaam": "Jan",
        "tussenvoegsel": "van",
        "achternaam": f"Importman{number}",
        "geboortedatum": "12-03-1980",
        "geslacht": "M",
        "bsn": "",
        "postcode": "1234ab",
        "straat": "Dorpsstraat",
        "huisnummer": "12a",
        "woonplaats": "Utrecht",
        "telefoon": "06 12345678",
        "e_mail": f"imp{number}@example.org",
        "afdeling": "BAK",
        "functie": "Bakker",
        "uren": "32,5",
        "ingangsdatum": "2020-01-01",
        "einddatum": "",
        "contractsoort": "onbepaald",
        "jaarsalaris": "36.000,00",
    }
    values.update(overrides)
    return ";".join(values.values())


def csv_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def complete_for_sivi(employer: Any) -> None:
    """Give an employer what every SIVI message needs of it (loonheffingennummer, contact)."""
    from hersteld.organisations.models import Employer

    Employer.objects.filter(pk=employer.pk).update(
        payroll_tax_number="001234567L01",
        contact_name="Anna Verzuim",
        contact_email="verzuim@example.org",
        contact_phone="0301234000",
    )


@dataclass
class Coupled:
    """A coupling that accepts messages, and the API key its source system sends them with."""

    coupling: Coupling
    key: str

    def client(self, header: str = "Authorization") -> Client:
        """A client of the source system, with the key in the given header."""
        from django.test import Client

        value = f"Bearer {self.key}" if header == "Authorization" else self.key
        return Client(headers={header: value})

    def send(self, body: bytes | str, kind: str = "application/xml") -> Any:
        """POST a body to the inbox with this coupling's key; returns the response."""
        data = body.encode() if isinstance(body, str) else body
        return self.client().post("/api/v1/exchange/inbox", data, content_type=kind)


def example_departments(world: World, *codes: str) -> None:
    """Departments of the world's employer with the given codes (default: the examples')."""
    from hersteld.organisations.models import Department
    from tests.support.world import department

    for code in codes or EXAMPLE_DEPARTMENTS:
        if not Department.objects.filter(employer=world.employer, code=code).exists():
            department(world.operator, world.employer, code)


def couple_like_the_examples(world: World) -> Coupled:
    """Couple the world's employer as the example messages expect: their employer key and
    connection number, their departments, everything allowed (all employments, absence
    reports, salary, BSN) and an error address; the employer has what a SIVI message it
    sends needs. Requested and configured by the arbodienst's admin, keyed and activated by
    the operator, as every coupling is."""
    from hersteld.exchange.services import activate_coupling, configure_coupling, rotate_key

    complete_for_sivi(world.employer)
    example_departments(world)
    coupling = configure_coupling(
        actor=world.admin,
        coupling_id=world.coupling(source_system=EXAMPLE_SOURCE).pk,
        data={
            "employer_key": EXAMPLE_EMPLOYER_KEY,
            "connection_no": EXAMPLE_CONNECTION_NO,
            "all_employments": True,
            "absence_reports": True,
            "salary": True,
            "bsn": True,
            "error_email": EXAMPLE_ERROR_EMAIL,
        },
    )
    key = rotate_key(actor=world.operator, coupling_id=coupling.pk)
    activate_coupling(actor=world.operator, coupling_id=coupling.pk)
    coupling.refresh_from_db()
    return Coupled(coupling, key)


def send_out(coupling: Coupling, operator: Any) -> Coupling:
    """Give the coupling an outbound target (a closed local port: nothing is delivered), so
    writes of its employer queue outbound messages."""
    from hersteld.exchange import services

    return services.configure_coupling(
        actor=operator,
        coupling_id=coupling.pk,
        data={
            "outbound_url": "http://127.0.0.1:9/sivi/inbox",
            "outbound_employer_key": "DV-DOEL",
            "outbound_connection_no": "D-7",
        },
    )
