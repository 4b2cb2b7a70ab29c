"""The daily job as a list of steps that the apps register in `AppConfig.ready()`.

`hersteld run-daily` (and Celery beat) must run work of several apps (employment terms and
Poortwachter signals, coupling error digests), yet a lower app may not import a higher one.
So the job lives here, in core, and each app hands in its own step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

# (step, done, total): progress of the running step.
Report = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DailyStep:
    """One app's part of the daily job; `run` answers labelled counts for the summary line."""

    name: str
    order: int
    run: Callable[[dt.date | None, Report], dict[str, int]]


_STEPS: dict[str, DailyStep] = {}


def register(step: DailyStep) -> None:
    """Add (or, on a second `ready()`, replace) an app's step."""
    _STEPS[step.name] = step


def steps() -> list[DailyStep]:
    return sorted(_STEPS.values(), key=lambda step: step.order)
