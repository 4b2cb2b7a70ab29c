"""Fixtures of the exchange tests: the demo coupling, a client with its key, example messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hersteld.demo.exchange import DEMO_KEY
from hersteld.exchange.models import Coupling, InboxMessage
from tests.support.exchange import content_type, example


@pytest.fixture(autouse=True)
def _exchange_tasks_in_process(tasks_in_process: None) -> None:
    """Exchange tasks run in the test's process, also in the CI run with Redis (see test_worker)."""


@pytest.fixture(autouse=True)
def _local_targets(settings: Any) -> None:
    """The tests' outbound receiver listens on 127.0.0.1 (test_outbox checks the refusal)."""
    settings.OUTBOUND_PRIVATE_ADDRESSES = True


@pytest.fixture
def coupling(db: Any) -> Coupling:
    return Coupling.objects.select_related("employer").get(employer__name="Bakkerij De Vries")


@pytest.fixture
def send(db: Any) -> Callable[..., Any]:
    """POST a body to the inbox with the demo coupling key; returns the response."""

    def post(body: bytes | str, kind: str = "application/xml", key: str = DEMO_KEY) -> Any:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        data = body.encode() if isinstance(body, str) else body
        return client.post("/api/v1/exchange/inbox", data, content_type=kind)

    return post


@pytest.fixture
def send_example(send: Callable[..., Any]) -> Callable[[str], InboxMessage]:
    def post(name: str) -> InboxMessage:
        response = send(example(name), content_type(name))
        assert response.status_code in (200, 202), response.content
        return InboxMessage.objects.get(pk=response.json()["id"])

    return post


# --- the same on a factory `world` (tests independent of the demo) ----------------------------


@pytest.fixture
def example_link(world: Any) -> Any:
    """The world's employer with an active coupling that accepts the example messages
    (tests/support/example_coupling.py): `.coupling`, `.key`, `.send(body, kind)`."""
    from tests.support.example_coupling import example_coupling

    return example_coupling(world)
