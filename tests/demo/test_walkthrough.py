"""Issue 15 as a new user checks it on the demo: a message from HR to the employee and back,
the guard on HR's message, the employee's access log showing HR's and the casemanager's
reads, a changed log row found by `hersteld verify-log`, and a retention dry run that
changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from hersteld.absence.models import AbsenceCase
from hersteld.accounts.models import User
from hersteld.core import chain
from hersteld.core.models import AuditEvent
from hersteld.messaging.models import Message
from hersteld.people.models import Employee
from tests.support.clients import ApiClient
from tests.support.logs import tamper, verify_log

pytestmark = pytest.mark.django_db


def client(username: str) -> ApiClient:
    return ApiClient(User.objects.get(username=username))


def employees_case() -> AbsenceCase:
    employee = User.objects.get(username="werknemer.devries").employee
    case = AbsenceCase.objects.filter(employee=employee).order_by("-first_day").first()
    assert case is not None, "the demo gives werknemer.devries a case"
    return case


def test_hr_and_the_employee_exchange_messages_and_the_guard_stops_a_medical_term() -> None:
    case = employees_case()
    hr, employee = client("hr.devries"), client("werknemer.devries")

    refused = hr.post(f"/api/v1/cases/{case.pk}/messages", {"text": "Griep en koorts, beterschap!"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "text"
    assert not Message.objects.filter(case=case, text__contains="koorts").exists()

    sent = hr.post(f"/api/v1/cases/{case.pk}/messages", {"text": "Zullen we dinsdag bellen?"})
    assert sent.status_code == 201, sent.content
    inbox = employee.get("/api/v1/me/messages").json()
    mine = [item for item in inbox["items"] if item["message"]["id"] == sent.json()["id"]]
    assert mine and mine[0]["read_at"] is None
    assert employee.post(f"/api/v1/messages/{sent.json()['id']}/read", {}).status_code == 200

    reply = employee.post(f"/api/v1/cases/{case.pk}/messages", {"text": "Dinsdag is goed."})
    assert reply.status_code == 201, reply.content
    thread = hr.get(f"/api/v1/cases/{case.pk}/messages").json()["items"]
    assert [m["text"] for m in thread][-2:] == ["Zullen we dinsdag bellen?", "Dinsdag is goed."]


def test_the_employee_sees_who_read_his_file() -> None:
    case = employees_case()
    employee = client("werknemer.devries")
    names = {
        username: User.objects.get(username=username).get_full_name()
        for username in ("hr.devries", "casemanager.noord")
    }

    def reads_by() -> dict[str, int]:
        log = employee.get("/api/v1/me/access-log", page_size=100).json()["items"]
        assert all("user" not in item and "user_id" not in item for item in log)
        return {u: sum(1 for item in log if item["who"] == name) for u, name in names.items()}

    before = reads_by()
    for username in names:
        assert client(username).get(f"/api/v1/cases/{case.pk}").status_code == 200
    after = reads_by()

    assert all(after[username] > before[username] for username in names), (before, after)


def test_verify_log_finds_a_changed_row_of_the_demo_log() -> None:
    chain.seal_all()
    assert "intact" in verify_log()
    victim = AuditEvent.objects.filter(seal_seq__isnull=False).order_by("-pk")[3]

    tamper("UPDATE core_auditevent SET actor_name = %s WHERE id = %s", ["iemand", victim.pk])

    with pytest.raises(CommandError) as caught:
        verify_log()
    assert f"row id {victim.pk}" in str(caught.value)


def test_a_retention_dry_run_on_the_demo_reports_and_changes_nothing() -> None:
    before = (
        Employee.objects.filter(anonymised_on__isnull=False).count(),
        AuditEvent.objects.count(),
    )
    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert out.getvalue().strip()
    assert (
        Employee.objects.filter(anonymised_on__isnull=False).count(),
        AuditEvent.objects.count(),
    ) == before
