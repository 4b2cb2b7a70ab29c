"""The log tables carry no index that another one already serves (ADR 0026): every audit
and access row is written to each of them, the bulk import two per employee."""

from __future__ import annotations

import pytest
from django.db import connection

LOG_TABLES = ("core_auditevent", "core_accessevent")

pytestmark = pytest.mark.django_db


def indexes(table: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return [info["columns"] for info in found.values() if info["index"] and not info["primary_key"]]


@pytest.mark.parametrize("table", LOG_TABLES)
def test_tenant_and_employee_are_served_by_their_composite_indexes(table: str) -> None:
    columns = indexes(table)
    assert ["arbodienst_id", "seal_seq"] in columns
    assert ["employee_id", "created_at"] in columns
    assert ["arbodienst_id"] not in columns
    assert ["employee_id"] not in columns


@pytest.mark.parametrize("table", LOG_TABLES)
def test_no_index_is_the_leading_part_of_another(table: str) -> None:
    columns = indexes(table)
    redundant = [
        one for one in columns for other in columns if one != other and other[: len(one)] == one
    ]
    assert redundant == []
