"""Benchmark: pruning the oldest part of the access log against a plain delete of those rows.

Usage: .venv/bin/python benchmarks/retention_logs.py [--rows N] [--years Y]

It builds a scratch database (a temporary SQLite file, or `<DATABASE_URL db>_retention_bench`
on PostgreSQL, where the append-only trigger is in force) with one tenant and N access
events (default 200,000) spread evenly over Y years (default 8), sealed into the tenant's
hash chain. Then it times, once each (a prune cannot be repeated):
  delete  copying the chain to a scratch table and deleting from it the rows older than 5
          years with one plain DELETE (the floor: no lock, no checkpoint, no trigger)
  prune   the retention job's log category on the real table: find the prefix of the chain
          older than 5 years, write the checkpoint, delete it in chunks (core.chain.prune)
  verify  `hersteld verify-log` over what is left, from the checkpoint
It prints the seconds, the rows removed and the ratio prune/delete.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from io import StringIO
from typing import Any

import scratch  # benchmarks/scratch.py (the script folder is on sys.path)
from rich.console import Console
from rich.table import Table


def build(rows: int, years: int, today: dt.date) -> int:
    """One tenant and its access events, oldest first, sealed; answers the tenant id."""
    from django.core.management import call_command
    from django.utils import timezone

    from hersteld.core import chain
    from hersteld.core.models import AccessEvent
    from hersteld.organisations.models import Arbodienst, Employer

    call_command("migrate", verbosity=0)
    tenant = Arbodienst.objects.create(name="Arbo Bench", slug="arbo-bench")
    employer = Employer.objects.create(arbodienst=tenant, name="Bench BV", kvk_number="70000001")
    start = timezone.make_aware(dt.datetime.combine(today, dt.time(9))) - dt.timedelta(
        days=365 * years
    )
    step = dt.timedelta(days=365 * years) / rows
    batch = []
    for n in range(rows):
        batch.append(
            AccessEvent(
                arbodienst=tenant,
                employer=employer,
                actor_name="bench",
                object_type="organisations.employer",
                object_id=str(employer.pk),
                purpose="view",
                channel="web",
            )
        )
        if len(batch) == 5000 or n == rows - 1:
            created = AccessEvent.objects.bulk_create(batch)
            first = n - len(created) + 1
            # auto_now_add wrote "now": each row gets its place in the years before it is
            # sealed, by a raw update with the bench's own trigger switched off.
            for offset, event in enumerate(created):
                event.created_at = start + step * (first + offset)
            _set_times(created)
            batch = []
    chain.seal_all()
    return tenant.pk


def _set_times(events: list[Any]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # the bench's own rows
        cursor.executemany(
            "UPDATE core_accessevent SET created_at = %s WHERE id = %s",
            [(event.created_at, event.pk) for event in events],
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def plain_delete(before: dt.datetime) -> tuple[float, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute("CREATE TABLE bench_copy AS SELECT * FROM core_accessevent")
        cursor.execute("CREATE INDEX bench_copy_created ON bench_copy (created_at)")
        began = time.perf_counter()
        cursor.execute("DELETE FROM bench_copy WHERE created_at < %s", [before])
        removed = cursor.rowcount
        seconds = time.perf_counter() - began
        cursor.execute("DROP TABLE bench_copy")
    return seconds, removed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--years", type=int, default=8)
    args = parser.parse_args()
    scratch.configure(os.environ.get("DATABASE_URL"), "retention_bench")
    import django

    django.setup()
    scratch.create_database()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from hersteld.core.retention_rules import last_expired_start
    from hersteld.organisations.retention import _due_logs, _prune

    console = Console()
    today = dt.date(2030, 1, 1)
    began = time.perf_counter()
    tenant = build(args.rows, args.years, today)
    console.print(f"built in {time.perf_counter() - began:.1f} s on {connection.vendor}")
    cutoff = last_expired_start(today, 5) + dt.timedelta(days=1)
    before = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))

    delete_s, deleted = plain_delete(before)
    began = time.perf_counter()
    with transaction.atomic():
        items = list(_due_logs(today, tenant))
        removed = _prune(items)
    prune_s = time.perf_counter() - began
    began = time.perf_counter()
    call_command("verify_log", stdout=StringIO())
    verify_s = time.perf_counter() - began

    table = Table(title=f"{args.rows} access events over {args.years} years, 5-year term")
    for column in ("what", "seconds", "rows removed"):
        table.add_column(column)
    table.add_row("plain delete (copy)", f"{delete_s:.2f}", str(deleted))
    table.add_row("prune (job)", f"{prune_s:.2f}", str(removed))
    table.add_row("verify-log after", f"{verify_s:.2f}", "")
    console.print(table)
    console.print(f"prune / delete = {prune_s / delete_s:.2f}")


if __name__ == "__main__":
    main()
