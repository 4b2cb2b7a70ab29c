"""Checking the period P a user asks for (API, CLI and page share the rule)."""

from __future__ import annotations

import datetime as dt

from hersteld.core.validation import Problems

MAX_YEARS = 10


def check(
    start: dt.date, end: dt.date, *, start_field: str = "from", end_field: str = "to"
) -> None:
    """A Dutch error naming the field: the end before the start, or P longer than 10 years."""
    problems = Problems()
    if end < start:
        problems.add(end_field, "period_end_before_start")
    elif (end - start).days > MAX_YEARS * 366:
        problems.add(end_field, "period_too_long", years=MAX_YEARS)
    problems.raise_if_any()
