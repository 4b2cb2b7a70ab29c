"""The audit and access logs are tamper-evident (issue 15, B3).

Each sealed row carries the hash of the row before it in its tenant's chain; changing a
row, removing one or reordering them shows at the first broken link, which
`hersteld verify-log` names. On PostgreSQL the database refuses UPDATE and DELETE itself.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.management import CommandError
from django.db import DatabaseError, connection, transaction

from hersteld.core import chain
from hersteld.core.audit import record_access
from hersteld.core.chain_rules import GENESIS, SealedRow, Start, canonical, verify
from hersteld.core.models import AccessEvent
from tests.support.logs import tamper, verify_log

# --- the chain as pure functions, with hashes computed here by hand -------------------------


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def hand_chain(contents: list[dict[str, Any]]) -> list[SealedRow]:
    rows, prev = [], GENESIS
    for seq, content in enumerate(contents, start=1):
        digest = sha(prev + "\n" + canonical(content))
        rows.append(SealedRow(row_id=seq * 10, seq=seq, prev=prev, hash=digest, content=content))
        prev = digest
    return rows


def test_canonical_json_is_sorted_and_compact() -> None:
    assert canonical({"b": 1, "a": "é"}) == '{"a":"é","b":1}'


def test_an_intact_chain_has_no_break() -> None:
    assert list(verify(hand_chain([{"n": 1}, {"n": 2}, {"n": 3}]))) == []


def test_a_changed_row_breaks_at_that_row() -> None:
    rows = hand_chain([{"n": 1}, {"n": 2}, {"n": 3}])
    rows[1] = SealedRow(20, 2, rows[1].prev, rows[1].hash, {"n": 99})

    assert next((b.row_id, b.reason) for b in verify(rows)) == (20, "content")


def test_a_removed_row_breaks_at_the_row_after_it() -> None:
    rows = hand_chain([{"n": 1}, {"n": 2}, {"n": 3}])

    assert [(b.row_id, b.reason) for b in verify([rows[0], rows[2]])] == [(30, "sequence")]


def test_rows_removed_at_the_start_by_retention_leave_the_rest_intact() -> None:
    """The retention job leaves a checkpoint: the last removed row's place and hash."""
    rows = hand_chain([{"n": 1}, {"n": 2}, {"n": 3}])
    assert list(verify(rows[1:], Start(seq=1, hash=rows[0].hash))) == []


def test_rows_removed_at_the_start_without_a_checkpoint_break_the_chain() -> None:
    rows = hand_chain([{"n": 1}, {"n": 2}, {"n": 3}])
    assert [(b.row_id, b.reason) for b in verify(rows[1:])] == [(20, "sequence")]


# --- in the database --------------------------------------------------------------------------


def reads(world: Any, count: int) -> list[AccessEvent]:
    return [
        record_access(actor=world.hr, obj=world.own_employee, purpose="view") for _ in range(count)
    ]


@pytest.mark.django_db
def test_each_tenant_has_its_own_chain_starting_at_one(world: Any) -> None:
    ours = reads(world, 3)
    theirs = record_access(actor=world.other_admin, obj=world.foreign_employer, purpose="view")

    chain.seal_all()

    sealed = {
        e.pk: e for e in AccessEvent.objects.filter(pk__in=[*(e.pk for e in ours), theirs.pk])
    }
    first = sealed[ours[0].pk].seal_seq
    assert [sealed[e.pk].seal_seq for e in ours] == [first, first + 1, first + 2]
    assert (
        sealed[theirs.pk].seal_seq
        == 1
        + AccessEvent.objects.filter(
            arbodienst=world.other_tenant, seal_seq__lt=sealed[theirs.pk].seal_seq
        ).count()
    )
    assert sealed[ours[1].pk].seal_prev == sealed[ours[0].pk].seal_hash
    assert "intact" in verify_log()


@pytest.mark.django_db
def test_verify_log_names_the_first_changed_row(world: Any) -> None:
    events = reads(world, 4)
    chain.seal_all()

    tamper("UPDATE core_accessevent SET purpose = %s WHERE id = %s", ["medical", events[2].pk])

    with pytest.raises(CommandError) as caught:
        verify_log()
    assert f"row id {events[2].pk}" in str(caught.value)
    assert "content differs" in str(caught.value)


@pytest.mark.django_db
def test_verify_log_finds_a_removed_row(world: Any) -> None:
    events = reads(world, 4)
    chain.seal_all()

    tamper("DELETE FROM core_accessevent WHERE id = %s", [events[1].pk])

    with pytest.raises(CommandError) as caught:
        verify_log()
    assert f"row id {events[2].pk}" in str(caught.value)


@pytest.mark.django_db
def test_rows_written_later_join_the_chain_after_the_sealed_ones(world: Any) -> None:
    first = reads(world, 2)
    chain.seal_all()
    later = reads(world, 2)
    chain.seal_all()

    later_first = AccessEvent.objects.get(pk=later[0].pk)
    last_of_first = AccessEvent.objects.get(pk=first[-1].pk)
    assert later_first.seal_seq == last_of_first.seal_seq + 1
    assert later_first.seal_prev == last_of_first.seal_hash
    assert chain.unsealed(AccessEvent) == 0


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_change_or_delete_a_log_row(world: Any) -> None:
    event = reads(world, 1)[0]
    chain.seal_all()

    for sql in (
        "UPDATE core_accessevent SET purpose = 'x' WHERE id = %s",
        "UPDATE core_accessevent SET seal_hash = 'x' WHERE id = %s",
        "DELETE FROM core_accessevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    # A removed user's id may be emptied: the row keeps his name.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_accessevent SET actor_id = NULL WHERE id = %s", [event.pk])
    assert "intact" in verify_log()


def pending_seals() -> int:
    """How many sealings the open transaction will run after its commit."""
    return sum(1 for entry in connection.run_on_commit if entry[1] is chain._pending)


@pytest.mark.django_db
def test_a_transaction_writing_many_log_rows_seals_once_after_its_commit(
    world: Any, monkeypatch: Any
) -> None:
    # The in-memory test database of the SQLite run never seals after a commit; pretend a file.
    monkeypatch.setattr(connection, "is_in_memory_db", lambda: False, raising=False)
    with transaction.atomic():
        reads(world, 3)
        with transaction.atomic():
            reads(world, 2)
        assert pending_seals() == 1


@pytest.mark.django_db
def test_a_rolled_back_savepoint_takes_its_sealing_along_and_a_later_row_registers_again(
    world: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(connection, "is_in_memory_db", lambda: False, raising=False)
    # The test's own transaction starts clean of sealings (the world's rows asked for one).
    connection.run_on_commit = [e for e in connection.run_on_commit if e[1] is not chain._pending]
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            reads(world, 1)
            assert pending_seals() == 1
            raise RuntimeError("undo")
        assert pending_seals() == 0
        reads(world, 1)
        assert pending_seals() == 1
