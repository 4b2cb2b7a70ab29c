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
from hersteld.people.models import Employment


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
    api: Callable[[str], Any], persona: Callable[[str], Any], today: Any
) -> None:
    client = api("hr.devries")
    start = client.get("/api/v1/exchange/changes", cursor="0", limit=1000).json()
    cursor = str(max([c["seq"] for c in start["changes"]], default=0))
    employment = Employment.objects.filter(
        employer__name="Bakkerij De Vries", end_date=None
    ).first()
    assert employment is not None
    actor = persona("hr.devries")
    people_services.update_employee(
        actor=actor, employee_id=employment.employee_id, data={"first_name": "Feedtest"}
    )
    case = absence_services.add_case(
        actor=actor, employment_id=employment.pk, kind="sickness", data={"first_day": today}
    )
    absence_services.add_note(actor=actor, case_id=case.pk, text="Gebeld, gaat redelijk.")
    seen = read_all(client, limit=1, cursor=cursor)
    kinds = [(c["type"], c["action"]) for c in seen]
    assert kinds == [("employee", "update"), ("case", "create")]  # a note is not in the feed
    assert seen[0]["fields"] == ["first_name"] and seen[1]["id"] == case.pk
    seqs = [c["seq"] for c in seen]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


@pytest.mark.django_db
def test_the_feed_is_scoped_like_every_other_read(
    api: Callable[[str], Any], persona: Callable[[str], Any]
) -> None:
    employment = Employment.objects.filter(employer__name="Bakkerij De Vries").first()
    assert employment is not None
    people_services.update_employee(
        actor=persona("hr.devries"),
        employee_id=employment.employee_id,
        data={"first_name": "Ander"},
    )
    other_employer = read_all(api("hr.jansen"), limit=1000)
    assert other_employer, "nothing to check"
    assert all(c["employer_id"] != employment.employer_id for c in other_employer)
    other_tenant = read_all(api("casemanager.zuid"), limit=1000)
    assert other_tenant, "nothing to check"
    assert all(c["employer_id"] != employment.employer_id for c in other_tenant)
    own = read_all(api("casemanager.noord"), limit=1000)
    assert any(c["employee_id"] == employment.employee_id for c in own)


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["abc", "-1", "99999999999999999999999"])
def test_a_bad_cursor_is_refused_with_the_field(api: Callable[[str], Any], cursor: str) -> None:
    response = api("hr.devries").get("/api/v1/exchange/changes", cursor=cursor)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


@pytest.mark.django_db
def test_the_feed_uses_a_fixed_number_of_queries(
    api: Callable[[str], Any], django_assert_max_num_queries: Any
) -> None:
    client = api("casemanager.noord")
    with django_assert_max_num_queries(8):
        client.get("/api/v1/exchange/changes", cursor="0", limit=1000)


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
    api: Callable[[str], Any], persona: Callable[[str], Any], today: Any
) -> None:
    employment = Employment.objects.filter(
        employer__name="Bakkerij De Vries", end_date=None
    ).first()
    assert employment is not None
    staff = persona("casemanager.noord")
    case = absence_services.add_case(
        actor=staff,
        employment_id=employment.pk,
        kind="sickness",
        data={"first_day": today, "safety_net": True},
    )
    cursor = str(Change.objects.filter(object_type="case", object_id=case.pk).get().seq)
    absence_services.correct_case(
        actor=staff,
        case_id=case.pk,
        data={"safety_net_category": "pregnancy", "reason": "Categorie vastgelegd."},
    )
    staff_view = read_all(api("casemanager.noord"), cursor=cursor)
    assert [c["fields"] for c in staff_view if c["type"] == "case"] == [["safety_net_category"]]
    employer_view = read_all(api("hr.devries"), cursor=cursor)
    assert not [c for c in employer_view if c["type"] == "case"]
    assert all("safety_net_category" not in c["fields"] for c in employer_view)
