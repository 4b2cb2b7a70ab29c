"""The demo agenda: the company doctor of Arbo Noord works Monday to Friday, on location in
the morning and remote in the afternoon, so consults can be planned without an override."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hersteld.consults.models import AvailabilityBlock
from hersteld.consults.services import add_block

LOCATION = "Spreekkamer Arbo Noord, Stationsweg 1, Groningen"


def seed_agenda(users: dict[str, Any]) -> int:
    """Weekly blocks for bedrijfsarts.noord; returns how many were created (0 when present)."""
    medic, admin = users.get("bedrijfsarts.noord"), users.get("admin.noord")
    if medic is None or admin is None:
        return 0
    if AvailabilityBlock.objects.filter(practitioner=medic).exists():
        return 0
    created = 0
    for weekday in range(5):
        for start, end, remote in (
            (dt.time(8, 30), dt.time(12, 30), False),
            (dt.time(13, 30), dt.time(17), True),
        ):
            add_block(
                actor=admin,
                data={
                    "practitioner_id": medic.pk,
                    "weekday": weekday,
                    "day": None,
                    "start_time": start,
                    "end_time": end,
                    "location": "" if remote else LOCATION,
                    "remote": remote,
                },
            )
            created += 1
    return created
