"""The API of the proposals from couplings (review tasks): the portal's *Voorstellen* as data.

A casemanager's tool works the same queue as the portal, with the same decision
(services.decide): a correction it accepts is applied to the case, one it rejects is not, a
proposal decided once cannot be decided again. Without `exchange.review` anywhere a list is
403 and a proposal 404; another arbodienst's proposal does not exist (404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from hersteld.absence.models import AbsenceCase
from hersteld.accounts.models import User
from hersteld.api.router import api as ninja_api
from hersteld.core.models import AuditEvent
from hersteld.exchange.models import ReviewKind, ReviewStatus, ReviewTask
from hersteld.people.models import Employee
from tests.support.clients import ApiClient
from tests.support.exchange import Coupled, absence, job, message, person

pytestmark = pytest.mark.django_db

JSON = "application/json"
ApiAs = Callable[[User], ApiClient]


@pytest.fixture
def propose(coupled: Coupled, django_capture_on_commit_callbacks: Any) -> Callable[..., ReviewTask]:
    """A sick report from 3 March through the coupling, then report 2 correcting its first
    day: with the manual policy (the default) that correction becomes an open proposal."""

    def make(n: int = 1, first_day: str = "2025-02-27") -> ReviewTask:
        who = person(f"W-{n}", surname=f"Voorstel{n}")
        where = job(f"D-{n}")
        for ref, mutation in (
            (f"S-{n}", absence("sick_report", 1, absence_id=f"V-{n}")),
            (f"C-{n}", absence("correction", 2, absence_id=f"V-{n}", first_day=first_day)),
        ):
            body = message(ref, [{"employee": who, "employment": where, "absence": mutation}])
            with django_capture_on_commit_callbacks(execute=True):
                assert coupled.send(body, JSON).status_code == 202
        return ReviewTask.objects.get(kind=ReviewKind.CORRECTION, external_key=f"V-{n}")

    return make


def first_day(review: ReviewTask) -> dt.date:
    assert review.case_id is not None
    return AbsenceCase.objects.get(pk=review.case_id).first_day


def test_a_casemanager_lists_the_open_proposals_of_his_arbodienst(
    world: Any, api_as: ApiAs, propose: Callable[..., ReviewTask]
) -> None:
    older, newer = propose(1), propose(2)
    client = api_as(world.casemanager)
    listing = client.get("/api/v1/exchange/reviews")
    assert listing.status_code == 200, listing.content
    body = listing.json()
    # The portal's queue: open ones by default, oldest first.
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [older.pk, newer.pk]
    assert body["items"][0]["kind"] == "correction" and body["items"][0]["status"] == "open"

    client.post(f"/api/v1/exchange/reviews/{older.pk}/reject", {})
    assert [i["id"] for i in client.get("/api/v1/exchange/reviews").json()["items"]] == [newer.pk]
    rejected = client.get("/api/v1/exchange/reviews", status="rejected").json()["items"]
    assert [item["id"] for item in rejected] == [older.pk]
    assert client.get("/api/v1/exchange/reviews", status="applied").json()["items"] == []
    unknown = client.get("/api/v1/exchange/reviews", status="maybe")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "status"


def test_a_proposal_shows_what_the_portal_shows_the_person_deciding(
    world: Any, api_as: ApiAs, coupled: Coupled, propose: Callable[..., ReviewTask]
) -> None:
    review = propose()
    case = AbsenceCase.objects.select_related("employment__employee").get(pk=review.case_id)
    answer = api_as(world.casemanager).get(f"/api/v1/exchange/reviews/{review.pk}")
    assert answer.status_code == 200, answer.content
    shown = answer.json()
    assert shown["kind"] == "correction" and shown["status"] == "open"
    assert shown["employer_id"] == world.employer.pk
    assert shown["employer_name"] == world.employer.name
    assert shown["coupling_id"] == coupled.coupling.pk
    assert shown["source_system"] == coupled.coupling.source_system
    assert shown["message_ref"] == "C-1" and shown["external_key"] == "V-1"
    assert shown["case_id"] == case.pk and shown["employment_id"] == case.employment_id
    assert shown["employee_id"] == case.employment.employee_id
    assert shown["employee_name"] == case.employment.employee.display_name
    assert shown["decided_at"] is None and shown["decided_by"] is None
    fields = {row["field"]: row for row in shown["fields"]}
    assert fields["first_day"] == {
        "field": "first_day",
        "current": "2025-03-03",
        "proposed": "2025-02-27",
        "changed": True,
    }
    # Only the values set side by side on the portal page: no bookkeeping, nothing more.
    assert set(fields) == {"first_day", "sick_percentage", "safety_net", "status"}
    assert not fields["status"]["changed"]
    assert set(shown) == {
        "id",
        "kind",
        "status",
        "employer_id",
        "employer_name",
        "coupling_id",
        "source_system",
        "message_ref",
        "external_key",
        "case_id",
        "employment_id",
        "employee_id",
        "employee_name",
        "fields",
        "created_at",
        "decided_at",
        "decided_by",
    }


def test_accepting_applies_the_correction_as_the_portal_does(
    world: Any, api_as: ApiAs, propose: Callable[..., ReviewTask]
) -> None:
    review = propose()
    assert first_day(review) == dt.date(2025, 3, 3)
    User.objects.filter(pk=world.casemanager.pk).update(first_name="Carla", last_name="Casus")
    answer = api_as(world.casemanager).post(f"/api/v1/exchange/reviews/{review.pk}/accept", {})
    assert answer.status_code == 200, answer.content
    decided = answer.json()
    assert decided["status"] == "applied"
    assert decided["decided_by"] == "Carla Casus" and decided["decided_at"] is not None
    assert first_day(review) == dt.date(2025, 2, 27)
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPLIED and review.decided_by_id == world.casemanager.pk
    # Audited as the portal's decision is, through the API channel.
    event = AuditEvent.objects.filter(
        object_type="exchange.reviewtask", object_id=str(review.pk)
    ).get()
    assert event.changes == {"status": ["open", "applied"]} and event.channel == "api"


def test_rejecting_applies_nothing(
    world: Any, api_as: ApiAs, propose: Callable[..., ReviewTask]
) -> None:
    accepted, rejected = propose(1), propose(2)
    client = api_as(world.casemanager)
    assert client.post(f"/api/v1/exchange/reviews/{accepted.pk}/accept", {}).status_code == 200
    answer = client.post(f"/api/v1/exchange/reviews/{rejected.pk}/reject", {})
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "rejected"
    assert first_day(rejected) == dt.date(2025, 3, 3)
    assert first_day(accepted) == dt.date(2025, 2, 27)


@pytest.mark.parametrize("again", ["accept", "reject"])
def test_a_proposal_is_decided_once(
    world: Any, api_as: ApiAs, propose: Callable[..., ReviewTask], again: str
) -> None:
    review = propose()
    client = api_as(world.casemanager)
    assert client.post(f"/api/v1/exchange/reviews/{review.pk}/reject", {}).status_code == 200
    review.refresh_from_db()
    before = (review.status, review.decided_at, review.decided_by_id)
    events = AuditEvent.objects.count()

    refused = client.post(f"/api/v1/exchange/reviews/{review.pk}/{again}", {})
    assert refused.status_code == 422, refused.content
    [error] = refused.json()["errors"]
    assert error["code"] == "review_decided" and error["message"]
    review.refresh_from_db()
    assert (review.status, review.decided_at, review.decided_by_id) == before
    assert first_day(review) == dt.date(2025, 3, 3)
    assert AuditEvent.objects.count() == events


def test_hr_and_another_arbodienst_neither_see_nor_decide(
    world: Any, api_as: ApiAs, propose: Callable[..., ReviewTask]
) -> None:
    review = propose()
    one = f"/api/v1/exchange/reviews/{review.pk}"
    # HR holds exchange.review nowhere: the list is refused, a proposal does not exist.
    hr = api_as(world.hr)
    assert hr.get("/api/v1/exchange/reviews").status_code == 403
    assert hr.get(one).status_code == 404
    assert hr.post(f"{one}/accept", {}).status_code == 404
    # Another arbodienst's casemanager may review, but this proposal is not in his scope.
    outsider = api_as(world.other_casemanager)
    listing = outsider.get("/api/v1/exchange/reviews")
    assert listing.status_code == 200 and listing.json() == {"items": [], "count": 0}
    assert outsider.get(one).status_code == 404
    assert outsider.post(f"{one}/accept", {}).status_code == 404
    assert outsider.post(f"{one}/reject", {}).status_code == 404
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN and first_day(review) == dt.date(2025, 3, 3)


def test_accepting_a_merge_links_the_person_and_applies_the_message(
    world: Any,
    api_as: ApiAs,
    coupled: Coupled,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A person sent by the coupling looks like one entered by hand: same person, one row."""
    manual = world.hire(surname="Handmatig")
    employee = manual.employee
    twin = person(
        "W-77",
        surname=employee.surname,
        initials=employee.initials,
        birth_date=employee.birth_date.isoformat(),
    )
    body = message("M-1", [{"employee": twin, "employment": job("D-77", department_code="BAK")}])
    with django_capture_on_commit_callbacks(execute=True):
        coupled.send(body, JSON)
    review = ReviewTask.objects.get(kind=ReviewKind.MERGE)
    client = api_as(world.casemanager)
    shown = client.get(f"/api/v1/exchange/reviews/{review.pk}").json()
    assert shown["kind"] == "merge" and shown["employee_id"] == employee.pk
    assert shown["case_id"] is None and shown["employment_id"] is None
    fields = {row["field"]: row for row in shown["fields"]}
    # The message's item number is bookkeeping: the portal does not show it, nor does the API.
    assert "item" in review.proposed and "item" not in fields
    surname = fields["surname"]
    assert surname["current"] == surname["proposed"] == employee.surname
    people = Employee.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/api/v1/exchange/reviews/{review.pk}/accept", {})
    assert answer.status_code == 200 and answer.json()["status"] == "applied"
    assert Employee.objects.count() == people
    assert employee.employments.filter(personnel_number="PD-77").exists()


def test_the_openapi_documents_the_answers_of_the_proposal_operations() -> None:
    paths = ninja_api.get_openapi_schema()["paths"]
    for path, method, answers in [
        ("/api/v1/exchange/reviews", "get", {"200", "401", "403", "422"}),
        ("/api/v1/exchange/reviews/{review_id}", "get", {"200", "401", "403", "404", "422"}),
        (
            "/api/v1/exchange/reviews/{review_id}/accept",
            "post",
            {"200", "401", "403", "404", "422"},
        ),
        (
            "/api/v1/exchange/reviews/{review_id}/reject",
            "post",
            {"200", "401", "403", "404", "422"},
        ),
    ]:
        assert answers <= {str(code) for code in paths[path][method]["responses"]}, path
    status = next(
        p for p in paths["/api/v1/exchange/reviews"]["get"]["parameters"] if p["name"] == "status"
    )
    assert "open" in str(status["schema"]) and "rejected" in str(status["schema"])


def test_the_status_filter_knows_every_status() -> None:
    from typing import get_args

    from hersteld.exchange.api import ReviewStatusCode

    assert set(get_args(ReviewStatusCode)) == set(ReviewStatus.values)
