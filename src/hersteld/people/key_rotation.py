"""Rotating the Datakluis key (docs/adr/0027-datakluis-key-rotation.md): every record sealed
with an earlier key of the key file is sealed again with the current one.

A batch of rows per transaction, under row locks: a portal or coupling write of the same row
waits for its batch, and a run stopped halfway is run again (a row already rotated is
rotated once more, harmlessly). Rotation is not a change of the person: `updated_at` and the
audit trail stay as they were; the command logs what it did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models, transaction

from hersteld.people import vault
from hersteld.people.models import SealedIdentity

BATCH = 500
Progress = Callable[[int, int], None]


def reseal(
    queryset: models.QuerySet[Any],
    fields: tuple[str, ...],
    change: Callable[[Any], None],
    *,
    progress: Progress | None = None,
    batch: int = BATCH,
) -> int:
    """Apply `change` (which re-seals the row in memory) to every row of `queryset`, a batch
    per transaction under row locks, and store `fields`; returns the number of rows."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    model = queryset.model
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            rows = list(
                model._default_manager.select_for_update()
                .filter(pk__in=ids[start : start + batch])
                .order_by("pk")
            )
            for row in rows:
                change(row)
            # bulk_update leaves auto_now fields alone: the person did not change.
            model._default_manager.bulk_update(rows, fields)
        if progress is not None:
            progress(min(start + batch, len(ids)), len(ids))
    return len(ids)


def _identity(identity: SealedIdentity) -> None:
    bsn = vault.unseal(identity.token).get("bsn") or ""
    identity.token = vault.rotate(identity.token)
    identity.bsn_digest = vault.digest(identity.employer_id, bsn) if bsn else ""


def rotate_identities(progress: Progress | None = None, batch: int = BATCH) -> int:
    """Seal every sealed identity again with the current key and digest its BSN with it."""
    return reseal(
        SealedIdentity.objects.all(),
        ("token", "bsn_digest"),
        _identity,
        progress=progress,
        batch=batch,
    )


def identities_needing_an_earlier_key() -> int:
    """How many sealed identities the current key alone cannot open yet."""
    tokens = SealedIdentity.objects.values_list("token", flat=True).iterator(chunk_size=BATCH)
    return sum(1 for token in tokens if not vault.opens_with_current_key(token))
