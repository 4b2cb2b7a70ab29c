"""`hersteld datakluis check|rotate`: rotating the Datakluis key (docs/adr/0027).

To rotate: put a new key on the first line of the key file (keep the old one below it),
restart the web server and the workers, run `hersteld datakluis rotate`, and when
`hersteld datakluis check` says that nothing needs an earlier key any more, remove the old
lines and restart again. Until then the old keys still open what they sealed.
"""

from __future__ import annotations

import logging
from argparse import ArgumentParser
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from hersteld.core.progress import counting, tracker
from hersteld.exchange import services
from hersteld.people import key_rotation, vault

logger = logging.getLogger("hersteld.datakluis")


class Command(BaseCommand):
    help = "Datakluis key: `check` counts what needs an earlier key, `rotate` re-seals it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "check", help="count the sealed records the current key alone cannot open yet"
        )
        actions.add_parser(
            "rotate", help="seal every record again with the first key of the key file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problem = vault.key_problem()
        if problem is not None:
            raise CommandError(problem)
        keys = vault.key_count()
        if options["action"] == "rotate":
            self.rotate()
        identities = key_rotation.identities_needing_an_earlier_key()
        messages = services.messages_needing_an_earlier_key()
        self.stdout.write(
            f"Key file: {keys} key(s). Needing an earlier key: {identities} sealed identities, "
            f"{messages} inbox messages."
        )
        if identities or messages:
            self.stdout.write("Keep the earlier keys in the file; run `hersteld datakluis rotate`.")
        elif keys > 1:
            self.stdout.write(
                "Everything opens with the first key: the other lines may be removed."
            )

    def rotate(self) -> None:
        console = Console(file=cast(IO[str], self.stdout), width=100)
        done: dict[str, int] = {}
        with counting(console) as progress:
            for label, rotate in (
                ("sealed identities", key_rotation.rotate_identities),
                ("inbox messages", services.rotate_sealed_messages),
            ):
                done[label] = rotate(progress=tracker(progress, f"re-sealing {label}"))
        logger.info("Datakluis key rotated: %s", done)
        self.stdout.write(
            "Re-sealed with the current key: "
            + ", ".join(f"{count} {label}" for label, count in done.items())
            + "."
        )
