"""`hersteld poortwachter plan`: the Poortwachter milestones of one chain, as a table or JSON.

`hersteld poortwachter replan [--arbodienst SLUG]`: replan every open chain in the database
and write its to-dos (after a change of a tenant's Poortwachter settings), with progress.
"""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.utils import timezone, translation
from rich.console import Console
from rich.table import Table

from hersteld.core.progress import counting, tracker
from hersteld.poortwachter.engine import Leave, Milestone, Period, Plan, PlanError, Settings, plan
from hersteld.poortwachter.explain import explain
from hersteld.poortwachter.workdays import builtin_decrees


def _decrees() -> frozenset[dt.date]:
    """The built-in holiday decrees plus the operator's, when there is a database to ask."""
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict.get("NAME") or "")
        if name != ":memory:" and not name.startswith("file:") and not Path(name).is_file():
            return builtin_decrees()  # do not create an empty database file
    try:
        from hersteld.poortwachter.selectors import decree_days

        return decree_days()
    except (DatabaseError, RuntimeError):
        # Not migrated yet (DatabaseError), or a test without database access (RuntimeError).
        return builtin_decrees()


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{what}: {text!r} is not a date (YYYY-MM-DD)") from exc


def _period(text: str) -> Period:
    start, _, end = text.partition(":")
    try:
        return Period(_date(start, "--period"), _date(end, "--period") if end else None)
    except PlanError as exc:
        raise CommandError(f"--period {text}: {exc}") from exc


def _leave(text: str) -> Leave:
    start, sep, end = text.partition(":")
    if not sep or not end:
        raise CommandError(f"--leave {text!r}: give START:END")
    leave = Leave(_date(start, "--leave"), _date(end, "--leave"))
    if leave.end <= leave.start:
        raise CommandError(
            f"--leave {text}: END (the first day after the leave) must lie after START"
        )
    return leave


def _done(items: list[str]) -> dict[str, list[dt.date]]:
    out: dict[str, list[dt.date]] = {}
    for item in items:
        code, sep, day = item.partition("=")
        if not sep:
            raise CommandError(f"--done {item!r}: give CODE=DATE")
        out.setdefault(code.strip().upper(), []).append(_date(day, f"--done {code}"))
    return {code: sorted(days) for code, days in out.items()}


def why_in(language: str, milestone: Milestone) -> str:
    """The explanation in English (the engine's own words) or in Dutch (as the portal)."""
    if language == "en":
        return milestone.why
    with translation.override(language):
        return explain(milestone.reason.code, milestone.reason.as_dict())


def as_json(result: Plan, language: str = "en") -> dict[str, Any]:
    def iso(day: dt.date | None) -> str | None:
        return day.isoformat() if day else None

    return {
        "first_day": result.first_day.isoformat(),
        "gap_days": result.gap_days,
        "chained": result.chained,
        "notes": list(result.notes),
        "milestones": [
            {
                "code": m.code,
                "due": iso(m.due),
                "window_start": iso(m.window_start),
                "party": m.party,
                "status": m.status,
                "why": why_in(language, m),
                "why_code": m.reason.code,
                "why_params": m.reason.as_dict(),
                "done": iso(m.done),
                "provisional": m.provisional,
            }
            for m in result.milestones
        ],
    }


class Command(BaseCommand):
    help = (
        "Plan the Wet verbetering Poortwachter milestones for absence periods "
        "(docs/rules/day-arithmetic.md, poortwachter.md and samentelling.md)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["plan", "replan"])
        parser.add_argument(
            "--period",
            action="append",
            default=[],
            metavar="START:[END]",
            help="plan: first sick day and the first day fully at work (empty: still sick)",
        )
        parser.add_argument(
            "--arbodienst",
            metavar="SLUG",
            help="replan: only the chains of this arbodienst (default: all)",
        )
        parser.add_argument(
            "--leave",
            action="append",
            default=[],
            metavar="START:END",
            help="pregnancy leave between two periods with the same cause",
        )
        parser.add_argument("--done", action="append", default=[], metavar="CODE=DATE")
        parser.add_argument("--sanction-until", metavar="DATE")
        parser.add_argument("--as-of", metavar="DATE")
        parser.add_argument("--evaluation-days", type=int, default=42)
        parser.add_argument("--wia-letter-week", type=int, default=88)
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--lang",
            choices=["en", "nl"],
            default="en",
            help="language of the explanations (why); --json also gives why_code and why_params",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "replan":
            self.replan(options["arbodienst"])
            return
        if not options["period"]:
            raise CommandError("plan: give at least one --period START:[END]")
        try:
            result = plan(
                [_period(text) for text in options["period"]],
                leaves=[_leave(text) for text in options["leave"]],
                done=_done(options["done"]),
                sanction_until=_date(options["sanction_until"], "--sanction-until")
                if options["sanction_until"]
                else None,
                as_of=_date(options["as_of"], "--as-of")
                if options["as_of"]
                else timezone.localdate(),
                settings=Settings(
                    evaluation_interval_days=options["evaluation_days"],
                    wia_letter_week=options["wia_letter_week"],
                ),
                decrees=_decrees(),
            )
        except PlanError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(as_json(result, options["lang"]), indent=2))
            return
        console = Console(file=cast(IO[str], self.stdout), width=140)
        for note in result.notes:
            console.print(f"[yellow]Note:[/yellow] {note}")
        title = f"Poortwachter: D1 {result.first_day.isoformat()}"
        if result.chained:
            title += f", chained ({len(result.periods)} periods, {result.gap_days} gap days)"
        table = Table(title=title)
        for column in ("due", "code", "party", "status", "window from", "why"):
            table.add_column(column)
        for m in result.milestones:
            table.add_row(
                (m.due.isoformat() + " (provisional)" if m.provisional else m.due.isoformat())
                if m.due
                else "—",
                m.code,
                m.party,
                m.status,
                m.window_start.isoformat() if m.window_start else "",
                why_in(options["lang"], m),
            )
        console.print(table)

    def replan(self, slug: str | None) -> None:
        from hersteld.organisations.models import Arbodienst
        from hersteld.poortwachter.replan import replan

        arbodienst_id = None
        if slug is not None:
            arbodienst_id = (
                Arbodienst.objects.filter(slug=slug).values_list("pk", flat=True).first()
            )
            if arbodienst_id is None:
                raise CommandError(f"--arbodienst {slug!r}: no arbodienst with that slug")
        console = Console(file=cast(IO[str], self.stdout), width=100)
        with counting(console) as progress:
            count = tracker(progress, "replanning open chains (employees)")
            summary = replan(
                arbodienst_id=arbodienst_id,
                progress=lambda _step, done, total: count(done, total),
            )
        self.stdout.write(
            f"Replanned {summary.chains} open chains: {summary.created} to-dos created, "
            f"{summary.changed} changed, {summary.removed} removed, {summary.moved} moved"
            + (f"; {summary.skipped} could not be planned" if summary.skipped else "")
        )
