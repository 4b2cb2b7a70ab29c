"""The demo coupling of Bakkerij De Vries (README): demo only, with a published key."""

from __future__ import annotations

from typing import Any

from hersteld.exchange import services
from hersteld.exchange.models import Coupling, CouplingStatus
from hersteld.organisations.models import Employer

DEMO_KEY = "demo-coupling-key-devries"
DEMO_SOURCE = "Verzuimportaal (demo)"


def seed_coupling(operator: Any, employer: Employer) -> int:
    """An active coupling allowing everything; returns 1 when it was created."""
    if Coupling.objects.filter(employer=employer, source_system=DEMO_SOURCE).exists():
        return 0
    coupling = services.request_coupling(
        actor=operator,
        employer_id=employer.pk,
        data={
            "source_system": DEMO_SOURCE,
            "employer_key": "DEVRIES",
            "connection_no": "DEMO-1",
            "all_employments": True,
            "absence_reports": True,
            "salary": True,
            "bsn": True,
            "error_email": "koppelingen.devries@example.org",
        },
    )
    services.configure_coupling(actor=operator, coupling_id=coupling.pk, data={})
    services.rotate_key(actor=operator, coupling_id=coupling.pk, key=DEMO_KEY)
    services.activate_coupling(actor=operator, coupling_id=coupling.pk)
    assert Coupling.objects.get(pk=coupling.pk).status == CouplingStatus.ACTIVE
    return 1
