"""The employment list sorts on the person's surname and initials as copied onto the
employment (issue 17): every way an employment or a name is written keeps the copy in step."""

from __future__ import annotations

from typing import Any

from hersteld.exchange import imports
from hersteld.people import selectors, services
from hersteld.people.models import Employment
from tests.support.exchange import csv_file, row
from tests.support.world import employment


def surnames(world: Any) -> list[str]:
    rows = selectors.employment_list(world.casemanager, employer_id=world.employer.pk)
    return [job.employee.surname for job in rows]


def test_the_list_follows_the_surname_and_a_rename(world: Any) -> None:
    employment(world.admin, world.sibling_department, "Zwart")
    aalders = employment(world.admin, world.sibling_department, "Aalders")
    assert surnames(world) == ["Aalders", "Collega", "Werknemer", "Zwart"]

    services.update_employee(
        actor=world.admin, employee_id=aalders.employee_id, data={"surname": "Xander"}
    )

    assert surnames(world) == ["Collega", "Werknemer", "Xander", "Zwart"]
    stored = Employment.objects.values_list("employee_surname", "employee_initials")
    assert stored.get(pk=aalders.pk) == ("Xander", "W.")


def test_initials_order_people_of_one_surname(world: Any) -> None:
    first = employment(world.admin, world.sibling_department, "Gelijk")
    second = employment(world.admin, world.sibling_department, "Gelijk")
    services.update_employee(
        actor=world.admin, employee_id=first.employee_id, data={"initials": "Z."}
    )
    services.update_employee(
        actor=world.admin, employee_id=second.employee_id, data={"initials": "A."}
    )

    rows = selectors.employment_list(world.casemanager, search="Gelijk")

    assert [job.pk for job in rows] == [second.pk, first.pk]


def test_the_bulk_import_writes_the_sort_key(world: Any) -> None:
    content = csv_file(
        row(1, achternaam="Bakker", afdeling="WINKEL"),
        row(2, achternaam="Aarts", voorletters="K.", afdeling="WINKEL"),
    )
    run = imports.start_run(employer=world.employer, user=None, filename="p.csv", content=content)
    assert imports.run_import(run, content, user=None).run.rows_created == 2

    stored = Employment.objects.filter(personnel_number__in=["IMP-1", "IMP-2"])
    assert sorted(stored.values_list("employee_surname", "employee_initials")) == [
        ("Aarts", "K."),
        ("Bakker", "J."),
    ]
    assert surnames(world)[:2] == ["Aarts", "Bakker"]
