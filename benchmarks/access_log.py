"""Benchmark: "who viewed my file" (B3) among millions of access events, against a plain read.

Usage: .venv/bin/python benchmarks/access_log.py [--rows N] [--employees E] [--repeat R]
       [--database-url URL]

It builds a scratch database (a temporary SQLite file, or `<db of the URL>_accesslog` on
PostgreSQL) with one arbodienst, one employer, 20 staff users and E employees, and fills the
access log with N events (default 10,000,000 on PostgreSQL, 1,000,000 on SQLite) spread over
the employees and the last five years, written by the database itself (generate_series on
PostgreSQL, a recursive CTE on SQLite), with a progress bar. Then it times, per employee
asked about, in one process:
  baseline   one page (25) of the employee's events, newest first, and their count: plain SQL
             on the same index, returning bare rows
  product    the same through `people.selectors.access_log` and `DescribedEvents`, as the API
             and the page read it: scope check, count, the page with each line told for a
             person (name and role, what, channel, purpose)
  period     the product path for one year (`from`/`to`)
It prints milliseconds (median of R employees) and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import scratch  # benchmarks/scratch.py (the script folder is on sys.path)
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

SEED = 20261202
STAFF = 20
BATCH = 500_000
PAGE = 25
OBJECT_TYPES = (
    "people.employee",
    "absence.absencecase",
    "absence.medicalnote",
    "people.employment",
)
PURPOSES = ("view", "view", "view", "medical", "messages:case", "attachment")


def build(rows: int, employees: int, console: Console) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from hersteld.accounts.models import User
    from hersteld.organisations.models import Arbodienst, Employer
    from hersteld.people.models import Employee

    call_command("migrate", verbosity=0)
    tenant = Arbodienst.objects.create(name="Bench", slug="bench")
    employer = Employer.objects.create(arbodienst=tenant, name="Werkgever", kvk_number="10000001")
    staff = [
        User.objects.create(
            username=f"cm{i}",
            role="casemanager",
            arbodienst=tenant,
            first_name="Casus",
            last_name=f"Manager {i}",
        )
        for i in range(STAFF)
    ]
    Employee.objects.bulk_create(
        Employee(
            employer=employer,
            initials="A.",
            surname=f"Werknemer {n}",
            birth_date="1980-01-01",
            gender="M",
        )
        for n in range(employees)
    )
    people = list(Employee.objects.filter(employer=employer).values_list("pk", flat=True))
    first_person, first_actor = min(people), min(u.pk for u in staff)
    postgres = connection.vendor == "postgresql"
    objects = "ARRAY[" + ",".join(f"'{t}'" for t in OBJECT_TYPES) + "]"
    purposes = "ARRAY[" + ",".join(f"'{p}'" for p in PURPOSES) + "]"
    with Progress(
        TextColumn("access events"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("fill", total=rows)
        for start in range(0, rows, BATCH):
            stop = min(rows, start + BATCH)
            with connection.cursor() as cursor:
                if postgres:
                    cursor.execute(
                        f"""
                        INSERT INTO core_accessevent (created_at, arbodienst_id, employer_id,
                            employee_id, actor_id, actor_name, object_type, object_id, ip,
                            request_id, channel, purpose, seal_prev, seal_hash)
                        SELECT now() - (g %% 1826) * interval '1 day' - (g %% 86400) * interval '1 second',
                            %s, %s, %s + (g::bigint * 7919) %% %s, %s + g %% %s, 'Casus Manager',
                            ({objects})[1 + g %% {len(OBJECT_TYPES)}], (g %% 100000)::text,
                            '127.0.0.1', '', CASE WHEN g %% 5 = 0 THEN 'api' ELSE 'portal' END,
                            ({purposes})[1 + g %% {len(PURPOSES)}], '', ''
                        FROM generate_series(%s, %s) AS g
                        """,  # noqa: S608 (constants of this script only)
                        [
                            tenant.pk,
                            employer.pk,
                            first_person,
                            employees,
                            first_actor,
                            STAFF,
                            start,
                            stop - 1,
                        ],
                    )
                else:
                    cursor.execute(
                        """
                        WITH RECURSIVE g(n) AS (SELECT %s UNION ALL SELECT n + 1 FROM g WHERE n < %s)
                        INSERT INTO core_accessevent (created_at, arbodienst_id, employer_id,
                            employee_id, actor_id, actor_name, object_type, object_id, ip,
                            request_id, channel, purpose, seal_prev, seal_hash)
                        SELECT datetime('now', '-' || (n %% 1826) || ' days',
                                '-' || (n %% 86400) || ' seconds'),
                            %s, %s, %s + (n * 7919) %% %s, %s + n %% %s, 'Casus Manager',
                            CASE n %% 4 WHEN 0 THEN 'people.employee'
                                WHEN 1 THEN 'absence.absencecase'
                                WHEN 2 THEN 'absence.medicalnote' ELSE 'people.employment' END,
                            CAST(n %% 100000 AS TEXT), '127.0.0.1', '',
                            CASE WHEN n %% 5 = 0 THEN 'api' ELSE 'portal' END,
                            CASE n %% 3 WHEN 0 THEN 'medical' ELSE 'view' END, '', ''
                        FROM g
                        """,
                        [
                            start,
                            stop - 1,
                            tenant.pk,
                            employer.pk,
                            first_person,
                            employees,
                            first_actor,
                            STAFF,
                        ],
                    )
            progress.update(task, completed=stop)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if postgres else "ANALYZE core_accessevent")
    reader = User.objects.create(username="reader", role="casemanager", arbodienst=tenant)
    return {"people": people, "reader": reader}


def baseline(employee_id: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM core_accessevent WHERE employee_id = %s", [employee_id]
        )
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT id, created_at, actor_id, actor_name, object_type, channel, purpose "
            "FROM core_accessevent WHERE employee_id = %s "
            "ORDER BY created_at DESC, id DESC LIMIT %s",
            [employee_id, PAGE],
        )
        rows = cursor.fetchall()
    return total + len(rows)


def product(reader: Any, employee_id: int, period: bool = False) -> int:
    import datetime as dt

    from hersteld.people import selectors
    from hersteld.people.models import Employee
    from hersteld.privacy.selectors import DescribedEvents

    employee = Employee.objects.get(pk=employee_id)
    start = end = None
    if period:
        end = dt.date.today()
        start = end - dt.timedelta(days=365)
    events = DescribedEvents(selectors.access_log(reader, employee, start, end))
    total = events.count()
    lines = events[0:PAGE]
    return total + len(lines)


def timed(call: Callable[[], int]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=None, help="access events (default: 10M/1M)")
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=50, help="employees asked about")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()

    scratch.configure(args.database_url, "accesslog")
    os.environ.setdefault("HERSTELD_DEBUG", "1")
    import django

    django.setup()
    scratch.create_database()
    from django.db import connection

    console = Console()
    rows = args.rows or (10_000_000 if connection.vendor == "postgresql" else 1_000_000)
    world = build(rows, args.employees, console)
    rng = random.Random(SEED)  # noqa: S311 (which employees to ask about)
    asked = rng.sample(world["people"], min(args.repeat, len(world["people"])))
    reader = world["reader"]

    # Warm both paths once (imports, plans, caches), then alternate them per employee.
    baseline(asked[0])
    product(reader, asked[0])
    results: dict[str, list[float]] = {"baseline": [], "product": [], "period": []}
    for employee_id in asked:
        results["baseline"].append(timed(lambda e=employee_id: baseline(e)))
        results["product"].append(timed(lambda e=employee_id: product(reader, e)))
        results["period"].append(timed(lambda e=employee_id: product(reader, e, period=True)))

    base = statistics.median(results["baseline"])
    table = Table(
        title=f"Access log of one employee among {rows:,} events "
        f"({connection.vendor}, {args.employees:,} employees, median of {len(asked)})"
    )
    for column in ("path", "ms (median)", "ms (p95)", "ratio to baseline"):
        table.add_column(column)
    labels = {
        "baseline": "plain SQL: count + page of bare rows",
        "product": "access_log + DescribedEvents: count + page told",
        "period": "the same for one year (from/to)",
    }
    for key, values in results.items():
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        median = statistics.median(values)
        table.add_row(labels[key], f"{median:.2f}", f"{p95:.2f}", f"{median / base:.1f}")
    console.print(table)
    per_employee = rows / args.employees
    console.print(f"about {per_employee:,.0f} events per employee; page size {PAGE}")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(__file__))
    main()
