"""`hersteld process-exchange`: the exchange's background work for installations without Celery.

Run it from cron every minute. It applies inbox messages a worker left (or every waiting one with
`--now`), turns long-held messages into review tasks, delivers the outbox, and runs portal
imports that no thread started (the web process stopped before it could).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import IO, Any, cast

from django.core.management.base import BaseCommand
from django.utils import timezone
from rich.console import Console

from hersteld.exchange import import_tasks, outbox, services


class Command(BaseCommand):
    help = "Process waiting inbox messages, hold timeouts, the outbox and waiting imports (cron)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="process every waiting message now, not only those older than a few minutes",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            now += services.STALE_AFTER
        summary = services.sweep(now)
        delivered = outbox.deliver_due()
        imported = import_tasks.pick_up_waiting(now if options["now"] else None)
        console = Console(file=cast(IO[str], self.stdout), width=100)
        console.print(
            f"Inbox messages processed: {summary['picked_up']}, held too long (now a review "
            f"task): {summary['gap_reviews']}, outbox messages delivered: {delivered}, imports "
            f"started: {imported}."
        )
