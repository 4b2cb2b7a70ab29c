"""Server errors that schemathesis found against the demo's OpenAPI, each pinned (E2).

Run again with the recipe in docs/development.md ("Probing the API"); every 500 it finds
gets a test here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hersteld.accounts.models import ApiToken
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_a_huge_page_with_unknown_query_parameters_answers_an_empty_page(
    api: Callable[[str], Any],
) -> None:
    """Found: GET /departments?page=3479154562773663744 (the offset overflowed SQLite)."""
    response = api("casemanager.noord").client.get(
        "/api/v1/departments?%C2%B4%C2%B2.%C2%80=__main__&page=3479154562773663744&x=1490"
    )
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize("password", [DEMO_PASSWORD, "wrong"])
def test_a_token_request_with_an_unreadable_body_is_refused_before_the_password_check(
    password: str,
) -> None:
    """Found: multipart/form-data without boundary at /auth/token answered 500.

    The lock-out reads the form body to record a failed attempt; it must not be possible to
    try passwords in a way the lock-out cannot record, so the request is refused first.
    """
    tokens = ApiToken.objects.count()
    response = Client().post(
        "/api/v1/auth/token",
        f'{{"username": "hr.devries", "password": "{password}"}}',
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "De inhoud van het verzoek is niet te lezen.",
        "errors": [],
    }
    assert ApiToken.objects.count() == tokens


def test_a_body_over_the_upload_limit_answers_413_in_the_error_shape(
    api: Callable[[str], Any], settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api("casemanager.noord").post("/api/v1/privacy/scan-text", {"text": "x" * 2000})
    assert response.status_code == 413
    assert response.json() == {"detail": "Het verzoek is te groot.", "errors": []}
