"""Indexes for reading a tenant's log chain in order (hersteld.core.chain).

The log tables are the largest of an installation: on PostgreSQL the indexes are built
CONCURRENTLY (writes go on), hence not atomic.
"""

from django.db import migrations, models

from hersteld.core.migration_ops import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("core", "0002_log_chain"),
    ]

    operations = [
        AddIndexOnline(
            model_name="accessevent",
            index=models.Index(
                fields=["arbodienst", "seal_seq"], name="core_access_arbodie_ba578c_idx"
            ),
        ),
        AddIndexOnline(
            model_name="auditevent",
            index=models.Index(
                fields=["arbodienst", "seal_seq"], name="core_audite_arbodie_1e2660_idx"
            ),
        ),
    ]
