"""Benchmark: the bulk import (X9) of a CSV population against a plain bulk load of the same file.

Usage: .venv/bin/python benchmarks/import_employments.py [--rows N] [--database-url URL]
       [--chunk-size N] [--profile]

It builds a scratch database (a temporary SQLite file, or `<db of the URL>_import` on
PostgreSQL), with one employer of 20 departments, and writes N fake employees with one
employment each as a CSV file (a fast deterministic generator: valid BSNs, postcodes and
mobile numbers, Dutch-looking names; about 5% out of service). Then it times, in one process:
  baseline   the file loaded into one scratch table with the CSV's columns, typed: COPY on
             PostgreSQL, executemany INSERT (rows read with the csv module) on SQLite
  dry run    `exchange.imports` without writing: read, clean, match, validate every row
  import     the real import as `hersteld import FILE --employer ID` runs it: per chunk one
             transaction with Employee, Employment, EmploymentTerms, ExternalKey (2 per row),
             AuditEvent (2 per row) and change-feed rows (2 per row), written in bulk
             (COPY on PostgreSQL, bulk_create on SQLite)
  django-import-export  the first --compare-rows rows (default 2,000) of the same file into
             the same models through ModelResources (Employee, then Employment), for a third
             employer: what a Django team would pick; it writes 2 rows per input row
It prints seconds, rows per second and the ratio to the baseline (the aim: import <= 40x the
COPY time on PostgreSQL). With --profile it also imports the first 20,000 rows for a second
employer under cProfile and prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import scratch  # benchmarks/scratch.py (the script folder is on sys.path)
from rich.console import Console
from rich.table import Table

SEED = 20240901
DEPARTMENTS = 20
PROFILE_ROWS = 20_000
COLUMNS = (
    "employee_id",
    "personnel_number",
    "initials",
    "first_name",
    "surname_prefix",
    "surname",
    "birth_date",
    "gender",
    "bsn",
    "postcode",
    "street",
    "house_number",
    "house_number_addition",
    "city",
    "country",
    "phone",
    "email",
    "department_code",
    "function_name",
    "hours_per_week",
    "start_date",
    "end_date",
    "contract_type",
    "annual_salary",
)
# Column types of the baseline table (PostgreSQL); SQLite takes them as declared affinity.
TYPES = {
    "birth_date": "date",
    "start_date": "date",
    "end_date": "date",
    "house_number": "integer",
    "hours_per_week": "numeric(5,2)",
    "annual_salary": "numeric(12,2)",
}
BASELINE_TABLE = "import_bench_baseline"


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = words(
    "Jan Piet Kees Henk Daan Sem Lucas Levi Finn Bram Ruben Thijs Lars Jesse Milan Noah "
    "Sanne Anouk Fleur Lotte Emma Julia Sophie Lieke Femke Iris Marieke Ingrid Eva Anna "
    "Noor Tess"
)
SURNAMES = words(
    "Jansen Bakker Visser Smit Meijer Mulder Bos Vos Peters Hendriks Dekker Brouwer "
    "Dijkstra Koster Prins Huisman Kuipers Postma Vermeulen Willems Groen Kok Verhoeven "
    "Schouten Hoekstra"
)
PREFIXES = ("", "", "", "van", "de", "van der", "van den", "ter")
STREETS = words(
    "Dorpsstraat Kerkstraat Schoolstraat Molenweg Stationsweg Nieuwstraat Julianastraat "
    "Beatrixlaan Wilhelminastraat Eikenlaan Lindelaan Industrieweg Havenkade"
)
CITIES = words(
    "Groningen Assen Zwolle Utrecht Amsterdam Rotterdam Eindhoven Tilburg Breda "
    "Leeuwarden Nijmegen Arnhem Haarlem Delft"
)
FUNCTIONS = ("Bakker", "Verkoper", "Chauffeur", "Planner", "Administrateur", "Verpleegkundige")
HOURS = ("16", "20", "24", "28", "32", "36", "38", "40")
CONTRACTS = ("permanent", "permanent", "permanent", "fixed_term", "on_call")
LETTERS = "ABCDEFGHJKLMNPRTUVWXZ"


def configure(database_url: str | None) -> None:
    scratch.configure(database_url, "import")


def bsn_from(seed: int) -> str:
    """A valid BSN (11-proof) from the first 8 digits `seed`, or the next seed that gives one."""
    while True:
        digits = f"{seed:08d}"
        total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10:
            return digits + str(check)
        seed += 1


def generate(path: Path, rows: int, console: Console) -> None:
    """N rows of fake people, deterministic (seeded), written as a semicolon CSV."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible test data, not security
    base = dt.date(2025, 1, 1)
    seed = 10_000_000
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(COLUMNS)
        for k in range(rows):
            bsn = bsn_from(seed)
            seed = int(bsn[:8]) + 1
            first = rng.choice(FIRST_NAMES)
            surname = rng.choice(SURNAMES)
            born = base - dt.timedelta(days=rng.randint(19 * 365, 64 * 365))
            adult = born + dt.timedelta(days=18 * 366)
            start = base - dt.timedelta(days=rng.randint(0, min(20 * 365, (base - adult).days)))
            end = start + dt.timedelta(days=rng.randint(30, 2000)) if rng.random() < 0.05 else None
            writer.writerow(
                (
                    f"W{k:07d}",
                    f"P{k:07d}",
                    f"{first[0]}.",
                    first,
                    rng.choice(PREFIXES),
                    surname,
                    born.isoformat(),
                    rng.choice("MV"),
                    bsn,
                    f"{rng.randint(1000, 9999)} {rng.choice(LETTERS)}{rng.choice(LETTERS)}",
                    rng.choice(STREETS),
                    rng.randint(1, 250),
                    rng.choice(("", "", "", "", "a", "b", "2")),
                    rng.choice(CITIES),
                    "NL",
                    f"06{rng.choice('12345')}{rng.randint(0, 9_999_999):07d}",
                    f"{first.lower()}.{surname.lower()}{k}@example.org",
                    f"D{rng.randrange(DEPARTMENTS):02d}",
                    rng.choice(FUNCTIONS),
                    rng.choice(HOURS),
                    start.isoformat(),
                    end.isoformat() if end else "",
                    rng.choice(CONTRACTS),
                    f"{rng.randint(22_000, 75_000)}.00",
                )
            )
    console.print(f"wrote {rows} rows to {path} ({path.stat().st_size / 1e6:.1f} MB)")


def fill() -> list[Any]:
    """The tenant, four employers (the import's, the profile's, django-import-export's and the
    set-based prototype's) and their departments."""
    from django.core.management import call_command

    from hersteld.organisations.models import Arbodienst, Department, Employer

    call_command("migrate", verbosity=0)
    tenant = Arbodienst.objects.create(name="Bench", slug="bench")
    employers = []
    for i in range(4):
        employer = Employer.objects.create(
            arbodienst=tenant, name=f"Werkgever {i}", kvk_number=f"{i + 10_000_000}"
        )
        for j in range(DEPARTMENTS):
            department = Department.objects.create(
                employer=employer, code=f"D{j:02d}", name=f"Afdeling {j}", path=""
            )
            department.path = f"{department.pk:06d}."
            department.save(update_fields=["path"])
        employers.append(employer)
    return employers


def written_rows(employer: Any) -> dict[str, int]:
    """How many rows of each kind an import wrote for `employer` (the prototype must write
    what the import writes)."""
    from hersteld.core.models import AuditEvent
    from hersteld.exchange.models import Change, ExternalKey
    from hersteld.people.models import Employee, Employment, EmploymentTerms

    return {
        "employees": Employee.objects.filter(employer=employer).count(),
        "employments": Employment.objects.filter(employer=employer).count(),
        "terms": EmploymentTerms.objects.filter(employment__employer=employer).count(),
        "keys": ExternalKey.objects.filter(employer=employer).count(),
        "audit": AuditEvent.objects.filter(employer=employer).count(),
        "feed": Change.objects.filter(employer=employer).count(),
    }


def baseline(path: Path) -> float:
    """Seconds to load the file into a typed scratch table in one transaction."""
    from django.db import connection, transaction

    columns = ", ".join(f"{name} {TYPES.get(name, 'text')}" for name in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {BASELINE_TABLE}")
        cursor.execute(f"CREATE TABLE {BASELINE_TABLE} ({columns})")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = (
                f"COPY {BASELINE_TABLE} FROM STDIN "
                "WITH (FORMAT csv, HEADER true, DELIMITER ';', NULL '')"
            )
            with path.open("rb") as data, cursor.cursor.copy(sql) as copy:
                while block := data.read(1 << 20):
                    copy.write(block)
        else:
            with path.open(newline="", encoding="utf-8") as data:
                reader = csv.reader(data, delimiter=";")
                next(reader)
                marks = ", ".join("%s" for _ in COLUMNS)
                cursor.executemany(
                    f"INSERT INTO {BASELINE_TABLE} VALUES ({marks})",  # noqa: S608 - fixed names
                    ([value or None for value in values] for values in reader),
                )
    return time.perf_counter() - start


def timed_import(
    employer: Any, content: bytes, *, dry_run: bool, chunk_size: int, console: Console
) -> tuple[float, Any]:
    from hersteld.core.progress import counting, tracker
    from hersteld.exchange import imports

    with counting(console) as progress:
        report = tracker(progress, "dry run" if dry_run else "import")

        start = time.perf_counter()
        run = imports.start_run(
            employer=employer, user=None, filename="bench.csv", content=content, dry_run=dry_run
        )
        summary = imports.run_import(
            run, content, user=None, chunk_size=chunk_size, progress=report
        )
        return time.perf_counter() - start, summary


def import_export_resources(employer: Any) -> tuple[Any, Any]:
    """django-import-export resources for the same file into the same models, as a Django
    team would write them: Employee matched on BSN, Employment on the personnel number, the
    person and department found through ForeignKeyWidget (one query per row each). They
    write 2 rows per input row: no EmploymentTerms, keys, audit or change feed."""
    from import_export import fields, resources, widgets

    from hersteld.organisations.models import Department
    from hersteld.people.models import Employee, Employment

    class EmployerForeignKey(widgets.ForeignKeyWidget):  # type: ignore[misc]
        def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> Any:
            return self.model.objects.filter(employer=employer)

    class EmployeeResource(resources.ModelResource):  # type: ignore[misc]
        class Meta:
            model = Employee
            import_id_fields = ("bsn",)
            fields = (*(name for name in Employee.AUDITED if name != "marital_status"),)

        def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            instance.employer = employer
            instance.marital_status = "unknown"
            instance.house_number_addition = instance.house_number_addition or ""
            instance.surname_prefix = instance.surname_prefix or ""

    class EmploymentResource(resources.ModelResource):  # type: ignore[misc]
        employee = fields.Field(
            attribute="employee", column_name="bsn", widget=EmployerForeignKey(Employee, "bsn")
        )
        department = fields.Field(
            attribute="department",
            column_name="department_code",
            widget=EmployerForeignKey(Department, "code"),
        )

        class Meta:
            model = Employment
            import_id_fields = ("personnel_number",)
            fields = (
                "employee",
                "department",
                "personnel_number",
                "start_date",
                "end_date",
                "function_name",
                "hours_per_week",
                "annual_salary",
                "contract_type",
            )

        def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            instance.employer = employer

    return EmployeeResource(), EmploymentResource()


def timed_import_export(employer: Any, path: Path, rows: int) -> float:
    """Seconds for django-import-export to import the first `rows` rows (two passes)."""
    import tablib

    text = path.read_text(encoding="utf-8")
    lines = text.split("\n", rows + 1)[: rows + 1]
    dataset = tablib.Dataset().load("\n".join(lines) + "\n", format="csv", delimiter=";")
    people, jobs = import_export_resources(employer)
    start = time.perf_counter()
    for resource in (people, jobs):
        result = resource.import_data(dataset, dry_run=False, raise_errors=True)
        assert not result.has_validation_errors()
    return time.perf_counter() - start


def profile(employer: Any, content: bytes, chunk_size: int, console: Console) -> None:
    from hersteld.exchange import imports

    lines = content.split(b"\n", PROFILE_ROWS + 1)[: PROFILE_ROWS + 1]
    sample = b"\n".join(lines) + b"\n"
    profiler = cProfile.Profile()
    profiler.enable()
    run = imports.start_run(employer=employer, user=None, filename="sample.csv", content=sample)
    imports.run_import(run, sample, user=None, chunk_size=chunk_size)
    profiler.disable()
    console.print(f"[bold]cProfile of the import of {PROFILE_ROWS} rows (cumulative)[/bold]")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(35)
    console.print("[bold]... and by own time[/bold]")
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000, help="rows (default 100000)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="PostgreSQL URL; the scratch database is <its name>_import (default: SQLite)",
    )
    parser.add_argument("--chunk-size", type=int, default=2000, help="rows per transaction")
    parser.add_argument("--profile", action="store_true", help="also profile 20,000 rows")
    parser.add_argument(
        "--set-based",
        action="store_true",
        help="also time the set-based prototype of ADR 0026 (PostgreSQL only)",
    )
    parser.add_argument(
        "--compare-rows",
        type=int,
        default=2_000,
        help="rows django-import-export imports for the comparison (default 2000; 0: skip)",
    )
    args = parser.parse_args()
    configure(args.database_url)
    import django

    django.setup()
    scratch.create_database()
    console = Console()
    employers = fill()
    path = Path(tempfile.mkdtemp()) / "population.csv"
    generate(path, args.rows, console)
    content = path.read_bytes()

    baseline(path)  # a first, untimed round warms the file cache and the catalogue
    baseline_s = baseline(path)
    dry_s, dry = timed_import(
        employers[0], content, dry_run=True, chunk_size=args.chunk_size, console=console
    )
    import_s, done = timed_import(
        employers[0], content, dry_run=False, chunk_size=args.chunk_size, console=console
    )
    run = done.run
    assert run.rows_failed == 0 and dry.run.rows_failed == 0, run.errors[:5]
    assert run.rows_created == args.rows, (run.rows_created, args.rows)

    from django.db import connection

    from hersteld.people.models import Employee, Employment

    assert Employee.objects.filter(employer=employers[0]).count() == args.rows
    assert Employment.objects.filter(employer=employers[0]).count() == args.rows
    compare_rows = min(args.compare_rows, args.rows)
    compare_s = timed_import_export(employers[2], path, compare_rows) if compare_rows else 0.0
    if compare_rows:
        assert Employment.objects.filter(employer=employers[2]).count() == compare_rows
    vendor = connection.vendor
    set_based = None
    if args.set_based and vendor == "postgresql":
        import import_setbased

        set_based = import_setbased.run(employers[3], path, COLUMNS)
        assert set_based[1] == args.rows, set_based
        assert written_rows(employers[3]) == written_rows(employers[0])
    method = "COPY" if vendor == "postgresql" else "executemany INSERT"
    table = Table(title=f"Import of {args.rows} employees with an employment ({vendor})")
    for column in ("step", "seconds", "rows per second", "ratio to baseline"):
        table.add_column(column)
    table.add_row(
        f"baseline ({method})", f"{baseline_s:.2f}", f"{args.rows / baseline_s:,.0f}", "1.0"
    )
    for name, seconds in (("dry run (no writes)", dry_s), ("import", import_s)):
        table.add_row(
            name, f"{seconds:.2f}", f"{args.rows / seconds:,.0f}", f"{seconds / baseline_s:.1f}"
        )
    if compare_rows:
        per_row = compare_s / compare_rows
        table.add_row(
            f"django-import-export ({compare_rows} rows, 2 rows written per row)",
            f"{compare_s:.2f}",
            f"{1 / per_row:,.0f}",
            f"{per_row * args.rows / baseline_s:.1f}",
        )
    if set_based is not None:
        table.add_row(
            "set-based prototype (ADR 0026, new rows only)",
            f"{set_based[0]:.2f}",
            f"{args.rows / set_based[0]:,.0f}",
            f"{set_based[0] / baseline_s:.1f}",
        )
    console.print(table)
    console.print(
        f"import: {import_s / args.rows * 1e6:.0f} µs per row, of which about "
        f"{dry_s / args.rows * 1e6:.0f} µs reading, checking and matching (the dry run) and "
        f"{(import_s - dry_s) / args.rows * 1e6:.0f} µs writing 9 rows per input row "
        "(aim: import <= 40x the baseline on PostgreSQL)"
    )
    if compare_rows:
        console.print(
            f"django-import-export: {compare_s / compare_rows * 1e6:.0f} µs per row "
            "(ratio scaled to the full row count)"
        )
    if args.profile:
        profile(employers[1], content, args.chunk_size, console)


if __name__ == "__main__":
    sys.exit(main())
