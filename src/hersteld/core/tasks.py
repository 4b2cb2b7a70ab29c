"""Background work of the core: e-mail delivery and a health probe for workers."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from kombu.exceptions import OperationalError as KombuOperationalError

logger = logging.getLogger(__name__)


@shared_task(name="core.send_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(subject: str, body: str, to: list[str], html: str | None = None) -> int:
    """Send one e-mail; retried with backoff when the mail server is unreachable."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def send_email_after_commit(
    subject: str, body: str, to: list[str], html: str | None = None
) -> None:
    """Queue an e-mail only once the transaction that caused it has committed.

    When the broker cannot take it (Redis down) the mail is sent in this process instead,
    so a password reset still arrives."""

    def queue() -> None:
        try:
            send_email.delay(subject, body, to, html)
        except KombuOperationalError:
            logger.warning("broker unavailable: sending an e-mail in-process")
            send_email.apply(args=(subject, body, to, html), throw=True)

    transaction.on_commit(queue)


@shared_task(name="core.health_check")
def health_check() -> dict[str, Any]:
    """Proves a worker runs with this code and reaches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {"database": one == 1, "vendor": connection.vendor}


@shared_task(name="core.retention")
def retention_run() -> dict[str, int]:
    """The daily retention job under Celery beat (`hersteld run-daily` runs it too)."""
    from django.utils import timezone

    from hersteld.core import retention

    tally = retention.run(timezone.localdate())
    return {"records past their retention term": sum(tally.values())}
