"""The messaging tests' shared fixture: a sickness case of the world's own employee."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from hersteld.absence.services import add_case


@pytest.fixture
def case(world: Any) -> Any:
    """Reported today by the casemanager: every party of the dossier can write in it."""
    return add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="sickness",
        data={"first_day": timezone.localdate()},
    )
