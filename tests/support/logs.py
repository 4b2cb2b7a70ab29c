"""The log chain from outside: run `hersteld verify-log`, and change a log row behind the
application's back as someone with database access would."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command
from django.db import connection


def verify_log() -> str:
    """The command's report; a broken chain raises CommandError naming the first bad row."""
    out = StringIO()
    call_command("verify_log", stdout=out)
    return out.getvalue()


def tamper(sql: str, params: list[Any]) -> None:
    """Run `sql` on a log table past its guards (on PostgreSQL the triggers that refuse UPDATE
    and DELETE are off for this statement only)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
