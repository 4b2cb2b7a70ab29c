"""What `/health` checks: the database answers, the broker answers (when one is configured)
and every migration of this release is applied.

A load balancer or the start script asks it; the answer names each check with "ok" or
"failed" and nothing more (no error text, no host names: the route is public).
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

logger = logging.getLogger(__name__)

OK = "ok"
FAILED = "failed"
NOT_CONFIGURED = "not configured"


@functools.cache
def _release_migrations() -> frozenset[tuple[str, str]]:
    """The migrations on disk (read once per process: they change only with a new release)."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    return frozenset(loader.disk_migrations)


def database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("health: the database does not answer", exc_info=True)
        return FAILED
    return OK


def migrations() -> str:
    try:
        applied = set(MigrationRecorder(connection).applied_migrations())
    except DatabaseError:
        return FAILED
    missing = _release_migrations() - applied
    if missing:
        logger.warning("health: %d migrations not applied", len(missing))
        return FAILED
    return OK


def broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return NOT_CONFIGURED
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as conn:  # type: ignore[no-untyped-call]
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # any transport error means: tasks cannot be queued now
        logger.warning("health: the broker does not answer", exc_info=True)
        return FAILED
    return OK


def checks() -> dict[str, str]:
    """Each check by name; the installation is healthy when none of them failed."""
    db = database()
    return {
        "database": db,
        "migrations": migrations() if db == OK else FAILED,
        "broker": broker(),
    }


def healthy(result: dict[str, str]) -> bool:
    return FAILED not in result.values()
