"""Issue 17: `hersteld backup` copies a SQLite database in use; the copy, restored as the
database of a fresh installation, holds the same rows and the same audit events."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import subprocess
import sys

from tests.support.production import environment, hersteld, seeded


def rows(path: str, table: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()


def tables(path: str) -> list[str]:
    with sqlite3.connect(path) as db:
        found = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    return sorted(name for (name,) in found)


def test_a_restored_backup_holds_every_row_and_every_audit_event(tmp_path) -> None:
    live = tmp_path / "live"
    live.mkdir()
    env = environment(live)
    seeded(env)
    backup = tmp_path / "hersteld-backup.sqlite3"
    done = hersteld(env, "backup", str(backup))
    assert "Backup written" in done.stdout
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert not (tmp_path / "hersteld-backup.sqlite3.partial").exists()

    # Restore: the backup file becomes the database of a fresh installation.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copyfile(backup, fresh / "hersteld.sqlite3")
    restored_env = environment(fresh)
    hersteld(restored_env, "migrate", "--check")

    original, restored = env["HERSTELD_SQLITE_PATH"], restored_env["HERSTELD_SQLITE_PATH"]
    assert tables(restored) == tables(original)
    for table in tables(original):
        assert rows(restored, table) == rows(original, table), table
    # The seed wrote employers, departments, people and users through the services: each
    # write left an audit event, and each is in the copy with the same content.
    audit = rows(original, "core_auditevent")
    assert len(audit) >= 10
    assert rows(restored, "core_auditevent") == audit

    # The restored installation reads them through Django as well.
    counted = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from hersteld.core.models import AuditEvent;"
            "print(AuditEvent.objects.count())",
        ],
        env=restored_env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(counted.stdout) == len(audit)


def test_backup_refuses_an_existing_file(tmp_path) -> None:
    env = environment(tmp_path)
    existing = tmp_path / "taken.sqlite3"
    existing.write_text("keep me")
    done = subprocess.run(
        [sys.executable, "-m", "hersteld.cli", "backup", str(existing)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "exists already" in done.stderr
    assert existing.read_text() == "keep me"
