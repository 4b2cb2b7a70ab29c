"""Background work of the exchange: the inbox worker, outbox delivery, the sweep, the error digest."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from hersteld.exchange import import_tasks, outbox, services


@shared_task(name="exchange.process_message")
def process_message(message_id: int) -> str | None:
    """Apply one inbox message (entirely or not at all)."""
    return services.process(message_id)


@shared_task(name="exchange.deliver_outbox")
def deliver_outbox(message_id: int | None = None) -> int:
    """Send one outbox message (after the commit of its change), or all that are due."""
    if message_id is None:
        return outbox.deliver_due()
    return int(outbox.deliver(message_id))


@shared_task(name="exchange.sweep")
def sweep() -> dict[str, int]:
    """Retry what a dead worker left, turn long holds into review tasks, deliver the outbox,
    and run portal imports no worker or thread started."""
    summary = services.sweep()
    summary["delivered"] = outbox.deliver_due()
    summary["imports_started"] = import_tasks.pick_up_waiting()
    return summary


@shared_task(name="exchange.send_error_digests")
def send_error_digests() -> int:
    with transaction.atomic():
        return services.send_error_digests(timezone.now() - dt.timedelta(days=1))
