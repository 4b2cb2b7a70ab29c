"""`hersteld statistics --employer ID --from DATE --to DATE [--department ID] [--json]`.

The figures of docs/rules/statistics.md, the same as GET /api/v1/statistics gives. Run on
the server, the command sees every employer; `--user` computes as that user would see it.
"""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from hersteld.accounts.models import User
from hersteld.core.actor import Actor, SystemActor
from hersteld.core.restrict import Scope
from hersteld.organisations.models import Employer
from hersteld.statistics import periods, reports, selectors


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Absence figures (VP, MF, GVD, nulverzuim, duration classes) of an employer or a "
        "department subtree over a period, by the Standaard Berekening van Ziekteverzuim."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--employer", type=int, required=True, metavar="ID")
        parser.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--department", type=int, metavar="ID")
        parser.add_argument("--json", action="store_true", help="print the API's JSON")
        parser.add_argument("--user", metavar="USERNAME", help="compute as this user sees it")

    def _actor(self, options: dict[str, Any]) -> Actor:
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {options['user']!r}.")
            return user
        employer = Employer.objects.filter(pk=options["employer"]).first()
        if employer is None:
            raise CommandError(f"No employer {options['employer']}.")
        return SystemActor(
            name="cli",
            full_name="command line",
            scope=Scope(arbodienst_id=employer.arbodienst_id, employer_id=employer.pk),
            actions=frozenset({selectors.ACTION}),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _date(options["start"]), _date(options["end"])
        try:
            periods.check(start, end)
        except ValidationError as exc:
            raise CommandError("; ".join(str(m) for m in exc.messages)) from exc
        actor = self._actor(options)
        try:
            population = selectors.population(
                actor, employer_id=options["employer"], department_id=options["department"]
            )
        except Http404 as exc:
            raise CommandError("No such employer or department in reach.") from exc
        body = reports.as_json(reports.single(population, start, end))
        if options["json"]:
            self.stdout.write(json.dumps(body, indent=2))
            return
        self.stdout.write(
            f"{population.label}, {body['from']} .. {body['to']} ({body['standard']})"
        )
        for key in ("vp", "vp_with_leave", "mf", "gvd", "nulverzuim"):
            self.stdout.write(f"  {key:<14} {body[key] if body[key] is not None else '-'}")
        self.stdout.write(f"  {'population':<14} {body['population']}")
        self.stdout.write(f"  {'classes':<14} {body['duration_classes']}")
        if body["suppressed"]:
            self.stdout.write(f"  fewer than {body['k']} persons: figures withheld")
