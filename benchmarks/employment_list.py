"""Benchmark: the scoped employment list against a plain read of the same page.

Usage: .venv/bin/python benchmarks/employment_list.py [--employments N] [--repeat R]

It builds a scratch database (a temporary SQLite file, or `<DATABASE_URL db>_bench` on
PostgreSQL), fills it with N employments over 3 employers and 30 departments, and times
in one process:
  baseline   one page of employments with a count, no scope filter
  restricted the same page through `selectors.employment_list` for an employer user,
             a department manager (subtree filter) and an arbodienst casemanager
It prints milliseconds per page and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import scratch  # benchmarks/scratch.py (the script folder is on sys.path)
from rich.console import Console
from rich.progress import Progress
from rich.table import Table


def configure(database_url: str | None) -> None:
    scratch.configure(database_url, "bench")


create_database = scratch.create_database


def fill(n: int, console: Console) -> dict[str, Any]:
    from django.core.management import call_command

    from hersteld.accounts.models import User
    from hersteld.organisations.models import Arbodienst, Department, Employer
    from hersteld.people.models import Employee, Employment

    call_command("migrate", verbosity=0)
    tenant = Arbodienst.objects.create(name="Bench", slug="bench")
    employers = [
        Employer.objects.create(arbodienst=tenant, name=f"Werkgever {i}", kvk_number=f"1000000{i}")
        for i in range(3)
    ]
    departments: list[Department] = []
    for employer in employers:
        for j in range(10):
            dept = Department.objects.create(
                employer=employer, code=f"D{j}", name=f"Afdeling {j}", path=""
            )
            dept.path = f"{dept.pk:06d}."
            dept.save(update_fields=["path"])
            departments.append(dept)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("employments", total=n)
        batch = 2000
        for start in range(0, n, batch):
            size = min(batch, n - start)
            people = [
                Employee(
                    employer=departments[(start + k) % 30].employer,
                    initials="A.",
                    surname=f"Naam{start + k}",
                    birth_date=dt.date(1980, 1, 1),
                    gender="V",
                    marital_status="unknown",
                    postcode="1234 AB",
                    street="Straat",
                    house_number=1,
                    city="Stad",
                    phone="+31612345678",
                    email="x@example.org",
                )
                for k in range(size)
            ]
            Employee.objects.bulk_create(people)
            Employment.objects.bulk_create(
                [
                    Employment(
                        employer=p.employer,
                        employee=p,
                        department=departments[(start + k) % 30],
                        personnel_number=f"P{start + k}",
                        start_date=dt.date(2020, 1, 1),
                        hours_per_week=Decimal("32"),
                        annual_salary=Decimal("30000"),
                        contract_type="permanent",
                        employee_surname=p.surname,
                        employee_initials=p.initials,
                    )
                    for k, p in enumerate(people)
                ]
            )
            progress.advance(task, size)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    users = {
        "employer user": User.objects.create(
            username="hr", role="employer_user", arbodienst=tenant, employer=employers[0]
        ),
        "department manager": User.objects.create(
            username="mgr",
            role="employer_user",
            arbodienst=tenant,
            employer=employers[0],
            department=departments[0],
        ),
        "casemanager": User.objects.create(username="cm", role="casemanager", arbodienst=tenant),
    }
    return users


def timed(call: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employments", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    configure(os.environ.get("DATABASE_URL"))
    import django

    django.setup()
    create_database()
    console = Console()
    users = fill(args.employments, console)

    from django.core.paginator import Paginator

    from hersteld.people import selectors
    from hersteld.people.models import SORT_KEY, Employment

    def page(queryset: Any) -> None:
        current = Paginator(queryset, 25).get_page(2)
        list(current)

    def baseline() -> None:
        page(
            Employment.objects.select_related("employee", "employer", "department").order_by(
                *SORT_KEY
            )
        )

    base_ms = timed(baseline, args.repeat)
    table = Table(
        title=f"Employment list, {args.employments} employments ({django.db.connection.vendor})"
    )
    for column in ("query", "ms per page", "ratio to baseline"):
        table.add_column(column)
    table.add_row("baseline (no scope)", f"{base_ms:.2f}", "1.00")
    for label, user in users.items():
        ms = timed(lambda u=user: page(selectors.employment_list(u)), args.repeat)
        table.add_row(f"restricted: {label}", f"{ms:.2f}", f"{ms / base_ms:.2f}")
    console.print(table)

    # The aim of issue 17: the whole-tenant list within 2x the employer-scoped one, both as the
    # portal asks them (in service, page 2 of 25, with the count) for the casemanager.
    casemanager = users["casemanager"]
    employer_id = casemanager_employer(casemanager)
    lists = {
        "whole tenant": lambda: page(selectors.employment_list(casemanager, in_service=True)),
        "one employer": lambda: page(
            selectors.employment_list(casemanager, in_service=True, employer_id=employer_id)
        ),
    }
    tenant_ms, employer_ms = (timed(call, args.repeat) for call in lists.values())
    ratio = Table(title="Casemanager: the whole tenant against one employer (portal's query)")
    for column in ("list", "ms per page (count + rows)", "ratio"):
        ratio.add_column(column)
    ratio.add_row("one employer", f"{employer_ms:.2f}", "1.00")
    ratio.add_row("whole tenant", f"{tenant_ms:.2f}", f"{tenant_ms / employer_ms:.2f}")
    console.print(ratio)
    console.print(f"whole tenant / one employer: {tenant_ms / employer_ms:.2f} (aim: <= 2)")


def casemanager_employer(user: Any) -> int:
    from hersteld.organisations.models import Employer

    return (
        Employer.objects.filter(arbodienst=user.arbodienst)
        .order_by("id")
        .values_list("id", flat=True)[0]
    )


if __name__ == "__main__":
    sys.exit(main())
