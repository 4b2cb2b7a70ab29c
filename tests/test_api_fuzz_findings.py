"""Server errors that schemathesis found against the demo's OpenAPI, each pinned (E2).

Run again with the recipe in docs/development.md ("Probing the API"); every 500 it finds
gets a test here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hersteld.accounts.models import ApiToken
from tests.support.world import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_huge_page_with_unknown_query_parameters_answers_an_empty_page(world, api_as) -> None:
    """Found: GET /departments?page=3479154562773663744 (the offset overflowed SQLite)."""
    response = api_as(world.casemanager).client.get(
        "/api/v1/departments?%C2%B4%C2%B2.%C2%80=__main__&page=3479154562773663744&x=1490"
    )
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize("password", [PASSWORD, "wrong"])
def test_a_token_request_with_an_unreadable_body_is_refused_before_the_password_check(
    named_world, password: str
) -> None:
    """Found: multipart/form-data without boundary at /auth/token answered 500.

    The lock-out reads the form body to record a failed attempt; it must not be possible to
    try passwords in a way the lock-out cannot record, so the request is refused first.
    """
    tokens = ApiToken.objects.count()
    response = Client().post(
        "/api/v1/auth/token",
        f'{{"username": "hr", "password": "{password}"}}',
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "De inhoud van het verzoek is niet te lezen.",
        "errors": [],
    }
    assert ApiToken.objects.count() == tokens


def test_a_body_over_the_upload_limit_answers_413_in_the_error_shape(
    world, api_as, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_as(world.casemanager).post("/api/v1/privacy/scan-text", {"text": "x" * 2000})
    assert response.status_code == 413
    assert response.json() == {"detail": "Het verzoek is te groot.", "errors": []}


@pytest.mark.parametrize(
    "value", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "0001-01-01T00:00:00"]
)
@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/{name}"
        for name in ("employers", "departments", "employees", "employments", "cases")
    ],
)
def test_a_changed_after_at_the_end_of_the_calendar_is_refused(
    world, api_as, path: str, value: str
) -> None:
    """Found: the conversion to UTC of year 9999 minus 23:59 or year 1 plus 23:59 overflowed."""
    response = api_as(world.casemanager).get(path, changed_after=value)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "changed_after",
            "code": "date_out_of_range",
            "message": "changed_after moet in de jaren 1900-2199 liggen.",
        }
    ]


@pytest.mark.parametrize(
    ("first_day", "expected_delivery"),
    [("9999-12-01", "9999-12-31"), ("0001-01-01", "0001-01-02"), ("2026-11-01", "9999-12-31")],
)
def test_a_pregnancy_leave_at_the_end_of_the_calendar_is_refused(
    world, api_as, first_day: str, expected_delivery: str
) -> None:
    """Found: the flex window (weeks before the day after the delivery) overflowed."""
    employment = world.hire()
    response = api_as(world.hr).post(
        "/api/v1/cases",
        {
            "employment_id": employment.pk,
            "kind": "pregnancy_leave",
            "first_day": first_day,
            "expected_delivery": expected_delivery,
        },
    )
    assert response.status_code == 422
    codes = {error["code"] for error in response.json()["errors"]}
    assert codes == {"date_out_of_range"}
    assert not employment.cases.exists()


def test_a_date_at_the_edge_of_the_range_is_accepted(world, api_as) -> None:
    response = api_as(world.casemanager).get(
        "/api/v1/employments", changed_after="2199-12-31T23:59:59+01:00"
    )
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("offset", ["+22:41", "-23:59", "+16:00"])
def test_a_changed_after_with_a_large_offset_is_read_as_that_moment(
    world, api_as, offset: str
) -> None:
    """Found by schemathesis on PostgreSQL: an offset beyond 15:59 (valid ISO 8601) was a 500."""
    employer = world.employer
    for value, holds in (("2000-01-01T00:00:00", True), ("2199-01-01T00:00:00", False)):
        response = api_as(world.casemanager).get("/api/v1/employers", changed_after=value + offset)
        assert response.status_code == 200
        ids = {item["id"] for item in response.json()["items"]}
        assert (employer.pk in ids) == holds


def test_a_nul_character_in_a_body_text_is_refused(world, api_as) -> None:
    """PostgreSQL cannot store NUL in text (500 there, not on SQLite): refused for every body."""
    response = api_as(world.casemanager).post("/api/v1/privacy/scan-text", {"text": "rug\x00pijn"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "text",
            "code": "string_nul",
            "message": "text bevat het teken NUL; dat is niet toegestaan.",
        }
    ]


@pytest.mark.parametrize(
    "path", [f"/api/v1/{name}" for name in ("employers", "employees", "employments", "cases")]
)
def test_a_nul_character_in_a_search_is_refused(world, api_as, path: str) -> None:
    response = api_as(world.casemanager).get(path, search="bak\x00ker")
    assert response.status_code == 422
    assert [e["code"] for e in response.json()["errors"]] == ["string_nul"]
