"""Outbound streams (X5): placeholder until the outbox is written."""

from __future__ import annotations

from django.db import models

from hersteld.exchange.models import Change


def enqueue_for_change(change: Change, obj: models.Model) -> None:
    return None


def deliver_due() -> int:
    return 0
