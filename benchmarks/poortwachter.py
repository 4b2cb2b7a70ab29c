"""Benchmark: recomputing every Poortwachter plan against a plain read of the same rows.

Usage: .venv/bin/python benchmarks/poortwachter.py [--cases N] [--repeat R] [--profile]

It builds a scratch database (a temporary SQLite file, or `<DATABASE_URL db>_poortwachter_bench`
on PostgreSQL) and fills it with N open sickness cases over 10 employers, one per employee,
with first days spread over the last 2 years: about 15% are chains of 2 or 3 periods (gaps
of 1-27 days, closed by a full recovery) and about 1% a sickness, a pregnancy leave and a
sickness again (chained through the leave). Then it times in one process, R times each:
  read       the case rows the planning needs (id, employer, chained_to, kind, status,
             first day, end date, loonsanctie), no grouping, no engine
  recompute  the same read, the chains grouped in memory (no query per case), the
             tenant's settings, and `engine.plan` for every chain whose latest sickness
             case is open, as of today
It prints the median seconds, cases per second and the ratio recompute/read (read
included in the recompute, so the ratio is the cost of read + engine over the read alone).
With --profile it also prints a cProfile of the engine over 5,000 chains.
With --replan it also times `hersteld poortwachter replan` (`poortwachter.replan`): a first
plan that creates every to-do, then R times a tenant settings change (evaluations every 56,
then 42 days) followed by a replan that writes the differences, and a replan with nothing
to change, each against reading the same rows (the cases and to-dos, batch by batch, as the
replan reads them). Aim: the replan after a settings change <= 5x the read.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import scratch  # benchmarks/scratch.py (the script folder is on sys.path)
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from hersteld.poortwachter.engine import Leave, Period, Settings, plan  # pure: no Django

EMPLOYERS = 10
DEPARTMENTS_PER_EMPLOYER = 5
BATCH = 2000
SEED = 20240601
# The values of absence.models.CaseKind and CaseStatus (importable only after django.setup()).
SICKNESS, PREGNANCY_LEAVE, PREVENTIVE = "sickness", "pregnancy_leave", "preventive"
OPEN, CLOSED, WITHDRAWN = "open", "closed", "withdrawn"
# Columns of one case row, in the order of `read_rows`.
ID, EMPLOYER, CHAINED_TO, KIND, STATUS, FIRST_DAY, END_DATE, SANCTION = range(8)
COLUMNS = (
    "id",
    "employer_id",
    "chained_to_id",
    "kind",
    "status",
    "first_day",
    "end_date",
    "wage_sanction_until",
)


def configure(database_url: str | None) -> None:
    scratch.configure(database_url, "poortwachter_bench")


create_database = scratch.create_database


# --- the data ---------------------------------------------------------------------------


@dataclass
class Spec:
    """One case of a generated chain, oldest first; the last one is the open sickness case."""

    kind: str
    first_day: dt.date
    end_date: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def chain_specs(rng: random.Random, today: dt.date) -> list[Spec]:
    """The cases of one employee: an open sickness case, sometimes with chained predecessors."""
    from hersteld.absence import wazo

    draw = rng.random()
    if draw < 0.01:
        # Sick, then a pregnancy leave straight after, then sick again straight after the leave.
        leave_start = today - dt.timedelta(days=rng.randint(200, 729))
        expected = leave_start + dt.timedelta(days=35)
        leave = wazo.plan_leave(expected_delivery=expected, start=leave_start)
        back = leave.end + dt.timedelta(days=1)
        return [
            Spec(SICKNESS, leave_start - dt.timedelta(days=rng.randint(7, 60)), leave_start),
            Spec(
                PREGNANCY_LEAVE,
                leave_start,
                back,
                {"expected_delivery": expected, "leave_end": leave.end},
            ),
            Spec(SICKNESS, back),
        ]
    first_day = today - dt.timedelta(days=rng.randint(0, 729))
    specs = [Spec(SICKNESS, first_day)]
    if draw < 0.16:
        for _ in range(rng.choice((1, 2))):
            recovered = specs[0].first_day - dt.timedelta(days=rng.randint(1, 27))
            start = recovered - dt.timedelta(days=rng.randint(3, 60))
            specs.insert(0, Spec(SICKNESS, start, recovered))
    elif first_day <= today - dt.timedelta(days=700) and draw > 0.95:
        # UWV imposed a loonsanctie: the waiting period (D1 + 727 days) runs 13 weeks longer.
        specs[0].extra["wage_sanction_until"] = first_day + dt.timedelta(days=727 + 91)
    return specs


def week_anchor(specs: list[Spec], index: int) -> dt.date:
    """D1 of the chain plus its gap days before case `index` (as `absence.services._anchor`)."""
    case = specs[index]
    sick_before = sum(
        ((spec.end_date or case.first_day) - spec.first_day).days
        for spec in specs[:index]
        if spec.kind == SICKNESS
    )
    return case.first_day - dt.timedelta(days=sick_before)


def fill(n: int, console: Console) -> int:
    """N employees with an employment and a chain ending in an open sickness case; returns rows."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from hersteld.organisations.models import Arbodienst, Department, Employer
    from hersteld.people.models import Employee, Employment

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)  # noqa: S311 - reproducible test data, not security
    today = dt.date.today()
    tenant = Arbodienst.objects.create(name="Bench", slug="bench")
    employers = [
        Employer.objects.create(arbodienst=tenant, name=f"Werkgever {i}", kvk_number=f"{i:08d}")
        for i in range(EMPLOYERS)
    ]
    departments: list[Department] = []
    for employer in employers:
        for j in range(DEPARTMENTS_PER_EMPLOYER):
            dept = Department.objects.create(
                employer=employer, code=f"D{j}", name=f"Afdeling {j}", path=""
            )
            dept.path = f"{dept.pk:06d}."
            dept.save(update_fields=["path"])
            departments.append(dept)
    rows = 0
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("generating cases", total=n)
        for start in range(0, n, BATCH):
            size = min(BATCH, n - start)
            chains = [chain_specs(rng, today) for _ in range(size)]
            with transaction.atomic():
                people = [
                    Employee(
                        employer=departments[(start + k) % len(departments)].employer,
                        initials="A.",
                        surname=f"Naam{start + k}",
                        birth_date=dt.date(1985, 1, 1),
                        gender="V" if len(specs) == 3 and specs[1].extra else rng.choice("MV"),
                        marital_status="unknown",
                        postcode="1234 AB",
                        street="Straat",
                        house_number=1,
                        city="Stad",
                        phone="+31612345678",
                        email="x@example.org",
                    )
                    for k, specs in enumerate(chains)
                ]
                Employee.objects.bulk_create(people)
                jobs = Employment.objects.bulk_create(
                    [
                        Employment(
                            employer=person.employer,
                            employee=person,
                            department=departments[(start + k) % len(departments)],
                            personnel_number=f"P{start + k}",
                            start_date=dt.date(2015, 1, 1),
                            hours_per_week=Decimal("32"),
                            annual_salary=Decimal("30000"),
                            contract_type="permanent",
                        )
                        for k, person in enumerate(people)
                    ]
                )
                rows += _create_cases(chains, jobs)
            progress.advance(task, size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return rows


def _create_cases(chains: list[list[Spec]], jobs: list[Any]) -> int:
    """Bulk-create the cases level by level (a chained case needs its predecessor's id)."""
    from hersteld.absence.models import AbsenceCase, Recovery

    previous: dict[int, Any] = {}
    closed_sickness: list[Any] = []
    rows = 0
    for level in range(max(len(specs) for specs in chains)):
        batch: list[tuple[int, Any]] = []
        for k, specs in enumerate(chains):
            if level >= len(specs):
                continue
            spec = specs[level]
            job = jobs[k]
            closed = spec.end_date is not None
            sick = spec.kind == SICKNESS
            case = AbsenceCase(
                employer_id=job.employer_id,
                employee_id=job.employee_id,
                employment=job,
                kind=spec.kind,
                status=CLOSED if closed else OPEN,
                first_day=spec.first_day,
                end_date=spec.end_date,
                context="illness" if sick else "",
                current_sick_percentage=Decimal("0.00") if closed and sick else Decimal("100"),
                chained_to=previous.get(k),
                week_anchor=week_anchor(specs, level),
                **spec.extra,
            )
            batch.append((k, case))
        AbsenceCase.objects.bulk_create([case for _, case in batch])
        rows += len(batch)
        for k, case in batch:
            previous[k] = case
            if case.kind == SICKNESS and case.end_date is not None:
                closed_sickness.append(case)
    Recovery.objects.bulk_create(
        [
            Recovery(
                case=case,
                date=case.end_date,
                percentage=Decimal("100.00"),
                hours=Decimal("32.00"),
                contract_hours=Decimal("32.00"),
                therapeutic=False,
            )
            for case in closed_sickness
        ]
    )
    return rows


# --- the two timed steps ----------------------------------------------------------------


def read_rows() -> list[tuple[Any, ...]]:
    """The case rows the planning needs, as the recompute reads them."""
    from hersteld.absence.models import AbsenceCase

    return list(
        AbsenceCase.objects.exclude(status=WITHDRAWN)
        .exclude(kind=PREVENTIVE)
        .order_by()
        .values_list(*COLUMNS)
    )


def tenant_settings() -> dict[int, Any]:
    """Engine settings per employer id, from the employer's arbodienst."""
    from hersteld.organisations.models import Employer

    return {
        pk: Settings(evaluation_interval_days=interval, wia_letter_week=letter, report_week=report)
        for pk, interval, letter, report in Employer.objects.values_list(
            "id",
            "arbodienst__evaluation_interval_days",
            "arbodienst__wia_letter_week",
            "arbodienst__report_week",
        )
    }


def open_chains(rows: list[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    """The chains (samentelling) of the rows, oldest case first, whose latest sickness is open."""
    parent = {row[ID]: row[CHAINED_TO] for row in rows}
    grouped: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        root = row[ID]
        up = row[CHAINED_TO]
        while up is not None and up in parent:
            root, up = up, parent[up]
        grouped.setdefault(root, []).append(row)
    for chain in grouped.values():
        if len(chain) > 1:
            chain.sort(key=lambda row: (row[FIRST_DAY], row[ID]))
        latest = next((row for row in reversed(chain) if row[KIND] == SICKNESS), None)
        if latest is not None and latest[STATUS] == OPEN:
            yield chain


def plan_chain(chain: list[tuple[Any, ...]], settings: dict[int, Any], today: dt.date) -> Any:
    """`engine.plan` for one chain, fed as `poortwachter.services.compute_plan` feeds it."""
    periods = [Period(row[FIRST_DAY], row[END_DATE]) for row in chain if row[KIND] == SICKNESS]
    leaves = [
        Leave(row[FIRST_DAY], row[END_DATE])
        for row in chain
        if row[KIND] == PREGNANCY_LEAVE and row[END_DATE] is not None
    ]
    latest = next(row for row in reversed(chain) if row[KIND] == SICKNESS)
    return plan(
        periods,
        leaves=leaves,
        sanction_until=latest[SANCTION],
        as_of=today,
        settings=settings[latest[EMPLOYER]],
    )


def recompute(progress: Progress | None = None, total: int = 0) -> int:
    """Read the rows, group them into chains and plan every open chain; returns the plans made."""
    from django.utils import timezone

    today = timezone.localdate()
    rows = read_rows()
    settings = tenant_settings()
    task = progress.add_task("recomputing plans", total=total) if progress else None
    planned = 0
    for chain in open_chains(rows):
        plan_chain(chain, settings, today)
        planned += 1
        if progress is not None and task is not None and planned % 5000 == 0:
            progress.advance(task, 5000)
    if progress is not None and task is not None:
        progress.remove_task(task)
    return planned


def read_same_rows() -> int:
    """What the replan reads, batch by batch, without locks, engine or writes: the cases of
    the employees with an open chain, and their to-dos. Returns the to-dos read."""
    from hersteld.absence.models import AbsenceCase
    from hersteld.poortwachter.models import Todo
    from hersteld.poortwachter.replan import BATCH_EMPLOYEES, employees_with_open_chains

    employees = employees_with_open_chains()
    todos = 0
    for start in range(0, len(employees), BATCH_EMPLOYEES):
        batch = employees[start : start + BATCH_EMPLOYEES]
        cases = list(
            AbsenceCase.objects.filter(employee_id__in=batch)
            .exclude(kind=PREVENTIVE)
            .order_by("id")
        )
        todos += len(Todo.objects.filter(case_id__in=[case.pk for case in cases]).order_by("id"))
    return todos


def timed_replans(console: Console, repeat: int) -> None:
    """`poortwachter.replan` (to-dos written) against reading the same rows (aim: <= 5x)."""
    from hersteld.organisations.models import Arbodienst
    from hersteld.poortwachter.replan import replan

    def run(label: str) -> tuple[float, Any]:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(label, total=None)

            def report(_step: str, done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            start = time.perf_counter()
            summary = replan(progress=report)
            return time.perf_counter() - start, summary

    first_s, first = run("first plan (every to-do created)")
    table = Table(title="hersteld poortwachter replan against reading the same rows")
    for column in ("step", "seconds", "to-dos written", "ratio to read"):
        table.add_column(column)
    read_same_rows()  # warm
    reads, changes, idles = [], [], []
    interval = 42
    summary = idle = first
    for _ in range(repeat):
        start = time.perf_counter()
        todos = read_same_rows()
        reads.append(time.perf_counter() - start)
        interval = 56 if interval == 42 else 42
        Arbodienst.objects.update(evaluation_interval_days=interval)
        seconds, summary = run(f"replan (evaluations every {interval} days)")
        changes.append(seconds)
        seconds, idle = run("replan (nothing to change)")
        idles.append(seconds)
    read_s = statistics.median(reads)
    change_s = statistics.median(changes)
    idle_s = statistics.median(idles)
    written = summary.created + summary.changed + summary.removed
    table.add_row(f"read cases and {todos} to-dos", f"{read_s:.2f}", "0", "1.00")
    table.add_row(
        f"first plan of {first.chains} chains",
        f"{first_s:.2f}",
        f"{first.created}",
        f"{first_s / read_s:.2f}",
    )
    table.add_row(
        "replan after a settings change",
        f"{change_s:.2f}",
        f"{written}",
        f"{change_s / read_s:.2f}",
    )
    table.add_row(
        "replan, nothing to change",
        f"{idle_s:.2f}",
        f"{idle.created + idle.changed + idle.removed}",
        f"{idle_s / read_s:.2f}",
    )
    console.print(table)
    console.print(
        f"replan after a settings change: {change_s / read_s:.2f}x the read "
        f"({change_s / first.chains * 1e6:.0f} µs per chain; aim: <= 5x)"
    )


def profile_engine(console: Console, sample: int = 5000) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    chains = list(open_chains(read_rows()))[:sample]
    settings = tenant_settings()
    profiler = cProfile.Profile()
    profiler.enable()
    for chain in chains:
        plan_chain(chain, settings, today)
    profiler.disable()
    console.print(f"[bold]cProfile of engine.plan over {len(chains)} chains[/bold]")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000, help="open cases (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="timings of each step (median)")
    parser.add_argument("--profile", action="store_true", help="also profile the engine")
    parser.add_argument(
        "--replan",
        action="store_true",
        help="also time `hersteld poortwachter replan` (to-dos written) against reading the "
        "same rows; writes about 15 to-dos per case, so try --cases 20000 first",
    )
    args = parser.parse_args()
    configure(os.environ.get("DATABASE_URL"))
    import django

    django.setup()
    create_database()
    console = Console()
    started = time.perf_counter()
    rows = fill(args.cases, console)
    console.print(
        f"generated {args.cases} open cases ({rows} case rows) "
        f"in {time.perf_counter() - started:.1f} s"
    )

    from hersteld.absence.models import CaseKind, CaseStatus

    assert tuple(CaseKind.values) == (SICKNESS, PREGNANCY_LEAVE, PREVENTIVE)
    assert tuple(CaseStatus.values) == (OPEN, CLOSED, WITHDRAWN)
    reads: list[float] = []
    recomputes: list[float] = []
    planned = 0
    with Progress(console=console, transient=True) as progress:
        read_rows()  # a first, untimed round warms the database cache
        recompute(progress, args.cases)  # and the engine's holiday tables
        for _ in range(args.repeat):
            start = time.perf_counter()
            read_rows()
            reads.append(time.perf_counter() - start)
            start = time.perf_counter()
            planned = recompute(progress, args.cases)
            recomputes.append(time.perf_counter() - start)
    read_s = statistics.median(reads)
    recompute_s = statistics.median(recomputes)

    vendor = django.db.connection.vendor
    table = Table(
        title=f"Poortwachter plans, {planned} open cases, {rows} case rows ({vendor}), "
        f"median of {args.repeat}"
    )
    for column in ("step", "seconds", "cases per second", "ratio to read"):
        table.add_column(column)
    table.add_row("read", f"{read_s:.3f}", f"{planned / read_s:,.0f}", "1.00")
    table.add_row(
        "recompute (read + engine)",
        f"{recompute_s:.3f}",
        f"{planned / recompute_s:,.0f}",
        f"{recompute_s / read_s:.2f}",
    )
    console.print(table)
    console.print(
        f"grouping + engine: {(recompute_s - read_s) / planned * 1e6:.1f} µs per plan "
        "(aim: ratio <= 2)"
    )
    if args.replan:
        timed_replans(console, args.repeat)
    if args.profile:
        profile_engine(console)


if __name__ == "__main__":
    sys.exit(main())
