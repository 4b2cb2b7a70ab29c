"""Commands for installations without Celery: the daily error digest (X6) and `process-exchange`."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from hersteld.exchange.models import Coupling, InboxMessage, InboxStatus
from tests.support.exchange import job, message, person


@pytest.mark.django_db
def test_the_daily_job_mails_the_error_count_and_a_link_without_personal_data(
    send: Callable[..., Any],
    coupling: Coupling,
    django_capture_on_commit_callbacks: Any,
) -> None:
    body = message(
        "E-1",
        [{"employee": person(surname="Geheimnaam"), "employment": job(department_code="GEEN")}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        send(body, "application/json")
        send(b"<kapot", "application/xml")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_daily", stdout=io.StringIO())
    digests = [m for m in mail.outbox if m.to == [coupling.error_email]]
    assert len(digests) == 1
    text = digests[0].body
    assert "2" in text and f"/couplings/{coupling.pk}/errors/" in text
    assert "Geheimnaam" not in text and "W-9001" not in text


@pytest.mark.django_db
def test_a_coupling_without_an_error_address_gets_no_mail(
    send: Callable[..., Any], coupling: Coupling, django_capture_on_commit_callbacks: Any
) -> None:
    Coupling.objects.filter(pk=coupling.pk).update(error_email="")
    with django_capture_on_commit_callbacks(execute=True):
        send(b"<kapot", "application/xml")
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
    send: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):  # no worker ran
        response = send(
            message("W-1", [{"employee": person(), "employment": job()}]), "application/json"
        )
    out = io.StringIO()
    call_command("process_exchange", "--now", stdout=out)
    assert InboxMessage.objects.get(pk=response.json()["id"]).status == InboxStatus.PROCESSED
    assert "processed: 1" in out.getvalue()
