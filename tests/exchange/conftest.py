"""Fixtures of the exchange tests: a coupling the example messages fit, a client with its key.

The coupling is the `world` employer's, set up like the examples expect
(tests/support/exchange.py, `couple_like_the_examples`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hersteld.exchange.models import Coupling, InboxMessage
from tests.support.exchange import Coupled, content_type, couple_like_the_examples, example


@pytest.fixture(autouse=True)
def _exchange_tasks_in_process(tasks_in_process: None) -> None:
    """Exchange tasks run in the test's process, also in the CI run with Redis (see test_worker)."""


@pytest.fixture(autouse=True)
def _local_targets(settings: Any) -> None:
    """The tests' outbound receiver listens on 127.0.0.1 (test_outbox checks the refusal)."""
    settings.OUTBOUND_PRIVATE_ADDRESSES = True


@pytest.fixture
def coupled(world: Any) -> Coupled:
    """The active coupling the example messages are addressed to, and its API key."""
    return couple_like_the_examples(world)


@pytest.fixture
def coupling(coupled: Coupled) -> Coupling:
    return coupled.coupling


@pytest.fixture
def coupling_key(coupled: Coupled) -> str:
    return coupled.key


@pytest.fixture
def send(coupled: Coupled) -> Callable[..., Any]:
    """POST a body to the inbox with the coupling's key (or `key`); returns the response."""

    def post(body: bytes | str, kind: str = "application/xml", key: str | None = None) -> Any:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {coupled.key if key is None else key}")
        data = body.encode() if isinstance(body, str) else body
        return client.post("/api/v1/exchange/inbox", data, content_type=kind)

    return post


@pytest.fixture
def send_example(send: Callable[..., Any]) -> Callable[[str], InboxMessage]:
    """POST one of docs/examples; it is new, so the answer is 202 (accepted)."""

    def post(name: str) -> InboxMessage:
        response = send(example(name), content_type(name))
        assert response.status_code == 202, response.content
        return InboxMessage.objects.get(pk=response.json()["id"])

    return post
