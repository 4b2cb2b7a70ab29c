"""Shared fixtures: a factory-built world, logged-in clients and API clients.

Tests build the small world they need (`world`, tests/support/world.py); none reads the
demo data except the demo's own smoke test (tests/demo/), which loads it for its module
only. Every test runs in a transaction that is rolled back, so tests never see each
other's writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from hersteld.accounts.models import User
from tests.support.absence import codes, row_counts
from tests.support.clients import ApiClient


@pytest.fixture
def login(db: Any) -> Callable[[str], Client]:
    """A portal client logged in by user name, second factor done where the user has one."""

    def make(username: str) -> Client:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return make


@pytest.fixture
def sign_in(login: Callable[[str], Client]) -> Callable[[User], Client]:
    """A portal client for any user (of a `world`): a confirmed device stands in for having
    passed the second factor, which staff roles need."""

    def make(user: User) -> Client:
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="tests", confirmed=True)
        return login(user.username)

    return make


@pytest.fixture
def api(db: Any) -> Callable[[str], ApiClient]:
    def make(username: str) -> ApiClient:
        return ApiClient(User.objects.get(username=username))

    return make


@pytest.fixture
def api_as(db: Any) -> Callable[[User], ApiClient]:
    """An API client for any user (of a `world`)."""
    return ApiClient


@pytest.fixture
def tasks_in_process() -> Iterator[None]:
    """Run Celery tasks in the test's process, also in the CI run with a Redis broker.

    A real worker is exercised by tests/test_exchange_worker.py and tests/core/test_tasks.py.
    """
    from hersteld.celery import app

    keys = ("task_always_eager", "task_eager_propagates")
    before = {key: app.conf.get(key) for key in keys}
    app.conf.update(dict.fromkeys(keys, True))
    yield
    app.conf.update(before)


@pytest.fixture(autouse=True)
def _employer_users_without_mfa(settings: Any) -> None:
    """As in the demo: employer users log in with a password only (MFA tests switch it on)."""
    settings.MFA_EMPLOYER_USERS = False


# Case fixtures (free_employment, refused, today) serve the absence and poortwachter tests alike.


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def refused() -> Callable[..., dict[str, list[str]]]:
    """Run a service that must refuse: returns the error codes per field; asserts nothing was written."""

    def run(call: Callable[[], Any]) -> dict[str, list[str]]:
        before = row_counts()
        with pytest.raises(ValidationError) as info:
            call()
        assert row_counts() == before, "a refused request must write nothing"
        return codes(info.value)

    return run


@pytest.fixture
def world(db: Any, settings: Any) -> Any:
    """A small world of personas built from factories (tests/support/world.py), not the demo.

    Its users get a fast password hash: a test of the world never logs a demo user in.
    """
    from tests.support.world import world as build

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build()


@pytest.fixture(scope="module")
def module_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """One factory world for every test of a module, for modules of many cases (the route
    matrix, schemathesis) that would otherwise build a world per case. It is built in a
    transaction that is rolled back after the module; each test (marked django_db) runs in
    a savepoint inside it, so what a test writes is gone after that test. A module-scoped
    fixture that adds to it unblocks the database itself (`django_db_blocker.unblock()`)."""
    from django.db import transaction
    from django.test import override_settings

    from tests.support.world import world as build

    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        yield build()
        transaction.set_rollback(True)


@pytest.fixture
def named_world(world: Any) -> Any:
    """The world with user names equal to the attributes ("hr", "medic", ...), the world's
    password for everyone and an authenticator (tests.support.auth.TOTP_SECRET) for staff."""
    from tests.support.auth import TOTP_SECRET
    from tests.support.world import name_users

    return name_users(world, TOTP_SECRET)
