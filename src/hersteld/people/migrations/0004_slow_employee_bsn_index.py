"""An index on (employer, bsn) for the bulk import's one BSN lookup per chunk.

Built CONCURRENTLY on PostgreSQL (people_employee is a big table; writes go on while it
builds), hence not atomic; a plain CREATE INDEX on SQLite.
"""

from django.db import migrations, models

from hersteld.core.migration_ops import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("people", "0003_kluis_sealed"),
    ]

    operations = [
        AddIndexOnline(
            model_name="employee",
            index=models.Index(fields=["employer", "bsn"], name="employee_employer_bsn"),
        ),
    ]
