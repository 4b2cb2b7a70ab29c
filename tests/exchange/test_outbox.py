"""Outbound streams (X5): stream 1 and 2 written with the change, delivered signed, with retries."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from hersteld.absence import services as absence_services
from hersteld.absence.models import AbsenceCase, CaseKind
from hersteld.exchange import codec, outbox, services
from hersteld.exchange.models import (
    Coupling,
    ExternalKey,
    KeyKind,
    OutboxMessage,
    OutboxStatus,
)
from hersteld.people import services as people_services
from hersteld.people.models import Employment

HEADER_ID = "X-Hersteld-Message-Id"
HEADER_TIME = "X-Hersteld-Timestamp"
HEADER_SIGNATURE = "X-Hersteld-Signature"


# --- a target system on 127.0.0.1 ----------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Records every POST; answers the statuses in `answers` first, then 202."""

    requests: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    url: str = ""

    def respond(self, request: Received) -> int:
        self.requests.append(request)
        return self.answers.pop(0) if self.answers else 202


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Received(self.path, dict(self.headers.items()), self.rfile.read(length))
            status = state.respond(request)
            text = b"accepted" if status < 300 else b"boom: the receiver is broken"
            self.send_response(status)
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/sivi/inbox"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def closed_port_url() -> Iterator[str]:
    """An address on 127.0.0.1 where nothing listens (connection refused).

    The port stays bound (but not listening) for the whole test, so no other process can
    start listening on it in the meantime.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}/down"


def set_target(
    coupling: Coupling, operator: Any, url: str, **more: Any
) -> Coupling:  # the operator configures the outbound target like any other answer
    data = {
        "outbound_url": url,
        "outbound_employer_key": "DV-DOEL",
        "outbound_connection_no": "D-7",
    }
    return services.configure_coupling(
        actor=operator, coupling_id=coupling.pk, data={**data, **more}
    )


@pytest.fixture
def operator(world: Any) -> Any:
    return world.operator


@pytest.fixture
def target(
    coupling: Coupling, employment: Employment, operator: Any, receiver: Receiver
) -> Coupling:
    """The world employer's coupling (conftest), sending to the local receiver from now on:
    the employment below was there before, so the target does not hear of its hiring."""
    return set_target(coupling, operator, receiver.url)


@pytest.fixture
def employment(world: Any, coupling: Coupling) -> Employment:
    """An employment of the coupled employer, in service since 2020, without cases. Its person
    has a BSN and a salary (the coupling allows both) and fits SIVI's limits (city <= 24)."""
    return world.hire(surname="Stroom", city="Groningen", bsn="999990032")


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def sent(coupling: Coupling, stream: int | None = None) -> list[OutboxMessage]:
    rows = OutboxMessage.objects.filter(coupling=coupling).order_by("id")
    if stream is not None:
        rows = rows.filter(stream=stream)
    return list(rows)


def parsed(row: OutboxMessage) -> codec.Message:
    return codec.parse(bytes(row.body), "application/xml")


def mutations(row: OutboxMessage) -> list[codec.AbsenceMutation]:
    return [item.absence for item in parsed(row).items if item.absence is not None]


def verify(secret: str, request: Received) -> bool:
    """What a receiver does (docs/exchange-format.md, "Outbound streams")."""
    timestamp = request.headers[HEADER_TIME]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(request.headers[HEADER_SIGNATURE], f"sha256={expected}")


def sick_report(actor: Any, employment: Employment, first_day: dt.date) -> AbsenceCase:
    return absence_services.add_case(
        actor=actor,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": first_day, "sick_percentage": Decimal("100")},
    )


# --- stream 1 ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_absence_from_report_to_withdrawal_is_stream_1_with_increasing_numbers(
    target: Coupling,
    employment: Employment,
    world: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    actor = world.casemanager
    with django_capture_on_commit_callbacks(execute=True):
        case = sick_report(actor, employment, days_ago(20))
        absence_services.add_recovery(
            actor=actor, case_id=case.pk, data={"date": days_ago(10), "percentage": 40}
        )
        absence_services.correct_case(
            actor=actor,
            case_id=case.pk,
            data={"first_day": days_ago(21), "reason": "Eerste dag verkeerd overgenomen"},
        )
        absence_services.add_recovery(
            actor=actor, case_id=case.pk, data={"date": days_ago(2), "percentage": 100}
        )
        absence_services.withdraw_case(actor=actor, case_id=case.pk, reason="Per abuis gemeld")

    rows = sent(target)
    assert [row.stream for row in rows] == [1] * 5  # closing the case adds nothing of its own
    reports = [mutation for row in rows for mutation in mutations(row)]
    assert [(m.kind, m.sequence) for m in reports] == [
        ("sick_report", 1),
        ("recovery", 2),
        ("correction", 3),
        ("recovery", 4),
        ("withdrawal", 5),
    ]
    report, partial, correction, full, withdrawal = reports
    assert report.first_day == days_ago(20) and report.percentage == Decimal("100.00")
    assert partial.mutation_date == days_ago(10) and partial.percentage == Decimal("60.00")
    assert not partial.ends_absence and partial.recovered_on is None
    assert correction.first_day == days_ago(21)
    assert full.ends_absence and full.recovered_on == days_ago(2) and full.percentage == 0
    assert withdrawal.first_day == days_ago(21)
    assert len({m.absence_id for m in reports}) == 1 and report.absence_id == f"H-V-{case.pk}"

    first = parsed(rows[0])
    assert first.envelope.message_type == "absence" and first.envelope.sender == "HERSTELD"
    assert first.envelope.receiver == "DV-DOEL"
    assert (first.employer.employer_key, first.employer.connection_no) == ("DV-DOEL", "D-7")
    person, job = first.items[0].employee, first.items[0].employment
    employee = employment.employee
    assert person.external_id == f"H-E-{employee.pk}" and person.surname == employee.surname
    assert person.address is not None and person.address.city == "Groningen"
    assert person.email == employee.email and person.phone == employee.phone
    assert job.external_id == f"H-D-{employment.pk}"
    assert job.department_code == employment.department.code
    assert job.hours_per_week == employment.hours_per_week

    # Delivered after each commit, in order, each once.
    assert [r.headers[HEADER_ID] for r in receiver.requests] == [row.message_ref for row in rows]
    delivered = [(row.status, row.attempts) for row in sent(target)]
    assert delivered == [(OutboxStatus.DELIVERED, 1)] * 5


@pytest.mark.django_db
def test_a_target_set_up_during_an_absence_first_gets_the_sick_report(
    coupling: Coupling,
    employment: Employment,
    world: Any,
    operator: Any,
    receiver: Receiver,
) -> None:
    actor = world.casemanager
    case = sick_report(actor, employment, days_ago(15))
    assert not sent(coupling)
    target = set_target(coupling, operator, receiver.url)
    absence_services.add_recovery(
        actor=actor, case_id=case.pk, data={"date": days_ago(5), "percentage": 50}
    )
    (row,) = sent(target)
    assert [(m.kind, m.sequence) for m in mutations(row)] == [("sick_report", 1), ("recovery", 2)]
    absence_services.add_recovery(
        actor=actor, case_id=case.pk, data={"date": days_ago(1), "percentage": 100}
    )
    assert [(m.kind, m.sequence) for m in mutations(sent(target)[-1])] == [("recovery", 3)]


@pytest.mark.django_db
def test_other_kinds_of_case_are_not_sent(
    target: Coupling, employment: Employment, world: Any
) -> None:
    absence_services.add_case(
        actor=world.casemanager,
        employment_id=employment.pk,
        kind=CaseKind.PREVENTIVE,
        data={"first_day": days_ago(3)},
    )
    assert not sent(target, stream=1)


# --- stream 2 ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_employee_change_is_stream_2_with_nawte_and_employments(
    target: Coupling, employment: Employment, world: Any
) -> None:
    employee = employment.employee
    people_services.update_employee(
        actor=world.admin, employee_id=employee.pk, data={"email": "nieuw@example.org"}
    )
    (row,) = sent(target)
    assert row.stream == 2 and row.status == OutboxStatus.PENDING
    message = parsed(row)
    assert message.envelope.message_type == "employee"
    (item,) = message.items  # the one employment of the employee
    assert item.employee.email == "nieuw@example.org"
    assert item.employee.bsn == "999990032"  # the coupling allows BSN and salary
    assert employment.annual_salary == Decimal("40000")
    assert item.employment.annual_salary is None  # but SIVI has no element for a salary
    assert item.employment.personnel_number == employment.personnel_number
    assert item.employment.start_date == employment.start_date
    assert item.employment.valid_from is not None


@pytest.mark.django_db
def test_a_new_employee_goes_out_once_with_its_employment_and_later_terms_with_their_date(
    target: Coupling, world: Any
) -> None:
    admin = world.admin
    created = people_services.add_employment(actor=admin, data=new_person(world.department.pk))
    (row,) = sent(target)  # the employee alone (no employment yet) is not sent
    item = parsed(row).items[0]
    assert item.employment.contract_type == "fixed"
    assert item.employment.valid_from == created.start_date
    ahead = timezone.localdate() + dt.timedelta(days=30)
    people_services.update_employment(
        actor=admin, employment_id=created.pk, data={"hours_per_week": 36}, valid_from=ahead
    )
    now, later = parsed(sent(target)[-1]).items
    assert (now.employment.hours_per_week, now.employment.valid_from) == (
        Decimal("24.00"),
        created.start_date,
    )
    assert (later.employment.hours_per_week, later.employment.valid_from) == (Decimal("36"), ahead)


def new_person(department_id: int, **more: Any) -> dict[str, Any]:
    data = {
        "initials": "E.M.",
        "first_name": "Eva",
        "surname_prefix": "van der",
        "surname": "Uitgaand",
        "birth_date": dt.date(1988, 6, 14),
        "gender": "V",
        "marital_status": "married",
        "bsn": "999990019",
        "postcode": "9711AA",
        "street": "Proefstraat",
        "house_number": 12,
        "house_number_addition": "a",
        "city": "Groningen",
        "country": "NL",
        "phone": "0612345678",
        "email": "eva.uitgaand@example.org",
        "department": department_id,
        "personnel_number": "OUT-1",
        "start_date": timezone.localdate() - dt.timedelta(days=400),
        "function_name": "Bakker",
        "hours_per_week": Decimal("24"),
        "annual_salary": Decimal("31000"),
        "contract_type": "fixed_term",
    }
    data.update(more)
    return data


@pytest.mark.django_db
def test_bsn_and_salary_are_left_out_when_the_coupling_does_not_allow_them(
    target: Coupling, employment: Employment, world: Any, operator: Any
) -> None:
    services.configure_coupling(
        actor=operator, coupling_id=target.pk, data={"bsn": False, "salary": False}
    )
    assert employment.employee.bsn and employment.annual_salary
    people_services.update_employee(
        actor=world.admin, employee_id=employment.employee_id, data={"city": "Assen"}
    )
    sick_report(world.casemanager, employment, days_ago(4))
    for row in sent(target):
        body = bytes(row.body)
        assert b"SofiNr" not in body and b"Jaarsalaris" not in body
        assert employment.employee.bsn.encode() not in body
        for item in parsed(row).items:
            assert item.employee.bsn is None and item.employment.annual_salary is None
    assert len(sent(target)) == 2


# --- delivery --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_signature_verifies_with_the_coupling_secret(
    target: Coupling,
    employment: Employment,
    world: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    before = int(timezone.now().timestamp())
    with django_capture_on_commit_callbacks(execute=True):
        sick_report(world.casemanager, employment, days_ago(3))
    (request,) = receiver.requests
    (row,) = sent(target)
    assert request.path == "/sivi/inbox" and request.body == bytes(row.body)
    assert request.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert request.headers[HEADER_ID] == row.message_ref
    assert before <= int(request.headers[HEADER_TIME]) <= int(timezone.now().timestamp())
    target.refresh_from_db()
    assert len(target.outbound_secret) >= 32 and verify(target.outbound_secret, request)
    assert not verify("another secret", request)
    tampered = Received(request.path, request.headers, request.body.replace(b"100.00", b"10.00"))
    assert not verify(target.outbound_secret, tampered)


@pytest.mark.django_db
def test_a_500_is_retried_with_backoff_and_then_delivered(
    target: Coupling,
    employment: Employment,
    world: Any,
    receiver: Receiver,
) -> None:
    """Delivery runs at given instants, so the backoff is measured exactly, not by the clock."""
    receiver.answers = [500]
    sick_report(world.casemanager, employment, days_ago(3))
    (row,) = sent(target)
    first_try = row.next_attempt_at  # due at once
    assert outbox.deliver_due(now=first_try) == 0
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert row.last_error == "HTTP 500: boom: the receiver is broken"
    assert bytes(row.body)[:40].decode() not in row.last_error  # never what we sent
    wait = row.next_attempt_at - first_try
    assert dt.timedelta(seconds=30) <= wait <= dt.timedelta(seconds=33)  # 30 s, 10% jitter

    # Not due yet: nothing is sent.
    assert outbox.deliver_due(now=row.next_attempt_at - dt.timedelta(seconds=1)) == 0
    assert len(receiver.requests) == 1
    assert outbox.deliver_due(now=row.next_attempt_at) == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.DELIVERED and row.attempts == 2 and row.last_error == ""
    assert row.delivered_at == row.next_attempt_at
    assert [r.headers[HEADER_ID] for r in receiver.requests] == [row.message_ref] * 2
    assert [verify(target.outbound_secret, r) for r in receiver.requests] == [True, True]


@pytest.mark.django_db
def test_backoff_doubles_up_to_six_hours() -> None:
    for attempts, seconds in ((1, 30), (2, 60), (3, 120), (10, 15360), (11, 21600), (30, 21600)):
        delay = outbox.backoff(attempts).total_seconds()
        assert seconds <= delay <= min(seconds * 1.1, 21600)


@pytest.mark.django_db
def test_after_the_last_attempt_a_message_fails_and_can_be_retried_by_the_error_log_reader(
    target: Coupling,
    employment: Employment,
    world: Any,
    receiver: Receiver,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 3
    receiver.answers = [503] * 3
    with django_capture_on_commit_callbacks(execute=True):
        sick_report(world.casemanager, employment, days_ago(3))
    (row,) = sent(target)
    for _ in range(2):
        outbox.deliver_due(now=row.next_attempt_at)
        row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and row.attempts == 3
    assert row.last_error.startswith("HTTP 503")
    assert outbox.deliver_due(now=timezone.now() + dt.timedelta(days=2)) == 0
    assert len(receiver.requests) == 3

    for outsider in (world.casemanager, world.hr, world.other_admin):
        with pytest.raises(Http404):
            outbox.retry_outbox(outsider, row.pk)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.retry_outbox(world.admin, row.pk)
    row.refresh_from_db()
    assert row.status == OutboxStatus.DELIVERED and row.attempts == 1
    with pytest.raises(ValidationError):
        outbox.retry_outbox(world.operator, row.pk)  # only a failed message


@pytest.mark.django_db
def test_a_failing_target_costs_one_try_per_run_not_one_per_message(
    target: Coupling, employment: Employment, world: Any, receiver: Receiver
) -> None:
    receiver.answers = [500] * 5
    people_services.update_employee(
        actor=world.admin, employee_id=employment.employee_id, data={"city": "Assen"}
    )
    sick_report(world.casemanager, employment, days_ago(3))
    assert outbox.deliver_due() == 0
    first, second = sent(target)
    assert (first.attempts, second.attempts) == (1, 0) and len(receiver.requests) == 1
    receiver.answers = []
    assert outbox.deliver_due(now=timezone.now() + dt.timedelta(minutes=5)) == 2


@pytest.mark.django_db
def test_a_write_succeeds_when_the_target_is_down(
    coupling: Coupling,
    employment: Employment,
    world: Any,
    operator: Any,
    closed_port_url: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    target = set_target(coupling, operator, closed_port_url)
    with django_capture_on_commit_callbacks(execute=True):
        case = sick_report(world.casemanager, employment, days_ago(3))
    assert AbsenceCase.objects.filter(pk=case.pk).exists()
    (row,) = sent(target)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert row.last_error.startswith("network error")


@pytest.mark.django_db
def test_a_value_sivi_cannot_carry_fails_the_message_not_the_write(
    target: Coupling,
    employment: Employment,
    world: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    long_function = "Medewerker bakkerij en banketbakkerij"  # 37 characters; NmFnct has 35
    with django_capture_on_commit_callbacks(execute=True):
        people_services.update_employment(
            actor=world.admin,
            employment_id=employment.pk,
            data={"function_name": long_function},
        )
    employment.refresh_from_db()
    assert employment.function_name == long_function
    (row,) = sent(target)
    assert row.status == OutboxStatus.FAILED and bytes(row.body) == b""
    assert "NmFnct" in row.last_error and "max_length" in row.last_error
    assert not receiver.requests
    with pytest.raises(ValidationError) as refused:
        outbox.retry_outbox(world.operator, row.pk)
    assert refused.value.error_dict["__all__"][0].code == "outbox_not_built"


@pytest.mark.django_db
def test_a_suspended_coupling_keeps_its_messages_without_using_attempts(
    target: Coupling,
    employment: Employment,
    world: Any,
    operator: Any,
    receiver: Receiver,
) -> None:
    sick_report(world.casemanager, employment, days_ago(3))
    services.suspend_coupling(actor=operator, coupling_id=target.pk)
    assert outbox.deliver_due() == 0
    (row,) = sent(target)
    assert row.status == OutboxStatus.PENDING and row.attempts == 0 and not receiver.requests
    services.activate_coupling(actor=operator, coupling_id=target.pk)
    assert outbox.deliver_due(now=row.next_attempt_at + dt.timedelta(hours=2)) == 1


# --- never echo --------------------------------------------------------------------------------


def inbound(ref: str, kind: str, sequence: int, **absence: Any) -> bytes:
    mutation = {
        "kind": kind,
        "absence_id": "V-ECHO-1",
        "sequence": sequence,
        "mutation_date": days_ago(6).isoformat(),
        "first_day": days_ago(6).isoformat(),
        "percentage": "100.00",
        **absence,
    }
    body = {
        "message_id": ref,
        "message_type": "absence",
        "sent_at": "2025-03-03T09:00:00+01:00",
        "sender": "PORTAAL",
        "receiver": "HERSTELD",
        "test": True,
        "employer": {"employer_key": "DEVRIES", "connection_no": "DEMO-1"},
        "items": [
            {
                "employee": {
                    "external_id": "W-ECHO",
                    "birth_date": "1990-04-02",
                    "surname": "Echo",
                    "initials": "T.",
                    "gender": "V",
                },
                "employment": {
                    "external_id": "D-ECHO",
                    "personnel_number": "ECHO-1",
                    "start_date": "2020-01-01",
                    "department_code": "BAK",
                    "hours_per_week": "32.00",
                },
                "absence": mutation,
            }
        ],
    }
    return json.dumps(body).encode()


@pytest.mark.django_db
def test_a_coupling_never_gets_its_own_message_back_but_another_target_does(
    target: Coupling, world: Any, operator: Any, receiver: Receiver
) -> None:
    second = services.request_coupling(
        actor=world.admin,
        employer_id=target.employer_id,
        data={"source_system": "Tweede doel", "employer_key": "DV-2", "connection_no": "2"},
    )
    second = set_target(second, operator, receiver.url)
    services.rotate_key(actor=operator, coupling_id=second.pk)
    services.activate_coupling(actor=operator, coupling_id=second.pk)

    stored, _ = services.receive(target, inbound("ECHO-1", "sick_report", 1), "application/json")
    assert services.process(stored.pk) == "processed"
    assert not sent(target)  # its own message is not echoed
    forwarded = sent(second)
    assert [row.stream for row in forwarded] == [2, 1]
    employee_key = ExternalKey.objects.get(kind=KeyKind.EMPLOYEE, key="W-ECHO")
    case_key = ExternalKey.objects.get(kind=KeyKind.ABSENCE, key="V-ECHO-1")
    (report,) = parsed(forwarded[1]).items
    # Linked after the first message: the coupling's key, with ours as the previous one.
    assert report.employee.external_id == "W-ECHO"
    assert report.employee.previous_external_id == f"H-E-{employee_key.object_id}"
    assert report.absence is not None and report.absence.sequence == 1

    # A casemanager's recovery goes to both: to the reporter after its own last number.
    absence_services.add_recovery(
        actor=world.casemanager,
        case_id=case_key.object_id,
        data={"date": days_ago(2), "percentage": 50},
    )
    (own,) = mutations(sent(target)[-1])
    assert (own.kind, own.sequence, own.absence_id) == ("recovery", 2, "V-ECHO-1")
    assert own.previous_absence_id == f"H-V-{case_key.object_id}"
    (other,) = mutations(sent(second)[-1])
    assert (other.kind, other.sequence) == ("recovery", 2)


@pytest.mark.django_db
def test_a_change_in_another_employer_or_without_a_target_sends_nothing(
    coupling: Coupling, employment: Employment, world: Any, operator: Any, receiver: Receiver
) -> None:
    sick_report(world.casemanager, employment, days_ago(3))
    assert not coupling.outbound_url and not OutboxMessage.objects.exists()
    set_target(coupling, operator, receiver.url)
    elsewhere = world.hire(world.other_department, surname="Elders")
    sick_report(world.casemanager, elsewhere, days_ago(3))
    assert not OutboxMessage.objects.exists()


def test_a_bulk_import_sends_each_new_employment_once(target: Coupling) -> None:
    from hersteld.exchange import imports
    from tests.support.exchange import csv_file, row

    content = csv_file(row(801), row(802))
    run = imports.start_run(employer=target.employer, user=None, filename="p.csv", content=content)
    imports.run_import(run, content, user=None, chunk_size=1)
    rows = sent(target, stream=2)
    assert len(rows) == 2
    people = sorted(parsed(r).items[0].employee.surname or "" for r in rows)
    assert people == ["Importman801", "Importman802"]


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/in", "http://10.1.2.3/in", "http://localhost/in"]
)
def test_a_target_on_a_private_address_is_refused_outside_demo_and_development(
    coupling: Coupling,
    employment: Employment,
    world: Any,
    operator: Any,
    receiver: Receiver,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    url: str,
) -> None:
    settings.OUTBOUND_PRIVATE_ADDRESSES = False
    target = set_target(coupling, operator, url)
    with django_capture_on_commit_callbacks(execute=True):
        sick_report(world.casemanager, employment, days_ago(3))
    (row,) = sent(target)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert "non-public address" in row.last_error
    assert receiver.requests == []


@pytest.mark.django_db
def test_a_corrected_or_removed_recovery_goes_out_as_a_new_recovery_report(
    target: Coupling, employment: Employment, world: Any
) -> None:
    """Issue 11 item 20: the receiver learns the corrected values, and what applies again."""
    actor = world.casemanager
    case = sick_report(actor, employment, days_ago(15))
    absence_services.add_recovery(
        actor=actor, case_id=case.pk, data={"date": days_ago(5), "percentage": 50}
    )
    full = absence_services.add_recovery(
        actor=actor, case_id=case.pk, data={"date": days_ago(1), "percentage": 100}
    )
    absence_services.correct_recovery(
        actor=actor, recovery_id=full.pk, data={"date": days_ago(2), "reason": "Datum."}
    )
    (corrected,) = mutations(sent(target)[-1])
    assert (corrected.kind, corrected.sequence, corrected.mutation_date) == (
        "recovery",
        4,
        days_ago(2),
    )
    assert corrected.ends_absence and corrected.recovered_on == days_ago(2)
    absence_services.remove_recovery(actor=actor, recovery_id=full.pk, reason="Per abuis.")
    (removed,) = mutations(sent(target)[-1])
    assert (removed.kind, removed.sequence, removed.mutation_date) == ("recovery", 5, days_ago(2))
    assert not removed.ends_absence and removed.percentage == Decimal("50.00")


class Rebinding:
    """A resolver for `target.example`: the first answer, then another one on every later lookup.

    Numeric addresses resolve as usual (socket.create_connection looks them up too).
    """

    def __init__(self, first: str, later: str) -> None:
        self.first, self.later = first, later
        self.lookups = 0
        self.real = socket.getaddrinfo

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "target.example":
            return self.real(host, port, *args, **kwargs)
        self.lookups += 1
        address = self.first if self.lookups == 1 else self.later
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 80))]


def test_a_name_that_rebinds_to_127_0_0_1_after_the_check_is_not_delivered_there(
    coupling: Coupling,
    employment: Employment,
    world: Any,
    operator: Any,
    receiver: Receiver,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The check sees a public address; a second lookup would give the local receiver."""
    settings.OUTBOUND_PRIVATE_ADDRESSES = False
    port = receiver.url.split(":")[2].split("/")[0]
    target = set_target(coupling, operator, f"http://target.example:{port}/sivi/inbox")
    resolver = Rebinding(first="8.8.8.8", later="127.0.0.1")  # connecting is stubbed below
    tried: list[tuple[str, int]] = []

    def no_network(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        tried.append(address)
        raise ConnectionRefusedError("no network in tests")

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr(socket, "create_connection", no_network)
    with django_capture_on_commit_callbacks(execute=True):
        sick_report(world.casemanager, employment, days_ago(3))
    (row,) = sent(target)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert resolver.lookups == 1
    assert tried == [("8.8.8.8", int(port))]
    assert receiver.requests == []


def test_delivery_goes_to_the_address_resolved_once_with_the_targets_host_name(
    coupling: Coupling,
    employment: Employment,
    world: Any,
    operator: Any,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Private addresses allowed (demo): the first answer is used, a later one never."""
    port = receiver.url.split(":")[2].split("/")[0]
    target = set_target(coupling, operator, f"http://target.example:{port}/sivi/inbox")
    resolver = Rebinding(first="127.0.0.1", later="10.255.255.1")
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with django_capture_on_commit_callbacks(execute=True):
        sick_report(world.casemanager, employment, days_ago(3))
    (row,) = sent(target)
    assert row.status == OutboxStatus.DELIVERED, row.last_error
    assert resolver.lookups == 1
    (request,) = receiver.requests
    assert request.headers["Host"] == f"target.example:{port}"
    assert request.path == "/sivi/inbox"


def test_https_checks_the_certificate_for_the_targets_name_not_the_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SNI and certificate verification use the host name of the URL."""
    seen: dict[str, Any] = {}

    class Context(ssl.SSLContext):
        def wrap_socket(self, raw: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            seen["server_hostname"] = kwargs["server_hostname"]
            seen["verifies"] = self.verify_mode == ssl.CERT_REQUIRED and self.check_hostname
            raise OSError("stop before the handshake")

    def verifying_context() -> Context:
        context = Context(ssl.PROTOCOL_TLS_CLIENT)
        context.load_default_certs()
        return context

    monkeypatch.setattr(outbox.ssl, "create_default_context", verifying_context)
    monkeypatch.setattr(
        socket, "create_connection", lambda address, *a, **k: seen.update(address=address)
    )
    status, error = outbox._post("https://target.example/in", ["192.0.2.7"], b"<x/>", {})
    assert status is None and error.startswith("network error")
    assert seen == {
        "address": ("192.0.2.7", 443),
        "server_hostname": "target.example",
        "verifies": True,
    }
