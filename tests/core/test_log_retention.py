"""The logs are kept 5 years, then pruned without breaking their hash chain (ADR 0022).

The retention job removes the oldest part of a tenant's chain and leaves a checkpoint (the
last removed row's place and hash); `hersteld verify-log` starts there, so the rest still
verifies, while a row changed or removed outside the job is still found.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import CommandError
from django.db import DatabaseError, connection, transaction

from hersteld.core import chain, retention
from hersteld.core.audit import record_access
from hersteld.core.models import AccessEvent, AuditEvent, ChainCheckpoint
from tests.support.logs import tamper, verify_log
from tests.support.retention import on
from tests.support.world import ArbodienstFactory, employer

pytestmark = pytest.mark.django_db

D = dt.date


def history(world: Any) -> tuple[Any, list[AccessEvent], list[AccessEvent]]:
    """A tenant of its own whose log starts on 2020-06-01: reads then, and reads in 2024."""
    with on(D(2020, 6, 1)):
        tenant = ArbodienstFactory()
        client = employer(world.operator, tenant, "Oudbakkers")
        old = [record_access(actor=world.operator, obj=client) for _ in range(3)]
        chain.seal_all()
    with on(D(2024, 1, 1)):
        new = [record_access(actor=world.operator, obj=client) for _ in range(2)]
        chain.seal_all()
    return tenant, old, new


def logs_removed(day: dt.date, tenant: Any) -> int:
    tally = retention.run(day, arbodienst_id=tenant.pk)
    return sum(count for (key, _t, _e), count in tally.items() if key == "logs")


def test_log_rows_are_kept_five_years_then_pruned(world: Any) -> None:
    tenant, old, new = history(world)
    audit_2020 = AuditEvent.objects.filter(arbodienst=tenant).count()

    assert logs_removed(D(2025, 5, 31), tenant) == 0
    assert logs_removed(D(2025, 6, 1), tenant) == 0
    assert logs_removed(D(2025, 6, 2), tenant) == len(old) + audit_2020

    assert not AccessEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AccessEvent.objects.filter(pk__in=[e.pk for e in new]).count() == 2
    assert ChainCheckpoint.objects.filter(table="core_accessevent", arbodienst=tenant).exists()
    assert "intact" in verify_log()


def test_the_chain_goes_on_after_a_prune_of_every_row(world: Any) -> None:
    tenant, _old, _new = history(world)
    logs_removed(D(2030, 1, 2), tenant)
    assert not AccessEvent.objects.filter(arbodienst=tenant).exists()

    later = record_access(actor=world.operator, obj=tenant.employers.get())
    chain.seal_all()
    sealed = AccessEvent.objects.get(pk=later.pk)
    mark = ChainCheckpoint.objects.filter(table="core_accessevent", arbodienst=tenant).latest("seq")
    assert (sealed.seal_seq, sealed.seal_prev) == (mark.seq + 1, mark.seal_hash)
    assert "intact" in verify_log()


def test_after_a_prune_a_changed_row_is_still_found(world: Any) -> None:
    tenant, _old, new = history(world)
    logs_removed(D(2025, 6, 2), tenant)

    tamper("UPDATE core_accessevent SET purpose = %s WHERE id = %s", ["medical", new[1].pk])

    with pytest.raises(CommandError) as caught:
        verify_log()
    assert f"row id {new[1].pk}" in str(caught.value)


def test_after_a_prune_a_row_removed_at_the_start_is_still_found(world: Any) -> None:
    """Without the checkpoint the first remaining row would be taken as the chain's start."""
    tenant, _old, new = history(world)
    logs_removed(D(2025, 6, 2), tenant)

    tamper("DELETE FROM core_accessevent WHERE id = %s", [new[0].pk])

    with pytest.raises(CommandError) as caught:
        verify_log()
    assert f"row id {new[1].pk}" in str(caught.value)
    assert "missing" in str(caught.value)


def test_a_dry_run_prunes_nothing(world: Any) -> None:
    tenant, old, _new = history(world)
    tally = retention.run(D(2030, 1, 2), arbodienst_id=tenant.pk, dry_run=True)
    assert sum(c for (key, _t, _e), c in tally.items() if key == "logs") > 0
    assert AccessEvent.objects.filter(pk__in=[e.pk for e in old]).count() == 3
    assert not ChainCheckpoint.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_lets_only_the_retention_job_delete(world: Any) -> None:
    tenant, old, new = history(world)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_accessevent WHERE id = %s", [old[0].pk])
    # The job's own transaction sets hersteld.retention and may delete; the setting ends
    # with it, so a plain delete afterwards is refused again.
    logs_removed(D(2025, 6, 2), tenant)
    assert not AccessEvent.objects.filter(pk=old[0].pk).exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_accessevent WHERE id = %s", [new[0].pk])
    assert "intact" in verify_log()
