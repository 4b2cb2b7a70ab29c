"""`hersteld poortwachter plan --json` (issue 5 section 1): the output contract."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args: str) -> dict:
    out = StringIO()
    call_command("poortwachter", "plan", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_json_plan_of_a_chain() -> None:
    body = run(
        "--period", "2026-01-05:2026-01-15", "--period", "2026-02-11:", "--as-of", "2026-11-23"
    )
    assert (body["first_day"], body["gap_days"], body["chained"]) == ("2026-01-05", 27, True)
    dues = [m["due"] for m in body["milestones"] if m["due"]]
    assert dues == sorted(dues)
    first = body["milestones"][0]
    assert set(first) >= {"code", "due", "window_start", "party", "status", "why"}
    analysis = next(m for m in body["milestones"] if m["code"] == "PROBLEEMANALYSE")
    assert analysis["due"] == "2026-03-14" and "27 gap days" in analysis["why"]


def test_done_and_sanction_options() -> None:
    body = run(
        "--period",
        "2024-01-08:",
        "--done",
        "PROBLEEMANALYSE=2024-02-01",
        "--sanction-until",
        "2026-06-30",
        "--as-of",
        "2026-01-01",
    )
    end = next(m for m in body["milestones"] if m["code"] == "EINDE_WACHTTIJD")
    assert end["due"] == "2026-06-30"
    assert next(m for m in body["milestones"] if m["code"] == "PROBLEEMANALYSE")["status"] == "done"


def test_unchained_periods_are_said_so() -> None:
    body = run(
        "--period", "2026-01-05:2026-01-15", "--period", "2026-03-01:", "--as-of", "2026-11-23"
    )
    assert body["first_day"] == "2026-03-01" and body["chained"] is False and body["notes"]


@pytest.mark.parametrize(
    "args",
    [
        ("--period", "2026-13-01:"),
        ("--period", "2026-01-05:2026-01-01"),
        ("--period", "2026-01-05:", "--period", "2026-01-10:"),
        ("--period", "2026-01-05:", "--done", "PROBLEEMANALYSE"),
        ("--period", "2026-01-05:", "--leave", "2026-03-01:2026-03-01"),
    ],
)
def test_bad_input_gives_a_clear_error(args: tuple[str, ...]) -> None:
    with pytest.raises(CommandError):
        call_command("poortwachter", "plan", *args, stdout=StringIO())


def test_the_table_output_is_readable() -> None:
    out = StringIO()
    call_command(
        "poortwachter", "plan", "--period", "2026-01-05:", "--as-of", "2026-02-01", stdout=out
    )
    assert "PROBLEEMANALYSE" in out.getvalue() and "2026-02-15" in out.getvalue()


def test_the_table_marks_a_provisional_date() -> None:
    """docs/rules/day-arithmetic.md: D1 2029-08-09, the report moves over Friday 2030-05-31 (pattern only)."""
    out = StringIO()
    call_command(
        "poortwachter", "plan", "--period", "2029-08-09:", "--as-of", "2029-08-09", stdout=out
    )
    row = next(line for line in out.getvalue().splitlines() if "MELDING_42_WEKEN" in line)
    assert "2030-06-03 (provisional)" in row
