"""`hersteld run-daily`: the daily job for installations without Celery beat (run it from cron)."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress

from hersteld.core import daily


class Command(BaseCommand):
    help = (
        "Apply employment terms that took effect, turn due and overdue Poortwachter steps into "
        "signals, and e-mail each user a digest with only the number of items; e-mail each "
        "coupling's error-log address the number of messages that failed in the last day; "
        "erase or anonymise what has passed its retention term (see `hersteld retention`)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="run as if it were this day")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {options['date']!r} is not a date") from exc
        console = Console(file=cast(IO[str], self.stdout), width=100)
        summary: dict[str, int] = {}
        with Progress(console=console, transient=True) as progress:
            for step in daily.steps():
                task = progress.add_task(step.name, total=None)

                def report(_step: str, done: int, total: int, task: Any = task) -> None:
                    progress.update(task, completed=done, total=total)

                summary.update(step.run(today, report))
        console.print(", ".join(f"{label}: {count}" for label, count in summary.items()) + ".")
