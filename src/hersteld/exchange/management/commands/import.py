"""`hersteld import FILE --employer ID`: an employer's population from CSV, XLSX or SIVI XML (X9).

docs/import.md describes the columns, the matching and the resume. Row errors are Dutch
sentences (the portal's language); the rest of the output is English, as every command's.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from rich.console import Console
from rich.table import Table

from hersteld.accounts.models import User
from hersteld.core.progress import counting, tracker
from hersteld.exchange import imports
from hersteld.exchange.models import ImportRun

SHOWN_ERRORS = 10


class Command(BaseCommand):
    help = (
        "Import an employer's employees and employments from a CSV, XLSX or SIVI XML file "
        "(WerknemerGegevens, Dienstverbanden). Rows that exist are updated, new ones created; "
        "an interrupted import continues where it stopped when run again."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the CSV, XLSX or SIVI XML file")
        parser.add_argument("--employer", type=int, required=True, metavar="ID", help="employer id")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate every row, write nothing"
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="import as this user (needs people.change on the employer); default: the system",
        )
        parser.add_argument(
            "--errors", metavar="REPORT.csv", help="write the row errors to this CSV file"
        )
        parser.add_argument(
            "--again", action="store_true", help="import a file that was imported before again"
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=imports.DEFAULT_CHUNK_SIZE,
            metavar="N",
            help=f"rows per transaction (default {imports.DEFAULT_CHUNK_SIZE})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), width=100)
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1")
        user: User | None = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {options['user']!r}.")
        try:
            employer = imports.employer_for_import(user, options["employer"])
        except Http404 as exc:
            who = f"user {user.username}" if user else "the system"
            raise CommandError(
                f"Employer {options['employer']} does not exist, or {who} may not change its "
                "employees (people.change on the whole employer)."
            ) from exc

        try:
            run = imports.start_run(
                employer=employer,
                user=user,
                filename=path.name,
                content=content,
                dry_run=options["dry_run"],
                again=options["again"],
            )
        except imports.AlreadyImported as done:
            finished = done.run.finished_at
            console.print(
                f"{path.name} was already imported for {employer.name}"
                f"{f' on {finished:%Y-%m-%d %H:%M}' if finished else ''} (run {done.run.pk}): "
                f"{done.run.rows_done} rows. Use --again to import it once more."
            )
            return
        except imports.ImportFileError as exc:
            self._file_failed(console, exc, options["errors"])
        if run.rows_done:
            console.print(f"Resuming run {run.pk} after row {run.rows_done}.")
        try:
            with counting(console, remaining=True) as progress:
                summary = imports.run_import(
                    run,
                    content,
                    user=user,
                    chunk_size=options["chunk_size"],
                    progress=tracker(progress, "Rows"),
                )
        except imports.ImportFileError as exc:
            self._file_failed(console, exc, options["errors"])
        self._summary(console, summary, employer.name)
        if options["errors"]:
            self._write_report(console, options["errors"], summary.run)

    def _summary(self, console: Console, summary: imports.Summary, employer: str) -> None:
        run = summary.run
        title = f"{'Dry run' if run.dry_run else 'Import'} of {run.filename} for {employer}"
        table = Table(title=title)
        table.add_column("rows")
        table.add_column("created")
        table.add_column("updated")
        table.add_column("unchanged")
        table.add_column("failed")
        table.add_column("rows per second")
        table.add_row(
            str(run.rows_done),
            str(run.rows_created),
            str(run.rows_updated),
            str(summary.unchanged),
            str(run.rows_failed),
            f"{summary.rows_per_second:,.0f}",
        )
        console.print(table)
        if run.dry_run:
            console.print("Dry run: nothing was written.")
        for error in run.errors[:SHOWN_ERRORS]:
            console.print(
                f"row {error['row']}, {error['column'] or '-'}: {error['message']} "
                f"({error['code']})",
                markup=False,
            )
        if run.rows_failed > SHOWN_ERRORS:
            console.print(f"... {run.rows_failed - SHOWN_ERRORS} more rows failed.")

    def _write_report(self, console: Console, target: str, run: ImportRun) -> None:
        with open(target, "w", newline="", encoding="utf-8-sig") as out:
            count = imports.error_report(run.errors, out)
        console.print(f"Error report: {target} ({count} errors).")

    def _file_failed(
        self, console: Console, exc: imports.ImportFileError, target: str | None
    ) -> None:
        errors = [error.as_dict() for error in exc.errors]
        if target:
            with open(target, "w", newline="", encoding="utf-8-sig") as out:
                imports.error_report(errors, out)
        for error in errors[:SHOWN_ERRORS]:
            where = f"{error['column']}: " if error["column"] else ""
            console.print(f"{where}{error['message']}", markup=False)
        raise CommandError("The file cannot be imported; nothing was written.")
