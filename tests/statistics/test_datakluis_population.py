"""A Datakluis person counts in his employer's statistics while nobody can see who he is
(issue 16, 3): the figures read the population, not the identities."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hersteld.exchange.models import InboxStatus
from hersteld.people.models import Employee
from tests.support.vault import key_file, population, vault_coupling

pytestmark = pytest.mark.django_db

JUNE = "from=2026-06-01&to=2026-06-30"


def test_sealed_persons_count_in_the_population_of_their_employer(
    world: Any, settings: Any, tmp_path: Path, api: Any
) -> None:
    settings.DATAKLUIS_KEY_FILE = str(key_file(tmp_path))
    url = f"/api/v1/statistics?employer={world.employer.pk}&{JUNE}"
    hr = api(world.hr.username)
    before = hr.get(url).json()["population"]

    items = population(world)  # two people in service since 2020, 36 and 20 hours a week
    message = vault_coupling(world).deliver("KLUIS-POP-STATS", items, message_type="employee")
    message.refresh_from_db()
    assert message.status == InboxStatus.PROCESSED, message.errors
    after = hr.get(url).json()["population"]

    assert Employee.objects.filter(employer=world.employer, sealed=True).count() == 2
    assert after["persons"] == before["persons"] + 2
    # 30 days of June for each of the two: employment days count per person, hours aside.
    assert after["employment_days"] == before["employment_days"] + 2 * 30
    # And HR still sees neither of them.
    listed = hr.get("/api/v1/employments", employer_id=world.employer.pk).json()["items"]
    assert not {"KP-1", "KP-2"} & {item["personnel_number"] for item in listed}
