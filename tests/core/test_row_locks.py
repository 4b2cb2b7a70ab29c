"""A write locks only the row it changes (benchmarks/load.py found a deadlock).

`core.services.locked` reads the object through the actor's scope, which joins the
employer for a casemanager. PostgreSQL's plain FOR UPDATE locked the joined employer row
as well, so two sick reports under one employer could deadlock with the exchange feed
counter. The lock is now FOR NO KEY UPDATE OF the object's own table.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from hersteld.core.services import locked
from hersteld.people.models import Employment


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
def test_locked_locks_only_the_objects_own_row(world: Any) -> None:
    employment = world.own_employment
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        found = locked(Employment, world.casemanager, employment.pk, "absence.change")
    assert found.pk == employment.pk
    sql = queries.captured_queries[-1]["sql"]
    assert "organisations_employer" in sql  # the scope joins the employer ...
    assert sql.endswith('FOR NO KEY UPDATE OF "people_employment"')  # ... but locks it not
