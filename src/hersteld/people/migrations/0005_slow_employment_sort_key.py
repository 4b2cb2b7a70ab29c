"""The employment list's sort key on the employment itself (the person's surname, initials).

people_employment is a big table (100,000 rows at a large arbodienst):
- the two columns come with a constant default, which PostgreSQL adds without a rewrite;
- one UPDATE copies the names from the people (row locks only, no table lock; a few
  seconds at 100,000 rows);
- the two indexes are built CONCURRENTLY on PostgreSQL, so writes go on meanwhile; hence
  this migration is not atomic. On SQLite they are plain CREATE INDEX.
"""

from django.db import migrations, models

from hersteld.core.migration_ops import AddIndexOnline

FILL = """
UPDATE people_employment SET
    employee_surname = (SELECT surname FROM people_employee WHERE people_employee.id = employee_id),
    employee_initials = (SELECT initials FROM people_employee WHERE people_employee.id = employee_id)
"""


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("organisations", "0002_arbodienst_consult_planning_week_and_more"),
        ("people", "0004_slow_employee_bsn_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="employment",
            name="employee_initials",
            field=models.CharField(default="", editable=False, max_length=12),
        ),
        migrations.AddField(
            model_name="employment",
            name="employee_surname",
            field=models.CharField(default="", editable=False, max_length=120),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop, elidable=False),
        AddIndexOnline(
            model_name="employment",
            index=models.Index(
                fields=["employee_surname", "employee_initials", "personnel_number", "id"],
                name="employment_sort",
            ),
        ),
        AddIndexOnline(
            model_name="employment",
            index=models.Index(
                fields=[
                    "employer",
                    "employee_surname",
                    "employee_initials",
                    "personnel_number",
                    "id",
                ],
                name="employment_employer_sort",
            ),
        ),
    ]
