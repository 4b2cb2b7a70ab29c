"""A coupling of a `world` that accepts the example messages (docs/examples, `message()`),
so exchange tests need no demo data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.test import Client

from hersteld.exchange import services
from hersteld.exchange.models import Coupling
from hersteld.organisations.models import Department
from tests.support.world import department

# What the messages of docs/examples and `message()` carry as the employer's identification.
EXAMPLE_EMPLOYER_KEY = "DEVRIES"
EXAMPLE_CONNECTION_NO = "DEMO-1"
EXAMPLE_SOURCE = "Verzuimportaal (test)"
EXAMPLE_ERROR_EMAIL = "koppelingen@example.org"
# The department codes of the example messages and of `job()` and `row()`.
EXAMPLE_DEPARTMENTS = ("BAK", "WNK")


@dataclass
class ExampleCoupling:
    """An active coupling of a world's employer and its API key (shown once, kept here)."""

    coupling: Coupling
    key: str

    def send(self, body: bytes | str, kind: str = "application/xml") -> Any:
        """POST a body to the inbox with this coupling's key; returns the response."""
        client = Client(HTTP_AUTHORIZATION=f"Bearer {self.key}")
        data = body.encode() if isinstance(body, str) else body
        return client.post("/api/v1/exchange/inbox", data, content_type=kind)


def example_departments(world: Any, *codes: str) -> None:
    """Departments of the world's employer with the codes the example messages use."""
    for code in codes or EXAMPLE_DEPARTMENTS:
        if not Department.objects.filter(employer=world.employer, code=code).exists():
            department(world.admin, world.employer, code)


def example_coupling(world: Any, **config: Any) -> ExampleCoupling:
    """The world's employer coupled as the example messages expect: their employer key and
    connection number, every stream allowed (all employments, absences, salary, BSN) and an
    error address; requested and configured by the arbodienst's admin, keyed and activated by
    the operator. The employer gets the example messages' departments."""
    example_departments(world)
    coupling = services.request_coupling(
        actor=world.admin,
        employer_id=world.employer.pk,
        data={
            "source_system": EXAMPLE_SOURCE,
            "employer_key": EXAMPLE_EMPLOYER_KEY,
            "connection_no": EXAMPLE_CONNECTION_NO,
            "all_employments": True,
            "absence_reports": True,
            "salary": True,
            "bsn": True,
            "error_email": EXAMPLE_ERROR_EMAIL,
            **config,
        },
    )
    services.configure_coupling(actor=world.admin, coupling_id=coupling.pk, data={})
    key = services.rotate_key(actor=world.operator, coupling_id=coupling.pk)
    services.activate_coupling(actor=world.operator, coupling_id=coupling.pk)
    coupling.refresh_from_db()
    return ExampleCoupling(coupling, key)
