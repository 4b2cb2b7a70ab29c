"""Commands for installations without Celery: the daily error digest (X6) and `process-exchange`."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from hersteld.exchange.models import Coupling, InboxMessage, InboxStatus
from tests.support.exchange import (
    EXAMPLE_ERROR_EMAIL,
    EXAMPLE_SOURCE,
    Coupled,
    job,
    message,
    person,
)


@pytest.mark.django_db
def test_the_daily_job_mails_the_error_count_and_a_link_without_personal_data(
    coupled: Coupled, django_capture_on_commit_callbacks: Any
) -> None:
    coupling = coupled.coupling
    body = message(
        "E-1",
        [{"employee": person(surname="Geheimnaam"), "employment": job(department_code="GEEN")}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        coupled.send(body, "application/json")  # fails: unknown department
        coupled.send(b"<kapot", "application/xml")  # rejected: not a message
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_daily", stdout=io.StringIO())
    digests = [m for m in mail.outbox if m.to == [EXAMPLE_ERROR_EMAIL]]
    assert len(digests) == 1
    text = digests[0].body
    # Two messages could not be processed, one of them rejected as invalid.
    assert f"Koppeling {EXAMPLE_SOURCE}: 2 bericht(en) konden sinds" in text
    assert "(waarvan 1 afgewezen als ongeldig)" in text
    assert f"/couplings/{coupling.pk}/errors/" in text
    assert "Geheimnaam" not in text and "W-9001" not in text


@pytest.mark.django_db
def test_a_coupling_without_an_error_address_gets_no_mail(
    coupled: Coupled, django_capture_on_commit_callbacks: Any
) -> None:
    Coupling.objects.filter(pk=coupled.coupling.pk).update(error_email="")
    with django_capture_on_commit_callbacks(execute=True):
        response = coupled.send(b"<kapot", "application/xml")
    # There is an error to report, only no address to report it to.
    assert InboxMessage.objects.get(pk=response.json()["id"]).status == InboxStatus.REJECTED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_daily", stdout=io.StringIO())
    assert not [
        m
        for m in mail.outbox
        if "koppeling" in m.subject.lower() or "coupling" in m.subject.lower()
    ]


@pytest.mark.django_db
def test_process_exchange_applies_what_is_waiting(
    coupled: Coupled, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):  # no worker ran
        response = coupled.send(
            message("W-1", [{"employee": person(), "employment": job()}]), "application/json"
        )
    out = io.StringIO()
    call_command("process_exchange", "--now", stdout=out)
    assert InboxMessage.objects.get(pk=response.json()["id"]).status == InboxStatus.PROCESSED
    assert "processed: 1" in out.getvalue()
