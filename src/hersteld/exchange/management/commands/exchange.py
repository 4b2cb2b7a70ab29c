"""`hersteld exchange sample-outbound --employer ID --dir DIR`: sample outbound SIVI messages.

Writes one message of each outbound kind for an employer (exchange.samples), each as
`<kind>.xml`, so an integrator can test a receiving system with Hersteld's real output. Every
file is valid against the official SIVI 2022 schemas; when a required value is missing (the
employer's loonheffingennummer, a contact person, ...) nothing is written and the element is named.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hersteld.exchange import codec, samples
from hersteld.organisations.models import Employer


class Command(BaseCommand):
    help = "Exchange tools for integrators: `sample-outbound` writes sample SIVI messages."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sample = actions.add_parser(
            "sample-outbound",
            help="write one outbound SIVI message of each kind as <kind>.xml",
            description=(
                "Stream 1: "
                + ", ".join(samples.STREAM_1)
                + "; stream 2: "
                + ", ".join(samples.STREAM_2)
                + "."
            ),
        )
        sample.add_argument("--employer", type=int, required=True, metavar="ID", help="employer id")
        sample.add_argument("--dir", required=True, metavar="DIR", help="directory to write to")

    def handle(self, *args: Any, **options: Any) -> None:
        employer = Employer.objects.filter(pk=options["employer"]).first()
        if employer is None:
            raise CommandError(f"Employer {options['employer']} does not exist.")
        try:
            bodies = samples.sample_messages(employer)
        except samples.NoSample as exc:
            raise CommandError(str(exc)) from exc
        except codec.MissingData as exc:
            raise CommandError(f"Nothing written: {exc}") from exc
        directory = Path(options["dir"])
        try:
            directory.mkdir(parents=True, exist_ok=True)
            for kind in samples.KINDS:
                (directory / f"{kind}.xml").write_bytes(bodies[kind])
        except OSError as exc:
            raise CommandError(f"{directory}: {exc.strerror or exc}") from exc
        self.stdout.write(
            f"Wrote {len(samples.KINDS)} SIVI messages for {employer.name} to {directory}: "
            + ", ".join(f"{kind}.xml" for kind in samples.KINDS)
        )
