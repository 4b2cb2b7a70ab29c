"""A Datakluis coupling in a `world`: a key file, the coupling, and a way to send it messages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from django.test import Client

from hersteld.exchange import services
from hersteld.exchange.models import Coupling, InboxMessage
from tests.support.exchange import job, person


def key_file(directory: Path) -> Path:
    """A fresh Fernet key in a file (as an installation keeps it, outside the database)."""
    path = directory / "datakluis.key"
    path.write_text(Fernet.generate_key().decode() + "\n", encoding="ascii")
    return path


@dataclass
class VaultCoupling:
    coupling: Coupling
    api_key: str

    def send(self, ref: str, items: list[dict[str, Any]], **envelope: Any) -> Any:
        body = {
            "message_id": ref,
            "sent_at": envelope.get("sent_at", "2025-03-03T09:00:00+01:00"),
            "sender": "TEST",
            "receiver": "HERSTELD",
            "test": True,
            "employer": {
                "employer_key": self.coupling.employer_key,
                "connection_no": self.coupling.connection_no,
            },
            "items": items,
        }
        if "message_type" in envelope:
            body["message_type"] = envelope["message_type"]
        client = Client(HTTP_AUTHORIZATION=f"Bearer {self.api_key}")
        return client.post(
            "/api/v1/exchange/inbox", json.dumps(body), content_type="application/json"
        )

    def deliver(self, ref: str, items: list[dict[str, Any]], **envelope: Any) -> InboxMessage:
        """Receive and process (the worker's step; on_commit does not fire inside a test)."""
        response = self.send(ref, items, **envelope)
        assert response.status_code == 202, response.content
        services.process(response.json()["id"])
        return InboxMessage.objects.get(pk=response.json()["id"])


def vault_coupling(world: Any, **config: Any) -> VaultCoupling:
    """An active Datakluis coupling of the world's employer (requested by its admin, activated
    by the operator, like every coupling)."""
    coupling = services.request_coupling(
        actor=world.admin,
        employer_id=world.employer.pk,
        data={
            "source_system": "VerzuimSignaal",
            "employer_key": f"KLUIS-{world.employer.pk}",
            "connection_no": "KLUIS-1",
            "all_employments": True,
            "absence_reports": True,
            "vault": True,
            **config,
        },
    )
    api_key = services.rotate_key(actor=world.operator, coupling_id=coupling.pk)
    services.activate_coupling(actor=world.operator, coupling_id=coupling.pk)
    coupling.refresh_from_db()
    return VaultCoupling(coupling, api_key)


def population(world: Any) -> list[dict[str, Any]]:
    """Stream 2: two employees of the world's top department, never absent."""
    code = world.department.code
    return [
        {
            "employee": person("K-1", surname="Kluisvrouw", initials="A.", first_name="Anouk"),
            "employment": job("KD-1", personnel_number="KP-1", department_code=code),
        },
        {
            "employee": person(
                "K-2", surname="Kluisman", initials="B.", first_name="Bram", gender="M"
            ),
            "employment": job(
                "KD-2", personnel_number="KP-2", department_code=code, hours_per_week="20.00"
            ),
        },
    ]


def forwarding_coupling(world: Any) -> Coupling:
    """A second, active coupling of the world's employer that sends its changes on (stream
    2) to a target system: what outbound streams may and may not carry of vault people."""
    target = services.request_coupling(
        actor=world.admin,
        employer_id=world.employer.pk,
        data={
            "source_system": "Doorsturen",
            "employer_key": "DOOR",
            "connection_no": "DOOR-1",
            "outbound_url": "https://target.example.org/inbox",
        },
    )
    services.rotate_key(actor=world.operator, coupling_id=target.pk)
    services.activate_coupling(actor=world.operator, coupling_id=target.pk)
    return target
