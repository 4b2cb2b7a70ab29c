"""The log tables lose the single-column indexes of `arbodienst` and `employee`.

Each is the first column of a composite index (`(arbodienst, seal_seq)`, `(employee,
created_at)`) that serves the same look-ups, so every audit and access row wrote two
indexes for nothing (ADR 0026, measured with the bulk import). On PostgreSQL the indexes
are dropped CONCURRENTLY, hence not atomic; nothing is rebuilt.
"""

import django.db.models.deletion
from django.db import migrations, models

from hersteld.core.migration_ops import DropForeignKeyIndexOnline


def foreign_key(to: str) -> models.ForeignKey:
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        db_index=False,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to=to,
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("core", "0007_audit_action_anonymise"),
        ("organisations", "0001_initial"),
        ("people", "0008_employee_legal_hold"),
    ]

    operations = [
        DropForeignKeyIndexOnline(
            model_name=model,
            name=name,
            field=foreign_key(to),
        )
        for model in ("accessevent", "auditevent")
        for name, to in (
            ("arbodienst", "organisations.arbodienst"),
            ("employee", "people.employee"),
        )
    ]
