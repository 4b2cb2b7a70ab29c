"""`POST /api/v1/privacy/scan-text`: any signed-in user may check a text.

See feature P8 in docs/features.md and docs/rules/privacy.md.
"""

from __future__ import annotations

from typing import Any

from django.test import Client

URL = "/api/v1/privacy/scan-text"


def test_an_employer_user_gets_the_findings(world, api_as) -> None:
    response = api_as(world.hr).post(URL, {"text": "Jan heeft een hernia, met hartelijke groet"})
    assert response.status_code == 200
    assert response.json() == {
        "findings": [
            {
                "term": "een hernia",
                "start": 10,
                "end": 20,
                "category": "diagnosis",
                "suggestion": "klachten",
            }
        ]
    }


def test_a_clean_text_has_no_findings(world, api_as) -> None:
    response = api_as(world.hr).post(URL, {"text": "Verwacht volgende week terug."})
    assert response.status_code == 200
    assert response.json() == {"findings": []}


def test_without_a_token_the_answer_is_401(db: Any) -> None:
    response = Client().post(URL, {"text": "griep"}, content_type="application/json")
    assert response.status_code == 401


def test_a_missing_field_is_422(world, api_as) -> None:
    response = api_as(world.hr).post(URL, {})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["text"]


def test_an_unknown_field_is_422(world, api_as) -> None:
    response = api_as(world.hr).post(URL, {"text": "griep", "language": "nl"})
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("language", "extra_forbidden")
    ]


def test_a_text_over_20000_characters_is_422(world, api_as) -> None:
    client = api_as(world.hr)
    assert client.post(URL, {"text": "a" * 20_000}).status_code == 200
    response = client.post(URL, {"text": "a" * 20_001})
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("text", "string_too_long")
    ]
