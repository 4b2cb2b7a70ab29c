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
