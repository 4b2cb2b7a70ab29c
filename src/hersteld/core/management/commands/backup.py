"""`hersteld backup FILE`: a consistent copy of the SQLite database while the portal runs.

SQLite's online backup API copies page by page under the database's own locks, so a copy
taken during writes is a database as it was at one moment (a plain `cp` of a WAL database
is not). PostgreSQL installations use pg_dump (docs/deployment.md, "Backups").
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = "Copy the SQLite database to FILE while it is in use (PostgreSQL: use pg_dump)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file to write (it must not exist)")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError(
                "hersteld backup copies a SQLite database; for PostgreSQL use "
                "pg_dump --format=custom (docs/deployment.md, Backups)."
            )
        target = Path(options["file"])
        if target.exists():
            raise CommandError(f"{target} exists already; choose a new file name.")
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a directory.")
        source_name = str(connection.settings_dict["NAME"])
        partial = target.with_name(target.name + ".partial")
        # The backup holds personal and medical data: only the owner may read it.
        partial.touch(mode=0o600, exist_ok=False)
        try:
            source = sqlite3.connect(source_name)
            try:
                with sqlite3.connect(partial) as copy:
                    source.backup(copy, pages=1024)
                    (result,) = copy.execute("PRAGMA integrity_check").fetchone()
                copy.close()
            finally:
                source.close()
            if result != "ok":
                raise CommandError(f"the copy fails SQLite's integrity check: {result}")
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"Backup written to {target}")
