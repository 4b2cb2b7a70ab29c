"""Migration operations that keep big tables writable while they change.

Creating an index takes a lock that blocks writes until the index is built; on a table of
100,000 employments that is seconds of a frozen portal. On PostgreSQL these operations build
the index CONCURRENTLY (writes go on; the migration must be `atomic = False`); on SQLite,
which has no such thing and holds small databases, they are the plain operations.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations


class AddIndexOnline(migrations.AddIndex):
    """`AddIndex`, built with CREATE INDEX CONCURRENTLY on PostgreSQL."""

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            online = AddIndexConcurrently(self.model_name, self.index)
            online.database_forwards(app_label, schema_editor, *args)
        else:
            super().database_forwards(app_label, schema_editor, *args)

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            online = AddIndexConcurrently(self.model_name, self.index)
            online.database_backwards(app_label, schema_editor, *args)
        else:
            super().database_backwards(app_label, schema_editor, *args)


class DropForeignKeyIndexOnline(migrations.AlterField):
    """`AlterField` to a foreign key without its own index (`db_index=False`), dropping only
    that index: DROP INDEX CONCURRENTLY on PostgreSQL (the migration must be `atomic =
    False`), a plain DROP INDEX on SQLite. The table is neither rebuilt nor locked, where a
    plain `AlterField` rebuilds the whole table on SQLite."""

    def _index(self, app_label: str, schema_editor: Any, state: Any) -> tuple[str, str, str]:
        model = state.apps.get_model(app_label, self.model_name)
        column = model._meta.get_field(self.name).column
        table = model._meta.db_table
        name = schema_editor._create_index_name(table, [column], suffix="")
        quote = schema_editor.quote_name
        return quote(name), quote(table), quote(column)

    def _online(self, schema_editor: Any) -> str:
        return "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        name, _table, _column = self._index(app_label, schema_editor, from_state)
        schema_editor.execute(f"DROP INDEX {self._online(schema_editor)}IF EXISTS {name}")

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        name, table, column = self._index(app_label, schema_editor, to_state)
        schema_editor.execute(
            f"CREATE INDEX {self._online(schema_editor)}IF NOT EXISTS {name} ON {table} ({column})"
        )
