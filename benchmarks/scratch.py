"""A scratch database for a benchmark: a temporary SQLite file, or `<name>_<suffix>` on PostgreSQL.

Benchmarks never touch the demo database (var/hersteld.sqlite3) nor the one in DATABASE_URL.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def configure(database_url: str | None, suffix: str) -> None:
    """Point Django at the scratch database; call before Django is set up."""
    if database_url:
        base, _, name = database_url.rpartition("/")
        os.environ["DATABASE_URL"] = f"{base}/{name}_{suffix}"
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["HERSTELD_SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hersteld.settings")


def create_database() -> None:
    """On PostgreSQL drop and create the scratch database; SQLite creates its file itself."""
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        import psycopg

        admin = psycopg.connect(
            host=db["HOST"],
            port=db["PORT"] or 5432,
            user=db["USER"],
            dbname="postgres",
            autocommit=True,
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}"')
        admin.execute(f'CREATE DATABASE "{db["NAME"]}"')
        admin.close()
    connection.close()
