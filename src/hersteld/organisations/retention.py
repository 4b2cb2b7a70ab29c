"""The access and audit logs' retention category: the arbodienst holds their term.

The rows themselves and their chain are core's (core.chain.prune); which rows are old
enough depends on the tenant's setting, which lives here, so this app contributes the
category (docs/adr/0022-retention.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hersteld.core import chain
from hersteld.core.retention import Category, Item
from hersteld.core.retention_rules import last_expired_start
from hersteld.organisations.selectors import retention_terms, tenant_ids


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _due_logs(today: dt.date, arbodienst_id: int | None) -> Iterable[Item]:
    """Per table and tenant, the oldest part of the chain whose rows all passed the term."""
    tenants: list[int | None] = list(tenant_ids(arbodienst_id))
    if arbodienst_id is None:
        tenants.append(None)  # the operator's own rows
    chain.seal_all()  # an old row still waiting for its seal would stop the prune there
    found = []
    for model in chain.CHAINED:
        for tenant in tenants:
            years = retention_terms(tenant).logs
            before = _start_of(last_expired_start(today, years) + dt.timedelta(days=1))
            up_to, rows = chain.prunable(model, tenant, before)
            if rows:
                found.append(Item((model, up_to), tenant, None, rows))
    return found


def _prune(items: Sequence[Item]) -> int:
    removed = 0
    for item in items:
        model, up_to = item.key
        removed += chain.prune(model, item.arbodienst_id, up_to)
    return removed


def categories(**_kwargs: Any) -> list[Category]:
    """Receiver of core.signals.retention_categories."""
    return [
        Category(
            key="logs",
            label=str(_("access and audit log entries")),
            order=90,
            due=_due_logs,
            erase=_prune,
        )
    ]
