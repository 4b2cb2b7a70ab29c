"""The change feed (X8): every change once, in commit order, after a cursor; scoped like the rest."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from hersteld.absence import services as absence_services
from hersteld.exchange import feed
from hersteld.exchange.models import Change
from hersteld.people import services as people_services


def read_all(client: Any, limit: int = 3, cursor: str = "0") -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    while True:
        page = client.get("/api/v1/exchange/changes", cursor=cursor, limit=limit).json()
        seen.extend(page["changes"])
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return seen


@pytest.mark.django_db
def test_every_write_appears_once_in_order_across_pages(
    world: Any, api_as: Callable[[Any], Any], today: Any
) -> None:
    client = api_as(world.hr)
    start = client.get("/api/v1/exchange/changes", cursor="0", limit=1000).json()
    cursor = str(max([c["seq"] for c in start["changes"]], default=0))
    actor = world.hr
    people_services.update_employee(
        actor=actor, employee_id=world.own_employee.pk, data={"first_name": "Feedtest"}
    )
    case = world.report_sick(first_day=today, actor=actor)
    absence_services.add_note(actor=actor, case_id=case.pk, text="Gebeld, gaat redelijk.")
    seen = read_all(client, limit=1, cursor=cursor)
    kinds = [(c["type"], c["action"]) for c in seen]
    assert kinds == [("employee", "update"), ("case", "create")]  # a note is not in the feed
    assert seen[0]["fields"] == ["first_name"] and seen[1]["id"] == case.pk
    seqs = [c["seq"] for c in seen]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


@pytest.mark.django_db
def test_the_feed_is_scoped_like_every_other_read(world: Any, api_as: Callable[[Any], Any]) -> None:
    """Each reader sees the changes of its own employer or arbodienst, and only those."""
    world.hire(world.other_department, surname="Anders")
    world.hire(world.foreign_department, surname="Elders")
    people_services.update_employee(
        actor=world.hr, employee_id=world.own_employee.pk, data={"first_name": "Ander"}
    )
    other_employer = read_all(api_as(world.other_hr), limit=1000)
    assert {c["employer_id"] for c in other_employer} == {world.other_employer.pk}
    other_tenant = read_all(api_as(world.other_casemanager), limit=1000)
    assert {c["employer_id"] for c in other_tenant} == {world.foreign_employer.pk}
    own = read_all(api_as(world.casemanager), limit=1000)
    assert {c["employer_id"] for c in own} == {world.employer.pk, world.other_employer.pk}
    assert ["first_name"] in [c["fields"] for c in own if c["employee_id"] == world.own_employee.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["abc", "-1", "99999999999999999999999"])
def test_a_bad_cursor_is_refused_with_the_field(
    world: Any, api_as: Callable[[Any], Any], cursor: str
) -> None:
    response = api_as(world.hr).get("/api/v1/exchange/changes", cursor=cursor)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


@pytest.mark.django_db
def test_the_feed_uses_a_fixed_number_of_queries(
    world: Any, api_as: Callable[[Any], Any], django_assert_max_num_queries: Any
) -> None:
    """More changes than the query budget, of every type: a query per change would show."""
    world.busy()
    client = api_as(world.casemanager)
    with django_assert_max_num_queries(8):
        page = client.get("/api/v1/exchange/changes", cursor="0", limit=1000).json()
    assert len(page["changes"]) > 8
    assert {c["type"] for c in page["changes"]} == {"employee", "employment", "case", "recovery"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_numbers_are_handed_out_in_commit_order_under_concurrent_writes() -> None:
    """A second writer waits until the first commits, so a reader never skips a change."""
    first_has_number = threading.Event()
    let_first_commit = threading.Event()
    numbers: dict[str, int] = {}

    def first() -> None:
        with transaction.atomic():
            numbers["first"] = feed.next_numbers(1)[0]
            first_has_number.set()
            let_first_commit.wait(10)
        connection.close()

    def second() -> None:
        first_has_number.wait(10)
        with transaction.atomic():
            numbers["second"] = feed.next_numbers(1)[0]
        connection.close()

    with transaction.atomic():
        feed.next_numbers(0)  # make sure the counter row exists before the race
    one, two = threading.Thread(target=first), threading.Thread(target=second)
    one.start()
    two.start()
    two.join(1.0)
    assert two.is_alive(), "the second writer must wait for the first to commit"
    let_first_commit.set()
    one.join(10)
    two.join(10)
    assert numbers["second"] == numbers["first"] + 1
    assert not Change.objects.filter(seq__in=numbers.values()).exists()


@pytest.mark.django_db
def test_an_employer_does_not_learn_of_staff_only_fields_through_the_feed(
    world: Any, api_as: Callable[[Any], Any], today: Any
) -> None:
    staff = world.casemanager
    case = world.report_sick(first_day=today, actor=staff, safety_net=True)
    cursor = str(Change.objects.filter(object_type="case", object_id=case.pk).get().seq)
    absence_services.correct_case(
        actor=staff,
        case_id=case.pk,
        data={"safety_net_category": "pregnancy", "reason": "Categorie vastgelegd."},
    )
    # A change the employer may see, so its view below is not empty.
    people_services.update_employee(
        actor=world.hr, employee_id=world.own_employee.pk, data={"phone": "0307654321"}
    )
    staff_view = read_all(api_as(staff), cursor=cursor)
    assert [c["fields"] for c in staff_view if c["type"] == "case"] == [["safety_net_category"]]
    employer_view = read_all(api_as(world.hr), cursor=cursor)
    assert [(c["type"], c["fields"]) for c in employer_view] == [("employee", ["phone"])]
