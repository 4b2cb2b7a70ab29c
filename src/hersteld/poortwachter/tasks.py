"""The daily Poortwachter job as a Celery task (scheduled by beat; see settings)."""

from __future__ import annotations

from celery import shared_task

from hersteld.poortwachter.services import run_daily


@shared_task(name="poortwachter.run_daily")
def run_daily_task() -> dict[str, int]:
    return run_daily()
