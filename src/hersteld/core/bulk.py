"""Bulk writes on PostgreSQL with `COPY ... FROM STDIN` (psycopg 3): new people, audit and feed rows.

Elsewhere (SQLite) callers use `bulk_create`; both paths write the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import Any

from django.db import connection, models


def use_copy() -> bool:
    """New rows go in with COPY on PostgreSQL; elsewhere (SQLite) with bulk_create."""
    return connection.vendor == "postgresql"


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys from the table's identity sequence (PostgreSQL)."""
    if count == 0:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_insert(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Write rows into the model's table with `COPY ... FROM STDIN` (PostgreSQL, psycopg 3).

    `columns` are attnames; each row holds their values in that order, JSON fields as JSON
    text. An auto primary key left out is numbered by the table's identity sequence, in row
    order (give it, from `reserve_ids`, when other rows must point at the new ones). Every
    other field gets its default, as `bulk_create` would give it; a field whose value differs
    per row (auto_now, auto_now_add) must be given. No signals, no `save()`: the caller
    writes exactly what `bulk_create` would.
    """
    meta = model._meta
    fields = {field.attname: field for field in meta.concrete_fields}
    rest = [
        field
        for name, field in fields.items()
        if name not in columns and not (field.primary_key and _numbered(field))
    ]
    for other in rest:
        if (
            other.primary_key
            or getattr(other, "auto_now", False)
            or getattr(other, "auto_now_add", False)
        ):
            raise ValueError(f"copy_insert needs {meta.label}.{other.name}")
    tail = tuple(_db_default(field) for field in rest)
    quote = connection.ops.quote_name
    names = ", ".join(quote(fields[name].column) for name in columns)
    names = ", ".join([names, *(quote(field.column) for field in rest)])
    sql = f"COPY {quote(meta.db_table)} ({names}) FROM STDIN"
    # Errors (a key taken meanwhile) surface as Django's IntegrityError etc., as bulk_create's do.
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        write = copy.write_row
        if tail:
            for row in rows:
                write((*row, *tail))
        else:
            for row in rows:
                write(row)


def copy_objects(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """COPY model instances whose primary key and timestamps are set (all concrete fields)."""
    if not objects:
        return
    names = [field.attname for field in model._meta.concrete_fields]
    for each in model._meta.concrete_fields:
        if isinstance(each, models.JSONField):
            raise ValueError(f"copy_objects cannot write {model._meta.label}.{each.name}")
    values = attrgetter(*names)
    copy_insert(model, names, (values(obj) for obj in objects))


def _numbered(field: models.Field[Any, Any]) -> bool:
    """An auto primary key: the database numbers it when a row leaves it out."""
    return isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField)


def _db_default(field: models.Field[Any, Any]) -> Any:
    value = field.get_default()
    if isinstance(field, models.JSONField):
        return json.dumps(value, cls=field.encoder)
    return value


def update_rows(
    model: type[models.Model],
    names: Sequence[str],
    objects: Sequence[models.Model],
    *,
    batch_size: int = 2000,
) -> None:
    """Write the fields `names` of existing rows from their objects, as `bulk_update` does.

    On PostgreSQL one `UPDATE ... FROM (VALUES ...)` per batch: linear in the rows, where
    `bulk_update` builds a CASE per field whose every row is compared with every id of the
    batch (minutes for 30,000 rows). Elsewhere (SQLite, small) `bulk_update`. Like it, no
    signals and no auto_now: only the named fields change.
    """
    if not objects:
        return
    if not use_copy():
        model._default_manager.bulk_update(objects, list(names), batch_size=1000)
        return
    meta = model._meta
    fields: list[Any] = [meta.pk, *(meta.get_field(name) for name in names)]
    quote = connection.ops.quote_name
    column = [quote(field.column) for field in fields]
    marks = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in fields) + ")"
    table, pk = quote(meta.db_table), column[0]
    assignments = ", ".join(f"{name} = v.{name}" for name in column[1:])
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            batch = objects[start : start + batch_size]
            params = [
                field.get_db_prep_save(getattr(obj, field.attname), connection)
                for obj in batch
                for field in fields
            ]
            cursor.execute(
                f"UPDATE {table} SET {assignments} "  # noqa: S608 - names from the model
                f"FROM (VALUES {', '.join([marks] * len(batch))}) AS v ({', '.join(column)}) "
                f"WHERE {table}.{pk} = v.{pk}",
                params,
            )
