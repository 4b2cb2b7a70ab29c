"""Issue 17: no migration locks a large table for long without saying so.

A migration (other than an app's 0001, whose tables start empty) that adds an index to a
large table must either build it with AddIndexConcurrently or be listed, with its cost, in
docs/deployment.md ("Migrations and locks").
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations
from django.db.migrations.loader import MigrationLoader

from hersteld.core.migration_ops import AddIndexOnline

DOC = Path(__file__).resolve().parents[1] / "docs" / "deployment.md"
# The tables that grow with the population (the same list as docs/deployment.md).
LARGE = {
    "people_employee",
    "people_employment",
    "absence_absencecase",
    "absence_recovery",
    "absence_casenote",
    "poortwachter_todo",
    "poortwachter_notification",
    "core_auditevent",
    "core_accessevent",
    "exchange_inboxmessage",
    "exchange_outboxmessage",
}


def table(app_label: str, model_name: str) -> str:
    try:
        return str(apps.get_model(app_label, model_name)._meta.db_table)
    except LookupError:
        return f"{app_label}_{model_name.lower()}"


def adds_an_index(operation: object) -> str | None:
    """The model whose table gets a new index by this operation, if any."""
    if isinstance(operation, AddIndexConcurrently | AddIndexOnline):
        return None
    if isinstance(operation, migrations.AddIndex | migrations.AddConstraint):
        return operation.model_name
    if isinstance(operation, migrations.AddField | migrations.AlterField):
        field = operation.field
        if field.db_index or field.unique:
            return operation.model_name
    return None


def offenders() -> list[str]:
    found = []
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        if name.startswith("0001") or not migration.__module__.startswith("hersteld."):
            continue
        for operation in migration.operations:
            model = adds_an_index(operation)
            if model and table(app_label, model) in LARGE:
                found.append(f"{app_label}.{name}")
    return sorted(set(found))


def test_every_index_on_a_large_table_is_concurrent_or_documented() -> None:
    doc = DOC.read_text()
    undocumented = [name for name in offenders() if f"`{name}`" not in doc]
    assert undocumented == []


def test_the_check_finds_the_documented_foreign_key() -> None:
    # absence.0003 adds a foreign key (an index) to the cases: the check must see it.
    assert "absence.0003_same_cause_and_planned_start" in offenders()


def test_the_large_tables_are_named_in_the_documentation() -> None:
    doc = DOC.read_text()
    assert [name for name in sorted(LARGE) if f"`{name}`" not in doc] == []
