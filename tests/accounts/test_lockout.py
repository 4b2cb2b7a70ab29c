"""Issue 11 S5: a lock cannot be stretched by trying during it; user name and IP address are
counted separately; an admin lifts a lock in his tenant. The clock is set, never slept on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from hersteld.accounts import services
from hersteld.core.models import AuditEvent
from tests.support.world import PASSWORD

# Log-in tests type user names: the world's users are named after their role here.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("named_world")]

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def at(self, minutes: float) -> None:
        self.now = START + dt.timedelta(minutes=minutes)


@pytest.fixture
def clock(monkeypatch, settings) -> Clock:
    """Every clock the lock-out reads: Django's and the names axes imported from it."""
    settings.LOCKOUT_TRIES = 5
    settings.LOCKOUT_IP_TRIES = 50
    settings.LOCKOUT_MINUTES = 15
    settings.AXES_COOLOFF_TIME = 15 / 60
    fake = Clock()
    monkeypatch.setattr(timezone, "now", fake)
    monkeypatch.setattr("axes.handlers.proxy.now", fake)
    monkeypatch.setattr("axes.attempts.now", fake)
    return fake


def log_in(username: str, password: str = PASSWORD, ip: str = "198.51.100.1") -> int:
    client = Client(REMOTE_ADDR=ip)
    return client.post("/accounts/login/", {"username": username, "password": password}).status_code


def test_trying_during_a_lock_does_not_extend_it(clock) -> None:
    for minute in range(5):  # failures at 09:00 .. 09:04: locked until 09:19
        clock.at(minute)
        log_in("other_hr", "fout")
    for minute in (5, 10, 15, 18.9):  # tries during the lock, with the right password too
        clock.at(minute)
        assert log_in("other_hr", "fout") == 429
        assert log_in("other_hr") == 429
    clock.at(19.1)
    assert log_in("other_hr") == 302


def test_the_lock_is_per_user_name_not_for_the_office(clock) -> None:
    for _ in range(5):
        log_in("other_hr", "fout")
    assert log_in("other_hr") == 429
    assert log_in("hr") == 302  # same office address, other user name


def test_the_user_name_is_counted_however_it_is_spelled(clock) -> None:
    for name in ("other_hr", "OTHER_HR", " other_hr", "Other_hr", "other_HR"):
        log_in(name, "fout")
    assert log_in("other_hr") == 429


def test_many_failures_from_one_address_lock_that_address(clock, settings) -> None:
    settings.LOCKOUT_IP_TRIES = 8
    for number in range(8):  # eight different guessed names: no single name reaches 5
        log_in(f"gok{number}", "fout", ip="203.0.113.9")
    assert log_in("hr", ip="203.0.113.9") == 429
    assert log_in("hr", ip="198.51.100.1") == 302


def test_an_admin_lifts_the_lock_of_a_user_in_his_tenant(world, sign_in, clock) -> None:
    jansen = world.other_hr
    for _ in range(5):
        log_in("other_hr", "fout")
    page = sign_in(world.admin).get(f"/users/{jansen.pk}/").content.decode()
    assert "/unlock/" in page
    assert sign_in(world.other_admin).post(f"/users/{jansen.pk}/unlock/").status_code == 404
    assert log_in("other_hr") == 429
    assert sign_in(world.admin).post(f"/users/{jansen.pk}/unlock/").status_code == 302
    assert log_in("other_hr") == 302
    assert AuditEvent.objects.filter(
        object_type="accounts.user", object_id=jansen.pk, changes__lockout=["locked", None]
    ).exists()


def test_the_operator_lifts_any_lock(world, clock) -> None:
    for _ in range(5):
        log_in("foreign_hr", "fout")
    services.lift_lockout(actor=world.operator, user_id=world.foreign_hr.pk)
    assert log_in("foreign_hr") == 302


def test_the_api_token_route_shares_the_lock(clock) -> None:
    client = Client()
    body = {"username": "other_hr", "password": "fout"}
    for _ in range(5):
        client.post("/api/v1/auth/token", body, content_type="application/json")
    body["password"] = PASSWORD
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 429
