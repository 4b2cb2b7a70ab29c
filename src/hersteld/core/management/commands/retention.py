"""`hersteld retention`: erase or anonymise what has passed its retention term, with a report."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import IO, Any, cast

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from hersteld.core import retention


class Command(BaseCommand):
    help = (
        "Erase or anonymise the records whose retention term has passed (docs/rules/privacy.md), "
        "in batches, and write a report per run (category, employer, number; no personal data). "
        "Nothing of a case under a legal hold goes. --dry-run only shows what would go."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="show, write nothing")
        parser.add_argument("--arbodienst", type=int, metavar="ID", help="only this arbodienst")
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="run as if it were this day")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {options['date']!r} is not a date") from exc
        tenant = options["arbodienst"]
        arbodienst = apps.get_model("organisations", "Arbodienst")
        if tenant is not None and not arbodienst.objects.filter(pk=tenant).exists():
            raise CommandError(f"--arbodienst: no arbodienst with id {tenant}")
        console = Console(file=cast(IO[str], self.stdout), width=100)
        with Progress(console=console, transient=True) as progress:
            tasks: dict[str, Any] = {}

            def report(label: str, done: int, total: int) -> None:
                if label not in tasks:
                    tasks[label] = progress.add_task(label, total=total)
                progress.update(tasks[label], completed=done, total=total)

            tally = retention.run(
                today, dry_run=options["dry_run"], arbodienst_id=tenant, progress=report
            )
        names = retention.labels()
        employers = dict(
            apps.get_model("organisations", "Employer").objects.values_list("pk", "name")
        )
        tenants = dict(arbodienst.objects.values_list("pk", "name"))
        verb = "would go" if options["dry_run"] else "erased or anonymised"
        table = Table(title=f"Retention as of {today:%Y-%m-%d}: records that {verb}")
        for column in ("category", "arbodienst", "employer", "records"):
            table.add_column(column, justify="right" if column == "records" else "left")
        for (key, arbo, employer), count in sorted(tally.items(), key=lambda e: str(e[0])):
            table.add_row(
                names.get(key, key),
                tenants.get(arbo, "—") if arbo else "—",
                employers.get(employer, "—") if employer else "—",
                str(count),
            )
        console.print(table)
        total = sum(tally.values())
        if options["dry_run"]:
            console.print(f"Dry run: {total} records would go; nothing was written.")
        else:
            console.print(f"{total} records erased or anonymised; the report is written.")
