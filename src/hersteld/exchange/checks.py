"""Deployment check: a Datakluis coupling needs the key file (`hersteld check --database`)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error
from django.db import DatabaseError

from hersteld.exchange.models import Coupling
from hersteld.people import vault
from hersteld.people.checks import KEY_HINT


def datakluis_couplings(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """Only when asked to look at the database (`check --database default`), as Django wants
    of database checks; every other command starts without a query."""
    if not databases:
        return []
    problem = vault.key_problem()
    if problem is None:
        return []
    try:
        names = [str(c) for c in Coupling.objects.filter(vault=True).select_related("employer")]
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    if not names:
        return []
    return [
        Error(
            f"Datakluis couplings ({'; '.join(names[:5])}) cannot work: {problem}",
            hint=KEY_HINT,
            id="hersteld.E102",
        )
    ]
