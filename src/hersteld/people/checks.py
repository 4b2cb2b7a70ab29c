"""Startup check of the Datakluis key file (docs/adr/0018-datakluis.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

from hersteld.people import vault


def datakluis_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A key file that is named must hold a usable key: refuse to start otherwise."""
    if not settings.DATAKLUIS_KEY_FILE:
        return []
    problem = vault.key_problem()
    if problem is None:
        return []
    return [Error(problem, hint=KEY_HINT, id="hersteld.E101")]


KEY_HINT = (
    'Generate a key with `python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"` into a file readable only by Hersteld, outside '
    "the database and its backups."
)
