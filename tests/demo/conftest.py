"""The demo's smoke test reads the demo data; it is loaded for this module only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module", autouse=True)
def demo_data(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The demo, loaded in a transaction rolled back after the module: the rest of the suite
    never sees it. Each test runs in a savepoint inside that transaction."""
    from django.db import transaction

    from tests.support.auth import load_demo_data

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_data()
        yield
        transaction.set_rollback(True)
