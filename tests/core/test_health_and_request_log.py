"""Issue 17: `/health` answers for a load balancer, and every request leaves one JSON line
with the route's pattern, never the path's ids or the query string."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from hersteld.core import health

pytestmark = pytest.mark.django_db


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(record.getMessage()))


@pytest.fixture
def request_log() -> Iterator[Lines]:
    logger = logging.getLogger("hersteld.requests")
    handler = Lines()
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def test_health_answers_200_with_each_check(client: Client, settings) -> None:
    settings.CELERY_BROKER_URL = ""
    response = client.get("/health")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "broker": "not configured"},
    }


def test_health_answers_503_when_a_migration_is_not_applied(client: Client, monkeypatch) -> None:
    release = health._release_migrations() | {("people", "9999_not_applied")}
    monkeypatch.setattr(health, "_release_migrations", lambda: release)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["migrations"] == "failed"


def test_health_answers_503_when_the_broker_does_not_answer(client: Client, settings) -> None:
    # Port 9 (discard) on loopback: nothing listens there, the connection is refused.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"] == {"database": "ok", "migrations": "ok", "broker": "failed"}
    assert "127.0.0.1" not in response.content.decode()


def test_health_is_reached_over_plain_http_when_https_is_forced(client: Client, settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.CELERY_BROKER_URL = ""
    assert client.get("/health").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_a_request_logs_one_line_with_the_route_pattern(request_log: Lines, world, sign_in) -> None:
    client = sign_in(world.hr)
    employee = world.colleague_employment.employee
    response = client.get(f"/employees/{employee.pk}/?q=Jansen&bsn=111222333")
    assert len(request_log.lines) == 1
    line = request_log.lines[0]
    assert set(line) == {
        "time",
        "method",
        "route",
        "status",
        "duration_ms",
        "user_id",
        "request_id",
    }
    assert line["method"] == "GET"
    assert line["route"] == "/employees/<int:pk>/"
    assert line["status"] == response.status_code == 200
    assert line["user_id"] == world.hr.pk
    assert line["request_id"] == response["X-Request-ID"]
    assert isinstance(line["duration_ms"], float)
    text = json.dumps(line)
    assert "Jansen" not in text and "111222333" not in text and f"/{employee.pk}/" not in text


def test_an_anonymous_or_unmatched_request_logs_no_user(request_log: Lines, client: Client) -> None:
    client.get("/no/such/page?email=a@example.org")
    client.get("/api/v1/employees/12345")
    unmatched, api = request_log.lines
    assert unmatched["route"] == "<unmatched>" and unmatched["status"] == 404
    assert unmatched["user_id"] is None
    assert api["route"] == "/api/v1/employees/<employee_id>" and api["status"] == 401
    assert "12345" not in json.dumps(api)
