"""Benchmark: the free-slot search over a year of agendas against reading the same rows.

Usage: .venv/bin/python benchmarks/agenda.py [--practitioners N] [--days D] [--repeat R]

It builds a scratch database (a temporary SQLite file, or `<DATABASE_URL db>_agenda_bench` on
PostgreSQL, where the exclusion constraint against double booking is in force) with N
company doctors (default 50), each available Monday to Friday 08:00-17:00 on location and
remote (10 weekly blocks), and booked on every working day of the next D days (default 365)
with 6 consults of 45 minutes at random free quarter hours. Then it times, R times each:
  read    the availability blocks and the booked consults of every practitioner over the
          period (the rows the search needs), no computation
  search  the same reads through the app's own functions (`services.windows`, which
          expands the weekly blocks into dated windows, and `services.busy`), then the
          walk of `rules.free_slots` over every window with slots of 45 minutes
It prints the median seconds, the rows, the free slots found and the ratio search/read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
from typing import Any
from zoneinfo import ZoneInfo

import scratch  # benchmarks/scratch.py (the script folder is on sys.path)
from rich.console import Console
from rich.table import Table

AMS = ZoneInfo("Europe/Amsterdam")
SEED = 20261202
PER_DAY = 6
MINUTES = 45


def build(practitioners: int, days: int) -> tuple[list[int], dt.date, dt.date]:
    """The scratch data: one employer and employee, N medics with blocks and bookings."""
    from django.core.management import call_command

    from hersteld.accounts.models import User
    from hersteld.consults.models import AvailabilityBlock, Consult
    from hersteld.organisations.models import Arbodienst, Department, Employer
    from hersteld.people.models import Employee, Employment

    call_command("migrate", verbosity=0)
    tenant = Arbodienst.objects.create(name="Arbo Bench", slug="arbo-bench")
    employer = Employer.objects.create(arbodienst=tenant, name="Bench BV", kvk_number="70000001")
    employee = Employee.objects.create(
        employer=employer,
        initials="B.",
        surname="Bench",
        birth_date=dt.date(1980, 1, 1),
        gender="M",
        postcode="1000 AA",
        street="Benchstraat",
        house_number=1,
        city="Amsterdam",
        phone="0200000000",
        email="bench@example.org",
    )
    department = Department.objects.create(employer=employer, code="B", name="Bench", path="B")
    employment = Employment.objects.create(
        employer=employer,
        department=department,
        employee=employee,
        personnel_number="B-1",
        start_date=dt.date(2020, 1, 1),
        hours_per_week=36,
        annual_salary=40000,
        contract_type="permanent",
        function_name="Bench",
    )
    medics = User.objects.bulk_create(
        [
            User(username=f"bench-medic-{n}", role="medic", arbodienst=tenant, password="!")
            for n in range(practitioners)
        ]
    )
    blocks = [
        AvailabilityBlock(
            arbodienst=tenant,
            practitioner=medic,
            weekday=weekday,
            start_time=dt.time(8),
            end_time=dt.time(17),
            location="" if remote else "Spreekkamer",
            remote=remote,
        )
        for medic in medics
        for weekday in range(5)
        for remote in (False, True)
    ]
    AvailabilityBlock.objects.bulk_create(blocks)
    first = dt.date.today() + dt.timedelta(days=1)
    last = first + dt.timedelta(days=days - 1)
    rng = random.Random(SEED)  # noqa: S311 - repeatable test data, not a secret
    quarters = list(range(0, 9 * 4 - 3))  # 08:00 .. 16:15 in quarter hours
    consults: list[Any] = []
    for medic in medics:
        day = first
        while day <= last:
            if day.weekday() < 5:
                taken: list[int] = []
                for q in rng.sample(quarters, len(quarters)):
                    if all(abs(q - t) >= 3 for t in taken):  # 45 minutes apart: no overlap
                        taken.append(q)
                    if len(taken) == PER_DAY:
                        break
                for q in taken:
                    start = dt.datetime.combine(day, dt.time(8), tzinfo=AMS) + dt.timedelta(
                        minutes=15 * q
                    )
                    consults.append(
                        Consult(
                            employer=employer,
                            employee=employee,
                            employment=employment,
                            kind="follow_up",
                            method="phone",
                            status="planned",
                            practitioner=medic,
                            starts_at=start,
                            ends_at=start + dt.timedelta(minutes=MINUTES),
                        )
                    )
            day += dt.timedelta(days=1)
        if len(consults) > 20_000:
            Consult.objects.bulk_create(consults, batch_size=5000)
            consults = []
    Consult.objects.bulk_create(consults, batch_size=5000)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return [m.pk for m in medics], first, last


def read(ids: list[int], first: dt.date, last: dt.date) -> int:
    from hersteld.consults.models import AvailabilityBlock, Consult

    start = dt.datetime.combine(first, dt.time(), tzinfo=AMS)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=AMS)
    rows = 0
    for pk in ids:
        rows += len(list(AvailabilityBlock.objects.filter(practitioner_id=pk).values_list("id")))
        rows += len(
            list(
                Consult.objects.filter(
                    practitioner_id=pk,
                    status__in=("planned", "held", "no_show"),
                    starts_at__lt=end,
                    ends_at__gt=start,
                ).values_list("starts_at", "ends_at")
            )
        )
    return rows


def search(ids: list[int], first: dt.date, last: dt.date) -> int:
    from hersteld.consults import rules, services

    found = 0
    for pk in ids:
        windows = services.windows(pk, first, last)
        busy = services.busy(pk, windows[0].start, windows[-1].end)
        found += sum(1 for _ in rules.free_slots(windows, busy, MINUTES))
    return found


def timed(call: Any, repeat: int) -> tuple[float, Any]:
    seconds, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practitioners", type=int, default=50)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scratch.configure(os.environ.get("DATABASE_URL"), "agenda_bench")
    import django

    django.setup()
    scratch.create_database()
    from django.db import connection

    console = Console()
    began = time.perf_counter()
    ids, first, last = build(args.practitioners, args.days)
    console.print(f"built in {time.perf_counter() - began:.1f} s on {connection.vendor}")
    read_s, rows = timed(lambda: read(ids, first, last), args.repeat)
    search_s, slots = timed(lambda: search(ids, first, last), args.repeat)
    table = Table(title=f"{args.practitioners} practitioners x {args.days} days")
    for column in ("what", "median s", "rows / slots", "per practitioner ms"):
        table.add_column(column)
    table.add_row("read", f"{read_s:.3f}", f"{rows} rows", f"{1000 * read_s / len(ids):.1f}")
    table.add_row(
        "search", f"{search_s:.3f}", f"{slots} free slots", f"{1000 * search_s / len(ids):.1f}"
    )
    console.print(table)
    console.print(f"search / read = {search_s / read_s:.2f}")


if __name__ == "__main__":
    main()
